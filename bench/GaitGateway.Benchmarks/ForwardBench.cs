using System.Diagnostics;
using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;
using GaitGateway.Storage.Tests;

namespace GaitGateway.Benchmarks;

/// <summary>
/// `forward [strides]`: store-and-forward throughput into real loopback servers (VictoriaMetrics, InfluxDB 1.6),
/// plus the forwarder's own costs without a server (SQLite read, line-protocol build). A console run, not
/// BenchmarkDotNet: one pass over a real server is the measurement (a second pass only overwrites).
/// `drain STORE vm|influx1|URL [v1|v2] [bucket] [sink]`: forwards everything pending in STORE (into a loopback server it
/// starts, or to URL) and prints the drain time (bench/outage.sh).
/// </summary>
internal static class ForwardBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var dir = Directory.CreateTempSubdirectory("gaitgw-fwdbench-").FullName;
        try
        {
            var path = Path.Combine(dir, "bench.db");
            using var store = SqliteStore.Open(path);
            var sw = Stopwatch.StartNew();
            Fill(store, n);
            Console.WriteLine($"store: {n} strides in {sw.Elapsed.TotalSeconds:F1} s, {store.FileSizeBytes() / 1e6:F1} MB");

            // Our own cost per point, no server: read + build line protocol (what the forwarder does per batch).
            for (var r = 0; r < repeats; r++)
            {
                sw.Restart();
                long rows = 0, bytes = 0;
                var after = 0L;
                var list = new List<ForwardStride>(5000);
                using var writer = new LineProtocolWriter();
                while (true)
                {
                    list.Clear();
                    writer.Clear();
                    if (store.ReadStridesAfter(after, 5000, list) == 0) break;
                    foreach (var row in list) { writer.AppendStride(row); after = row.Key.RowId; }
                    bytes += writer.Length;
                    rows += list.Count;
                }
                var readBuild = sw.Elapsed.TotalSeconds;
                sw.Restart();
                after = 0;
                while (true)
                {
                    list.Clear();
                    if (store.ReadStridesAfter(after, 5000, list) == 0) break;
                    after = list[^1].Key.RowId;
                }
                var readOnly = sw.Elapsed.TotalSeconds;
                list.Clear();
                store.ReadStridesAfter(0, 5000, list);
                sw.Restart();
                for (var k = 0; k < 40; k++)
                {
                    writer.Clear();
                    foreach (var row in list) writer.AppendStride(row);
                }
                Console.WriteLine($"no server: build only {40 * list.Count / sw.Elapsed.TotalSeconds / 1e3:F0} k lines/s");
                sw.Restart();
                var buf = new byte[64];
                long fmt = 0;
                for (var k = 0; k < 40; k++)
                    foreach (var row in list)
                        for (var f = 0; f < 20; f++) { row.Stride.SpeedMps.TryFormat(buf, out var w, "R", CultureInfo.InvariantCulture); fmt += w; }
                Console.WriteLine($"no server: one double R format {sw.Elapsed.TotalMilliseconds * 1e6 / (40.0 * list.Count * 20):F0} ns");
                Console.WriteLine($"no server: read {rows / readOnly / 1e3:F0} k rows/s; read+build {rows / readBuild / 1e3:F0} k points/s ({bytes / (double)rows:F0} B/line)");
            }

            // The servers' own ceiling: the same bodies, pre-built, POSTed back to back (no SQLite, no building).
            var bodies = new List<(byte[] Body, int Lines)>();
            var ceiling = Environment.GetEnvironmentVariable("GAITGW_BENCH_NO_CEILING") != "1";
            if (ceiling)
            {
                var list = new List<ForwardStride>(5000);
                using var writer = new LineProtocolWriter();
                var after = 0L;
                while (true)
                {
                    list.Clear();
                    writer.Clear();
                    if (store.ReadStridesAfter(after, 5000, list) == 0) break;
                    foreach (var row in list) { writer.AppendStride(row); after = row.Key.RowId; }
                    bodies.Add((writer.Written.ToArray(), writer.Lines));
                }
            }

            if (TestServer.Find(VictoriaMetricsServer.BinaryName) is not null)
            {
                for (var r = 0; r < repeats; r++)
                {
                    using var vm = new VictoriaMetricsServer();
                    await ForwardOnceAsync(store, "VictoriaMetrics", new InfluxSinkSettings(vm.Url, "gaitgw", "gaitgw", null) { SinkName = "vm" + r }, n);
                }
                if (ceiling)
                {
                    using var vm = new VictoriaMetricsServer();
                    await CeilingAsync("VictoriaMetrics", vm.Url + "/api/v2/write?bucket=gaitgw&precision=ns", bodies);
                }
            }
            else Console.WriteLine("victoria-metrics not installed: skipped");

            var haveInflux = TestServer.Find(InfluxDb1Server.BinaryName) is not null;
            if (haveInflux)
            {
                for (var r = 0; r < repeats; r++)
                {
                    using var influx = new InfluxDb1Server();
                    await influx.CreateDatabaseAsync("gaitgw");
                    await ForwardOnceAsync(store, "InfluxDB 1.6", new InfluxSinkSettings(influx.Url, "gaitgw", "gaitgw", null, InfluxMode.V1) { SinkName = "influx" + r }, n);
                    var q = await influx.Http.GetStringAsync(influx.Url + "/query?db=gaitgw&q=" + Uri.EscapeDataString("SELECT count(seq) FROM stride"));
                    Console.WriteLine("  influx count: " + q);
                }
            }
            else Console.WriteLine("influxd not installed: skipped");
            if (haveInflux && ceiling)
            {
                using var influx = new InfluxDb1Server();
                await influx.CreateDatabaseAsync("gaitgw");
                await CeilingAsync("InfluxDB 1.6", influx.Url + "/write?db=gaitgw&precision=n", bodies);
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static async Task ForwardOnceAsync(SqliteStore store, string name, InfluxSinkSettings settings, int n)
    {
        // Knobs for exploring: GAITGW_BENCH_BATCH (points per request), GAITGW_BENCH_INFLIGHT (requests in flight).
        if (int.TryParse(Environment.GetEnvironmentVariable("GAITGW_BENCH_BATCH"), out var batch)) settings = settings with { BatchSize = batch };
        if (int.TryParse(Environment.GetEnvironmentVariable("GAITGW_BENCH_INFLIGHT"), out var inFlight)) settings = settings with { MaxRequestsInFlight = inFlight };
        name += $" (batch {settings.BatchSize}, {settings.MaxRequestsInFlight} in flight)";
        using var fwd = new InfluxForwarder(store, settings);
        var gc0 = GC.CollectionCount(0);
        var alloc0 = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        var sent = await fwd.ForwardPendingAsync();
        var s = sw.Elapsed.TotalSeconds;
        var d = fwd.Diagnostics;
        Console.WriteLine($"{name}: {sent} points in {s:F2} s = {sent / s / 1e3:F0} k points/s; {d.Requests} requests, {d.Retries} retries; " +
                          $"{(GC.GetTotalAllocatedBytes() - alloc0) / (double)sent:F0} B allocated/point, {GC.CollectionCount(0) - gc0} gen0 GCs");
        if (sent != n) Console.WriteLine($"  expected {n}");
    }

    private static async Task CeilingAsync(string name, string url, List<(byte[] Body, int Lines)> bodies)
    {
        using var http = new HttpClient();
        foreach (var parallel in new[] { 1, 2 })
        {
            var sw = Stopwatch.StartNew();
            long points = 0;
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                {
                    using var content = new ByteArrayContent(bodies[i].Body);
                    using var r = await http.PostAsync(url, content);
                    r.EnsureSuccessStatusCode();
                    Interlocked.Add(ref points, bodies[i].Lines);
                }
            })));
            Console.WriteLine($"{name} ceiling (pre-built bodies re-sent, {parallel} request(s) in flight): {points / sw.Elapsed.TotalSeconds / 1e3:F0} k points/s");
        }
    }

    /// <summary>`drain STORE URL [v1|v2] [bucket] [sink]`.</summary>
    public static async Task<int> DrainAsync(string[] args)
    {
        using var store = SqliteStore.Open(args[1]);
        // "vm" / "influx1": a loopback server started here (as the storage tests start it); anything else is a URL.
        using TestServer? server = args[2] switch
        {
            "vm" => new VictoriaMetricsServer(),
            "influx1" => new InfluxDb1Server(),
            _ => null,
        };
        if (server is InfluxDb1Server influx) await influx.CreateDatabaseAsync(args.Length > 4 ? args[4] : "gaitgw");
        var mode = server is InfluxDb1Server || (args.Length > 3 && args[3] == "v1") ? InfluxMode.V1 : InfluxMode.V2;
        var settings = new InfluxSinkSettings(server?.Url ?? args[2], "", args.Length > 4 ? args[4] : "gaitgw", null, mode)
        {
            SinkName = args.Length > 5 ? args[5] : "influx",
        };
        var pending = store.CountUnforwarded(settings.SinkName, ForwardTable.Strides);
        using var fwd = new InfluxForwarder(store, settings);
        var rss0 = Environment.WorkingSet;
        var sw = Stopwatch.StartNew();
        var sent = await fwd.ForwardPendingAsync();
        var s = sw.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drain: RSS {rss0 / 1e6:F0} MB before, peak {self.PeakWorkingSet64 / 1e6:F0} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drain: {pending} strides pending, {sent} points sent in {s:F2} s ({sent / Math.Max(s, 1e-9):F0} points/s), {fwd.Diagnostics.Requests} requests; left {store.CountUnforwarded(settings.SinkName, ForwardTable.Strides)}"));
        if (server is InfluxDb1Server read)
            Console.WriteLine("drain: server holds " + (await read.QueryAsync(settings.Bucket, "SELECT count(seq) FROM stride"))[0]["count"] + " stride points");
        return 0;
    }

    private static void Fill(SqliteStore store, int n)
    {
        const int perSession = 10_000;
        var rng = new Random(1);
        var start = new DateTimeOffset(2025, 5, 1, 6, 30, 0, TimeSpan.Zero);
        var buf = new StrideMetrics[256];
        for (var done = 0; done < n;)
        {
            var runner = "runner " + (done / perSession % 4);
            var id = store.BeginSession(new SessionInfo(runner, "bench", "simulate", start.AddHours(done / perSession), null, null,
            [
                new SensorInfo(0, "AA:BB:CC:00:00:01", Foot.Left, "simulated", "1.2.3"),
                new SensorInfo(1, "AA:BB:CC:00:00:02", Foot.Right, "simulated", "1.2.3"),
            ]));
            var inSession = Math.Min(perSession, n - done);
            for (var i = 0; i < inSession;)
            {
                var k = Math.Min(buf.Length, inSession - i);
                for (var j = 0; j < k; j++, i++)
                {
                    double R(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
                    var ic = 1 + i * 0.36 + R(0, 0.01);
                    buf[j] = new StrideMetrics
                    {
                        Foot = i % 2 == 0 ? Foot.Left : Foot.Right, IcTimeS = ic, ToTimeS = ic + R(0.2, 0.3),
                        NextIcTimeS = ic + R(0.7, 0.75), StrideTimeS = R(0.7, 0.75), StrideLengthM = R(1.8, 2.4),
                        SpeedMps = R(2.5, 3.3), ContactTimeS = R(0.2, 0.3), FlightTimeS = R(-0.02, 0.1), SwingTimeS = R(0.4, 0.5),
                        DutyFactor = R(0.3, 0.4), StrikeAngleDeg = R(-5, 20), StrikePattern = (StrikePattern)(1 + i % 3),
                        CadenceSpm = R(150, 180), PeakImpactG = R(3, 12), FootClearanceM = R(0.1, 0.3), PeakSwingSpeedMps = R(6, 9),
                        OverstrideIndex = R(0.7, 1.4), Overstride = i % 5 == 0, CalfLoad = R(1, 3),
                        Gait = i % 7 == 0 ? Gait.Walk : Gait.Run, Flags = (StrideFlags)(i % 16),
                    };
                }
                store.AppendStrides(id, buf.AsSpan(0, k));
            }
            done += inSession;
        }
    }
}
