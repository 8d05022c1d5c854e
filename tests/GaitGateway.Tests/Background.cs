using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GaitGateway.Tests;

/// <summary>gaitgw as a background process whose output is collected line by line.</summary>
internal sealed class Background : IDisposable
{
    private readonly Process _p;
    private readonly ConcurrentQueue<string> _lines = new();

    private Background(Process p) => _p = p;

    public string Log => string.Join('\n', _lines);

    public int ExitCode => _p.ExitCode;

    public static Background Start(params string[] args) => StartWithEnv(new Dictionary<string, string>(), args);

    public static Background StartWithEnv(Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Repo.TempDir();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var b = new Background(new Process { StartInfo = psi });
        b._p.OutputDataReceived += (_, e) => { if (e.Data is not null) b._lines.Enqueue(e.Data); };
        b._p.ErrorDataReceived += (_, e) => { if (e.Data is not null) b._lines.Enqueue(e.Data); };
        b._p.Start();
        b._p.BeginOutputReadLine();
        b._p.BeginErrorReadLine();
        return b;
    }

    public async Task<Match> WaitForAsync(string pattern, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (_lines.Select(l => Regex.Match(l, pattern)).FirstOrDefault(m => m.Success) is { } m) return m;
            if (_p.HasExited) break;
            await Task.Delay(100);
        }

        throw new TimeoutException($"no '{pattern}' in the log:\n{Log}");
    }

    /// <summary>SIGTERM, as systemd stops it, then wait.</summary>
    public async Task StopAsync()
    {
        if (!_p.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _p.WaitForExitAsync(cts.Token);
    }

    public void Dispose()
    {
        if (!_p.HasExited) _p.Kill(true);
        _p.Dispose();
    }
}
