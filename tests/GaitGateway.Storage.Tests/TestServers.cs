using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GaitGateway.Storage.Tests;

/// <summary>
/// A real server as a child process on 127.0.0.1, a random free port and a temp data directory; killed and removed at
/// dispose. <see cref="Stop"/>/<see cref="Start"/> simulate an outage with the same port and data.
/// </summary>
public abstract class TestServer : IDisposable
{
    private Process? _process;
    private readonly TempDir _dir = new();

    protected TestServer() => Port = FreePort();

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    protected string DataDir => _dir.Path;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string? Find(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(d => Path.Combine(d, binary)).FirstOrDefault(File.Exists);

    protected abstract string Binary { get; }
    protected abstract string Arguments { get; }
    protected abstract string ReadyPath { get; }

    public void Start()
    {
        if (_process is { HasExited: false }) return;
        var psi = new ProcessStartInfo(Find(Binary) ?? throw new InvalidOperationException(Binary + " missing"), Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Binary} exited with {_process.ExitCode}");
            try
            {
                using var r = Http.GetAsync(Url + ReadyPath).GetAwaiter().GetResult();
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"{Binary} not ready on {Url}");
    }

    /// <summary>
    /// Stops the server: SIGKILL (a crash) by default, or SIGTERM (a clean shutdown, which flushes what it has
    /// acknowledged) when <paramref name="graceful"/>.
    /// </summary>
    public void Stop(bool graceful = false)
    {
        if (_process is null) return;
        if (graceful && SysKill(_process.Id, 15) == 0 && _process.WaitForExit(15_000)) { }
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Stop();
        Http.Dispose();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// VictoriaMetrics with <c>-dedup.minScrapeInterval=1ms</c>: without it VictoriaMetrics keeps every copy of a
/// re-sent sample (InfluxDB overwrites); with it, samples of one series with the same millisecond collapse to one,
/// which gives the overwrite semantics store-and-forward relies on. Deployments must set it too.
/// </summary>
public sealed class VictoriaMetricsServer : TestServer
{
    public const string BinaryName = "victoria-metrics";
    public const string Package = "victoria-metrics";

    public VictoriaMetricsServer() => Start();

    protected override string Binary => BinaryName;
    protected override string Arguments =>
        $"-httpListenAddr=127.0.0.1:{Port} -storageDataPath={DataDir} -retentionPeriod=100y -dedup.minScrapeInterval=1ms -loggerLevel=ERROR";
    protected override string ReadyPath => "/health";

    /// <summary>metric name → (labels, timestamp ms, value) of every raw sample matching the selector.</summary>
    public async Task<List<(string Metric, Dictionary<string, string> Labels, long TimestampMs, double Value)>> ExportAsync(string selector)
    {
        using var content = new FormUrlEncodedContent([new("match[]", selector)]);
        using var r = await Http.PostAsync(Url + "/api/v1/export", content);
        r.EnsureSuccessStatusCode();
        var result = new List<(string, Dictionary<string, string>, long, double)>();
        foreach (var line in (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var labels = doc.RootElement.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var name = labels["__name__"];
            var ts = doc.RootElement.GetProperty("timestamps").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var vs = doc.RootElement.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (var i = 0; i < ts.Length; i++) result.Add((name, labels, ts[i], vs[i]));
        }
        return result;
    }

    /// <summary>
    /// Polls the export until <paramref name="expected"/> samples are readable (new series take a few seconds to
    /// become searchable), then keeps polling for another 1.5 s to catch any extra (duplicate) sample.
    /// </summary>
    public async Task<List<(string Metric, Dictionary<string, string> Labels, long TimestampMs, double Value)>> ExportWhenAsync(string selector, int expected)
    {
        var sw = Stopwatch.StartNew();
        var samples = await ExportAsync(selector);
        while (samples.Count < expected && sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            samples = await ExportAsync(selector);
        }
        await Task.Delay(1500);
        return await ExportAsync(selector);
    }
}

/// <summary>InfluxDB 1.6 (<c>influxd</c>) with a generated config: all dirs in the temp dir, HTTP and RPC on free ports.</summary>
public sealed class InfluxDb1Server : TestServer
{
    public const string BinaryName = "influxd";
    public const string Package = "influxdb";

    private readonly string _config;

    public InfluxDb1Server()
    {
        _config = Path.Combine(DataDir, "influxdb.conf");
        var rpcPort = FreePortOtherThan(Port);
        File.WriteAllText(_config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"
            [meta]
              dir = "{DataDir}/meta"
            [data]
              dir = "{DataDir}/data"
              wal-dir = "{DataDir}/wal"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:{Port}"
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            [logging]
              level = "error"
            """);
        Start();
    }

    private static int FreePortOtherThan(int port)
    {
        while (true)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var p = ((IPEndPoint)l.LocalEndpoint).Port;
            if (p != port) return p;
        }
    }

    protected override string Binary => BinaryName;
    protected override string Arguments => $"-config {_config}";
    protected override string ReadyPath => "/ping";

    public async Task CreateDatabaseAsync(string db) => await QueryRawAsync(null, $"CREATE DATABASE \"{db}\"", post: true);

    /// <summary>Rows of an InfluxQL query with <c>epoch=ns</c>: column name → value (JSON element).</summary>
    public async Task<List<Dictionary<string, JsonElement>>> QueryAsync(string db, string q)
    {
        var json = await QueryRawAsync(db, q, post: false);
        using var doc = JsonDocument.Parse(json);
        var rows = new List<Dictionary<string, JsonElement>>();
        foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var err)) throw new InvalidOperationException(err.GetString());
            if (!result.TryGetProperty("series", out var series)) continue;
            foreach (var s in series.EnumerateArray())
            {
                var cols = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                var tags = s.TryGetProperty("tags", out var t) ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()) : [];
                foreach (var v in s.GetProperty("values").EnumerateArray())
                {
                    var row = new Dictionary<string, JsonElement>(tags);
                    var i = 0;
                    foreach (var e in v.EnumerateArray()) row[cols[i++]] = e.Clone();
                    rows.Add(row);
                }
            }
        }
        return rows;
    }

    private async Task<string> QueryRawAsync(string? db, string q, bool post)
    {
        var url = $"{Url}/query?epoch=ns&q={Uri.EscapeDataString(q)}" + (db is null ? "" : "&db=" + Uri.EscapeDataString(db));
        using var r = post ? await Http.PostAsync(url, null) : await Http.GetAsync(url);
        var body = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)r.StatusCode}: {body}");
        return body;
    }
}

internal static class Json
{
    public static double D(this JsonElement e) => e.GetDouble();
    public static long L(this JsonElement e) => e.GetInt64();
    public static string S(this JsonElement e) => e.GetString()!;
    public static string Inv(this long v) => v.ToString(CultureInfo.InvariantCulture);
}
