using System.Diagnostics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

/// <summary>Against a real InfluxDB 1.6 (<c>--influx-mode v1</c>): exact values and nanosecond timestamps.</summary>
public sealed class InfluxDb1Tests
{
    private const string Db = "gait";

    private static InfluxSinkSettings Settings(InfluxDb1Server server) => new(server.Url, "unused", Db, null, InfluxMode.V1)
    {
        BatchSize = 100,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        RetryInitialDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Strides_bouts_and_status_read_back_exactly_with_ns_timestamps()
    {
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session("alice smith"));
        var strides = TestData.Strides(1234).Append(TestData.Empty(Foot.Right, 999.123456789)).ToArray();
        store.AppendStrides(id, strides);
        store.AppendBouts(id, TestData.Bouts());
        store.AppendSensorStatus(id, new SensorStatusRecord("AA:BB:CC:00:00:01", 5, 88.5, 520, 2, "connected"));

        using var fwd = new InfluxForwarder(store, Settings(server));
        Assert.Equal(strides.Length + 3, await fwd.ForwardPendingAsync());

        var rows = await server.QueryAsync(Db, "SELECT * FROM stride GROUP BY *");
        Assert.Equal(strides.Length, rows.Count);
        var startNs = SqliteStore.ToUnixNs(TestData.Start);
        var byKey = rows.ToDictionary(r => (r["foot"].S(), r["seq"].L()));
        var seq = new Dictionary<Foot, long> { [Foot.Left] = 0, [Foot.Right] = 0 };
        foreach (var s in strides)
        {
            var r = byKey[(s.Foot.ToWord(), seq[s.Foot]++)];
            Assert.Equal(startNs + (long)Math.Round(s.IcTimeS * 1e9), r["time"].L()); // exact ns
            Assert.Equal("alice smith", r["runner"].S());
            Assert.Equal(id.Inv(), r["session"].S());
            Assert.Equal(s.Foot == Foot.Left ? "AA:BB:CC:00:00:01" : "AA:BB:CC:00:00:02", r["sensor"].S());
            Assert.Equal(StrideCsv.PatternWord(s.StrikePattern) is { Length: > 0 } w ? w : "unknown", r["strike_pattern"].S());
            AssertField(s.SpeedMps, r, "speed_mps");
            AssertField(s.StrideLengthM, r, "stride_length_m");
            AssertField(s.ContactTimeS, r, "contact_time_s");
            AssertField(s.CadenceSpm, r, "cadence_spm");
            AssertField(s.StrikeAngleDeg, r, "strike_angle_deg");
            AssertField(s.CalfLoad, r, "calf_load");
            AssertField(s.PeakImpactG, r, "peak_impact_g");
            Assert.Equal(s.Overstride ? 1 : 0, r["overstride"].L());
            Assert.Equal((long)s.Flags, r["flags"].L());
        }
        Assert.Equal(2, (await server.QueryAsync(Db, "SELECT * FROM bout GROUP BY *")).Count);
        var status = Assert.Single(await server.QueryAsync(Db, "SELECT * FROM sensor_status GROUP BY *"));
        Assert.Equal(88.5, status["battery_pct"].D());
        Assert.Equal(startNs + 5_000_000_000, status["time"].L());
    }

