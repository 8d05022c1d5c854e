using System.Diagnostics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dashboard.Live;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Dashboard.Tests;

/// <summary>
/// What the host does for a live session, in miniature: simulator notifications → <see cref="GaitSession"/> →
/// (LiveBoard sink + store), paced at <c>speedup</c> × real time, with sensor battery/link updates once a simulated second.
/// </summary>
public static class LiveRun
{
    public static async Task<long> StreamAsync(LiveBoard board, SqliteStore store, string runner, string plan, double speedup, CancellationToken ct)
    {
        var settings = new SimulationSettings { Runner = runner, StartUtc = DateTimeOffset.UtcNow };
        var run = SimulatedRun.Create(SessionPlans.Get(plan, settings), settings);
        var sensors = run.Header.Sensors
            .Select(s => new SensorInfo(s.Index, s.Id, FootNames.TryParse(s.Foot, out var f) ? f : Foot.Left, "simulated", s.Firmware, 87, s.SampleRateHz))
            .ToList();
        var id = store.BeginSession(new SessionInfo(runner, plan, "simulate", run.Header.StartUtc, null, plan, sensors));
        var storeSink = new StoreAppendSink(store, id);
        // As the host does: every cue the board raises for this runner is stored as an alert.
        board.CueRaised += (_, cue) => { if (cue.Runner == runner) store.AppendAlert(id, cue.ToAlert()); };
        var sink = new FanOut(board.SinkFor(runner, sensors, new LiveRunnerOptions(id, plan)), storeSink);
        var session = new GaitSession(run.Header.Sensors, sink);
        var clock = Stopwatch.StartNew();
        var nextStatusS = 0.0;
        await Task.Run(async () =>
        {
            foreach (var n in run.Notifications())
            {
                ct.ThrowIfCancellationRequested();
                var simS = n.HostTimeUs / 1e6;
                var ahead = (simS / speedup) - clock.Elapsed.TotalSeconds;
                if (ahead > 0.005) await Task.Delay(TimeSpan.FromSeconds(ahead), ct);
                session.OnNotification(n);
                if (simS >= nextStatusS)
                {
                    nextStatusS += 1;
                    board.UpdateSensor(runner, Foot.Left, 87 - (simS / 60), "connected", 0.4);
                    board.UpdateSensor(runner, Foot.Right, 64 - (simS / 60), simS is > 40 and < 45 ? "reconnecting" : "connected", 1.2,
                        "rejected 400 Hz, now 416 Hz", 12);
                }
            }

            session.Complete();
        }, ct);
        storeSink.Flush();
        store.EndSession(id, run.Header.StartUtc.AddSeconds(run.DurationS));
        board.EndSession(runner);
        return id;
    }

    private sealed class FanOut(IGaitSink a, IGaitSink b) : IGaitSink
    {
        public void OnStride(in StrideMetrics stride) { a.OnStride(stride); b.OnStride(stride); }

        public void OnBout(in BoutSummary bout) { a.OnBout(bout); b.OnBout(bout); }
    }

    /// <summary>Commits every 32 strides, as the host's StoreSink does in larger batches.</summary>
    private sealed class StoreAppendSink(SqliteStore store, long id) : IGaitSink
    {
        private readonly List<StrideMetrics> _pending = [];

        public void OnStride(in StrideMetrics stride)
        {
            _pending.Add(stride);
            if (_pending.Count >= 32) Flush();
        }

        public void OnBout(in BoutSummary bout)
        {
            Flush();
            store.AppendBouts(id, [bout]);
        }

        public void Flush()
        {
            store.AppendStrides(id, _pending.ToArray());
            _pending.Clear();
        }
    }
}
