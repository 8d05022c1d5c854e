using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;
using GaitGateway.Storage.Tests;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// The real gaitgw process, SIGKILLed in the middle of a replay: the store opens cleanly afterwards, holds exactly
/// a prefix of the complete replay that ends on a commit boundary of <see cref="StoreSink"/> (so at most the one
/// open batch — ≤ 256 strides, &lt; 1 s of data — is lost), keeps everything that was visibly committed before the
/// kill, and forwarding resumes where its cursor was: the server ends up with exactly the stored strides, and no
/// acknowledged point is sent again.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const string Db = "gaitgw";

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Sigkill_mid_replay_loses_at_most_the_open_batch_and_forwarding_resumes_exactly()
    {
        var dir = Repo.TempDir();
        var input = Path.Combine(dir, "w6r2.ggwrec");
        SimulationRecorder.Write("c25k-w6r2", new SimulationSettings(), input); // 28 min, ~4000 strides

        // The complete replay, in process, through the same StoreSink: every stride in order, and the stride counts
        // at which StoreSink commits (the only states a killed store may be in).
        var (reference, boundaries) = await ReferenceReplayAsync(input, Path.Combine(dir, "reference.db"));
        Assert.True(reference.Count > 2000, $"{reference.Count} strides: input too short to kill mid-replay");
        var gaps = boundaries.Zip(boundaries.Skip(1), (a, b) => (a, b)).ToList();
        Assert.All(gaps, g => Assert.True(g.b - g.a <= StoreSink.BatchSize, $"batch {g.a}..{g.b} larger than {StoreSink.BatchSize}"));
        Assert.All(gaps.Where(g => g.b - g.a > 1), g => Assert.True(
            reference[g.b - 2].IcTimeS - reference[g.a].IcTimeS < 1.0 + 1e-9, $"batch {g.a}..{g.b} spans ≥ 1 s of data"));

        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        string[] influx = ["--influx-url", server.Url, "--influx-mode", "v1", "--influx-bucket", Db, "--influx-wait", "60", "--quiet"];
        var store = Path.Combine(dir, "crash.db");

        // 1. A first session, forwarded completely: the cursor now points into the store.
        var first = Gaitgw([Repo.Sample, "--store", store, .. influx]);
        Assert.True(first.Exit == 0, first.Err);
        var firstSent = ForwardedPoints(first.Out);

        // 2. The long replay, SIGKILLed once a quarter of its strides is committed (polled from another connection).
        var (killedAt, lastSeen) = ReplayAndKill(input, store, influx, sessionId: 2, killAfterStrides: reference.Count / 4);
        Assert.True(lastSeen >= reference.Count / 4);

        // 3. The store opens cleanly and holds a prefix of the complete replay, ending on a commit boundary.
        long unforwarded;
        IReadOnlyList<StrideMetrics> stored;
        long storedBouts, storedAlerts, startNs;
        using (var s = SqliteStore.Open(store))
        {
            using (var ro = OpenReadOnly(store))
            using (var check = new SqliteCommand("PRAGMA integrity_check;", ro))
                Assert.Equal("ok", check.ExecuteScalar());
            stored = s.GetStrides(2);
            storedBouts = s.GetBouts(2).Count;
            storedAlerts = s.GetAlerts(2).Count; // forwarded too since central mode (issue 14)
            startNs = SqliteStore.ToUnixNs(s.GetSession(2)!.StartedUtc);
            unforwarded = s.CountUnforwarded("influx", ForwardTable.Strides);
        }
        Assert.True(stored.Count < reference.Count, $"the kill at {killedAt} came after the replay finished ({stored.Count} strides)");
        Assert.True(stored.Count >= lastSeen, $"{lastSeen} strides were visibly committed before the kill, only {stored.Count} survived");
        output.WriteLine($"complete replay {reference.Count} strides in {boundaries.Count - 1} commits; killed at {killedAt.TotalSeconds:F2} s " +
                         $"after {lastSeen} strides were seen committed; {stored.Count} strides survived");
        Assert.Equal(reference.Take(stored.Count), stored); // exactly a prefix, in order and value
        Assert.Contains(stored.Count, boundaries); // only the open batch is missing
        Assert.Equal(stored.Count, unforwarded); // session 1 stays acknowledged; nothing of session 2 was sent yet

        // 4. Restart: another replay with forwarding sends what is left — session 2's stored strides — once. It replays
        //    the sample of step 1 again, which the store already holds: nothing is added (README, "what replaying twice
        //    does"). Points sent = rows not yet acknowledged, so nothing acknowledged is sent twice.
        var after = Gaitgw([Repo.Sample, "--store", store, .. influx]);
        Assert.True(after.Exit == 0, after.Err);
        Assert.Contains("session 1 already held this recording", after.Out);
        using (var s = SqliteStore.Open(store))
        {
            Assert.Equal(2, s.ListSessions().Count);
            Assert.Equal(s.GetStrides(1).Count + s.GetBouts(1).Count + s.GetAlerts(1).Count, firstSent);
            Assert.Equal(0, s.CountUnforwarded("influx", ForwardTable.Strides));
            Assert.Equal(0, s.CountUnforwarded("influx", ForwardTable.Bouts));
            Assert.Equal(0, s.CountUnforwarded("influx", ForwardTable.Alerts));
        }
        Assert.Equal(stored.Count + storedBouts + storedAlerts, ForwardedPoints(after.Out));

        // 5. The server holds exactly the stored strides of the killed session: same count, timestamps and values.
        var rows = await server.QueryAsync(Db, "SELECT * FROM stride WHERE \"session\" = '2'");
        Assert.Equal(stored.Count, rows.Count);
        var byKey = rows.ToDictionary(r => (r["foot"].GetString()!, r["seq"].GetInt64()));
        var seq = new Dictionary<Foot, long> { [Foot.Left] = 0, [Foot.Right] = 0 };
        foreach (var st in stored)
        {
            var r = byKey[(st.Foot.ToWord(), seq[st.Foot]++)];
            Assert.Equal(startNs + (long)Math.Round(st.IcTimeS * 1e9), r["time"].GetInt64());
            Assert.Equal(st.IcTimeS, r["ic_time_s"].GetDouble());
            if (double.IsFinite(st.SpeedMps)) Assert.Equal(st.SpeedMps, r["speed_mps"].GetDouble());
            if (double.IsFinite(st.StrideLengthM)) Assert.Equal(st.StrideLengthM, r["stride_length_m"].GetDouble());
            if (double.IsFinite(st.CalfLoad)) Assert.Equal(st.CalfLoad, r["calf_load"].GetDouble());
        }
    }

    private static async Task<(List<StrideMetrics> Strides, SortedSet<int> Boundaries)> ReferenceReplayAsync(string input, string storePath)
    {
        using var store = SqliteStore.Open(storePath);
        using var reader = RecordingReader.Open(input);
        var id = store.BeginSession(new SessionInfo("reference", "reference", "replay", reader.Header.StartUtc, input, null, []));
        var boundaries = new SortedSet<int> { 0 };
        using (var sink = new StoreSink(store, id))
        {
            var recorder = new BoundaryRecorder(sink, boundaries);
            await SessionRunner.RunAsync(RecordingSource.Notifications(reader), new GaitSession(reader.Header.Sensors, recorder), CancellationToken.None);
            sink.Flush();
            boundaries.Add((int)sink.Committed);
        }
        return (store.GetStrides(id).ToList(), boundaries);
    }

    /// <summary>Passes everything to a <see cref="StoreSink"/> and notes its committed count after every call.</summary>
    private sealed class BoundaryRecorder(StoreSink inner, SortedSet<int> boundaries) : IGaitSink
    {
        public void OnStride(in StrideMetrics stride)
        {
            inner.OnStride(stride);
            boundaries.Add((int)inner.Committed);
        }

        public void OnBout(in BoutSummary bout)
        {
            inner.OnBout(bout);
            boundaries.Add((int)inner.Committed);
        }
    }

    /// <summary>
    /// Starts `gaitgw replay`, polls the store from a separate read-only connection until session
    /// <paramref name="sessionId"/> has <paramref name="killAfterStrides"/> strides, then SIGKILLs the process
    /// straight after the last poll. Returns when, and the last count seen before the kill.
    /// </summary>
    private static (TimeSpan KilledAt, long LastSeen) ReplayAndKill(string input, string store, string[] influx, long sessionId, long killAfterStrides)
    {
        using var p = StartGaitgw(["replay", input, "--store", store, .. influx]);
        var sw = Stopwatch.StartNew();
        long seen = 0;
        try
        {
            while (sw.Elapsed < TimeSpan.FromSeconds(120) && !p.HasExited)
            {
                try
                {
                    using var db = OpenReadOnly(store);
                    using var cmd = new SqliteCommand("SELECT COUNT(*) FROM strides WHERE session_id = @s;", db);
                    cmd.Parameters.AddWithValue("@s", sessionId);
                    while (!p.HasExited)
                    {
                        seen = (long)cmd.ExecuteScalar()!;
                        if (seen >= killAfterStrides)
                        {
                            p.Kill(); // SIGKILL on Unix: no handler, no flush, no finally in the gateway
                            return (sw.Elapsed, seen);
                        }
                    }
                }
                catch (SqliteException) { Thread.Sleep(1); } // not created yet
            }
            throw new InvalidOperationException($"gaitgw exited ({(p.HasExited ? p.ExitCode : -1)}) or stalled before {killAfterStrides} strides were committed (saw {seen}); stderr: {(p.HasExited ? p.StandardError.ReadToEnd() : "")}");
        }
        finally
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(10_000);
        }
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        return db;
    }

    private static Process StartGaitgw(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = false, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Repo.TempDir();
        return Process.Start(psi)!;
    }

    private static (int Exit, string Out, string Err) Gaitgw(string[] replayArgs) => Repo.Gaitgw(["replay", .. replayArgs]);

    /// <summary>N of "forwarded N points to …" (printed by replay once the forward finished).</summary>
    private static long ForwardedPoints(string stdout)
    {
        var line = stdout.Split('\n').SingleOrDefault(l => l.StartsWith("forwarded ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException("no 'forwarded N points' line in: " + stdout);
        return long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