    private static void AssertField(double expected, Dictionary<string, System.Text.Json.JsonElement> row, string name)
    {
        if (double.IsFinite(expected)) Assert.Equal(expected, row[name].D()); // bit-exact: "R" formatting
        else Assert.Equal(System.Text.Json.JsonValueKind.Null, row[name].ValueKind);
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Outage_mid_forwarding_then_drain_leaves_exactly_the_stored_strides()
    {
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        using var fwd = new InfluxForwarder(store, Settings(server));
        using var cts = new CancellationTokenSource();
        var run = fwd.RunAsync(cts.Token);

        var strides = TestData.Strides(900);
        await using (var writer = new StoreWriter(store))
        {
            for (var i = 0; i < strides.Length; i++)
            {
                await writer.AppendStrideAsync(id, strides[i]);
                if (i % 20 == 19) await Task.Delay(15);
                if (i == 300) { await writer.FlushAsync(); await WaitForAsync(() => fwd.Diagnostics.PointsWritten > 0); server.Stop(); }
                if (i == 600) { await WaitForAsync(() => fwd.Diagnostics.Retries >= 2); server.Start(); }
            }
        }
        await WaitForAsync(() => store.CountUnforwarded("influx", ForwardTable.Strides) == 0, seconds: 60);
        await cts.CancelAsync();
        await run;

        Assert.True(fwd.Diagnostics.Retries >= 2, "the outage was seen");
        var rows = await server.QueryAsync(Db, "SELECT seq FROM stride GROUP BY foot");
        Assert.Equal(strides.Length, rows.Count);
        Assert.Equal(strides.Length, rows.Select(r => (r["foot"].S(), r["seq"].L())).Distinct().Count());
        var startNs = SqliteStore.ToUnixNs(TestData.Start);
        Assert.Equal(strides.Select(s => startNs + (long)Math.Round(s.IcTimeS * 1e9)).Order(), rows.Select(r => r["time"].L()).Order());
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Crash_between_write_and_cursor_update_does_not_duplicate()
    {
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        var path = dir.File("s.db");
        var strides = TestData.Strides(250);
        using (var store = SqliteStore.Open(path))
        {
            store.AppendStrides(store.BeginSession(TestData.Session()), strides);
            // One request in flight makes "the server has exactly two batches" exact: with two, batch 3 may already be
            // on the wire when batch 2's acknowledgement crashes (then 250 reached the server, and the cursor is the same).
            using var crashing = new InfluxForwarder(store, Settings(server) with { MaxRequestsInFlight = 1 });
            var batches = 0;
            crashing.AfterWriteHook = (_, _) => { if (++batches == 2) throw new InvalidOperationException("simulated crash"); };
            await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.ForwardPendingAsync());
            Assert.Equal(200, crashing.Diagnostics.PointsWritten); // two batches on the server …
            Assert.Equal(150, store.CountUnforwarded("influx", ForwardTable.Strides)); // … only one acknowledged
        }
        using (var store = SqliteStore.Open(path)) // "after the restart"
        {
            using var fwd = new InfluxForwarder(store, Settings(server));
            Assert.Equal(150, await fwd.ForwardPendingAsync()); // batch 2 is sent again
        }
        var rows = await server.QueryAsync(Db, "SELECT seq FROM stride GROUP BY foot");
        Assert.Equal(250, rows.Count);
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Missing_database_is_one_clear_error()
    {
        using var server = new InfluxDb1Server(); // no CREATE DATABASE
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        store.AppendStrides(store.BeginSession(TestData.Session()), TestData.Strides(3));
        using var fwd = new InfluxForwarder(store, Settings(server));
        var e = await Assert.ThrowsAsync<StoreException>(() => fwd.ForwardPendingAsync());
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains("does the database exist?", e.Message);
        Assert.Equal(1, fwd.Diagnostics.Requests);
    }

    internal static async Task WaitForAsync(Func<bool> condition, double seconds = 30)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(seconds)) throw new TimeoutException("condition not met in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// Against a real VictoriaMetrics through its InfluxDB v2 write endpoint: millisecond timestamps, each field a metric
/// <c>stride_&lt;field&gt;</c>, read back through <c>/api/v1/export</c>.
/// </summary>
public sealed class VictoriaMetricsTests
{
    private static InfluxSinkSettings Settings(VictoriaMetricsServer server) => new(server.Url, "org", "gait", "ignored-token")
    {
        BatchSize = 500,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        RetryInitialDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromMilliseconds(400),
    };

    [RequiresBinaryFact(VictoriaMetricsServer.BinaryName, VictoriaMetricsServer.Package)]
    public async Task Strides_read_back_exactly_N_with_ms_timestamps()
    {
        using var server = new VictoriaMetricsServer();
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var strides = TestData.Strides(1500);
        store.AppendStrides(id, strides);
        using var fwd = new InfluxForwarder(store, Settings(server));
        Assert.Equal(1500, await fwd.ForwardPendingAsync());

        var samples = await server.ExportWhenAsync("stride_speed_mps", 1500);
        Assert.Equal(1500, samples.Count);
        var startNs = SqliteStore.ToUnixNs(TestData.Start);
        var byTime = samples.ToDictionary(s => (s.Labels["foot"], s.TimestampMs));
        foreach (var s in strides)
        {
            var sample = byTime[(s.Foot.ToWord(), (startNs + (long)Math.Round(s.IcTimeS * 1e9)) / 1_000_000)];
            Assert.Equal(s.SpeedMps, sample.Value, 1e-9); // VictoriaMetrics keeps ~12 significant digits
            Assert.Equal(id.Inv(), sample.Labels["session"]);
            Assert.Equal("alice", sample.Labels["runner"]);
        }
        Assert.Equal(1500, (await server.ExportAsync("stride_overstride")).Count);
    }

    [RequiresBinaryFact(VictoriaMetricsServer.BinaryName, VictoriaMetricsServer.Package)]
    public async Task Outage_and_crash_resends_leave_no_duplicates()
    {
        using var server = new VictoriaMetricsServer();
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var strides = TestData.Strides(600);
        store.AppendStrides(id, strides.AsSpan(0, 300));

        // A crash after the server stored batch 1 but before the cursor moved: batch 1 goes out twice.
        using (var crashing = new InfluxForwarder(store, Settings(server) with { BatchSize = 200 }))
        {
            crashing.AfterWriteHook = (_, _) => throw new InvalidOperationException("simulated crash");
            await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.ForwardPendingAsync());
        }
        using var fwd = new InfluxForwarder(store, Settings(server));
        Assert.Equal(300, await fwd.ForwardPendingAsync());

        // Graceful: VictoriaMetrics acknowledges a write before it is on disk (it flushes its in-memory buffers about
        // every second), so a SIGKILL right after the write loses acknowledged samples, and no client can
        // re-send what it was told is stored. InfluxDB fsyncs its WAL before answering, so its test uses SIGKILL.
        server.Stop(graceful: true);
        store.AppendStrides(id, strides.AsSpan(300));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fwd.ForwardPendingAsync(cts.Token));
        Assert.Equal(300, store.CountUnforwarded("influx", ForwardTable.Strides));
        server.Start();
        Assert.Equal(300, await fwd.ForwardPendingAsync());

        var samples = await server.ExportWhenAsync("stride_seq", 600);
        Assert.Equal(600, samples.Count);
        Assert.Equal(600, samples.Select(s => (s.Labels["foot"], s.Value)).Distinct().Count());
    }
}
