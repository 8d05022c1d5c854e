using System.Diagnostics;
using System.Text.Json;

namespace GaitGateway.Coaching.Tests;

/// <summary>
/// Runs tests/fit-check/decode.mjs: Garmin's official FIT SDK (npm @garmin/fitsdk 21.217.0) and an independent decoder
/// (npm fit-file-parser 6.1.2) over FIT files, and returns what each read (see decode.mjs for the shape).
/// </summary>
/// <remarks>Never skips. When tests/fit-check/node_modules is missing, the first test to need it runs
/// <c>npm ci</c> there (versions pinned by its package-lock.json; npm from Debian's <c>npm</c> package, which .ci/run
/// installs), so README's one test command works on a fresh clone; without node or npm the test fails and says what
/// to install.</remarks>
public static class FitDecoders
{
    public static string CheckDir { get; } = Path.Combine(FindRoot(), "tests", "fit-check");

    /// <summary>One decoder's reading of one file.</summary>
    public sealed record Decoded(string Decoder, bool IsFit, bool Integrity, IReadOnlyList<string> Errors, JsonElement Messages)
    {
        /// <summary>The messages of one FIT message type (snake_case name), empty when none.</summary>
        public IReadOnlyList<JsonElement> Of(string message) =>
            Messages.TryGetProperty(message, out var list) ? list.EnumerateArray().ToArray() : [];
    }

    /// <summary>Decodes each file with both decoders: [garmin, parser] per file, in order.</summary>
    public static IReadOnlyList<(Decoded Garmin, Decoded Parser)> Decode(params string[] fitFiles)
    {
        EnsureInstalled();

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = CheckDir };
        psi.ArgumentList.Add(Path.Combine(CheckDir, "decode.mjs"));
        foreach (var f in fitFiles) psi.ArgumentList.Add(f);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"cannot run node ({e.Message}): install Node.js 20 (Debian package nodejs) — .ci/run does");
            throw;
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("node decode.mjs timed out"); }
            Assert.True(p.ExitCode == 0, $"node decode.mjs exited {p.ExitCode}: {stderr.Result}");
            using var doc = JsonDocument.Parse(stdout.Result);
            return doc.RootElement.EnumerateArray().Select(f => (Read("garmin", f.GetProperty("garmin")), Read("fit-file-parser", f.GetProperty("parser")))).ToArray();
        }
    }

    private static readonly Lazy<string?> Install = new(InstallOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    private static bool Installed()
    {
        var modules = Path.Combine(CheckDir, "node_modules");
        return Directory.Exists(Path.Combine(modules, "@garmin", "fitsdk")) && Directory.Exists(Path.Combine(modules, "fit-file-parser"));
    }

    private static void EnsureInstalled()
    {
        if (Install.Value is { } error) Assert.Fail(error);
    }

    /// <summary>Runs <c>npm ci</c> once; test assemblies run as parallel processes, so a lock file serialises them.</summary>
    private static string? InstallOnce()
    {
        if (Installed()) return null;
        using var gate = AcquireLock(Path.Combine(CheckDir, ".install.lock"));
        if (Installed()) return null; // another test process installed it while we waited
        var psi = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = CheckDir };
        foreach (var a in new[] { "ci", "--no-audit", "--no-fund" }) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(600_000)) { p.Kill(true); return "npm ci in tests/fit-check timed out"; }
            return p.ExitCode == 0 && Installed() ? null : $"npm ci in tests/fit-check exited {p.ExitCode}: {stderr.Result}{stdout.Result}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run npm ({e.Message}): install Node.js and npm (Debian packages nodejs, npm) — .ci/run does; the FIT export is checked by Garmin's FIT SDK and fit-file-parser from npm";
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var until = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static Decoded Read(string name, JsonElement e) => new(
        name,
        e.GetProperty("isFit").GetBoolean(),
        e.GetProperty("integrity").GetBoolean(),
        e.GetProperty("errors").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
        e.GetProperty("messages").Clone());

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "GaitGateway.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
