using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

public sealed class ReplayTests
{
    [Fact]
    public async Task The_streamed_cue_analysis_equals_the_analysis_of_every_stride_sorted()
    {
        // gaitgw replay keeps no stride list: its cues and overstriding stretches come from the strides as they stream
        // by, merged across the feet into contact-time order. They must be what the whole sorted list gives.
        var r = await ReplayJob.RunAsync(new ReplayOptions { Recording = Repo.Sample, StorePath = "" }, null, CancellationToken.None);
        var whole = Coaching.Cues.SessionAnalysis.Run(r.Strides);
        Assert.NotNull(r.Analysis);
        Assert.NotEmpty(whole.Cues);
        Assert.Equal(whole.Cues, r.Analysis.Cues);
        Assert.Equal(whole.Stretches, r.Analysis.Stretches);
        var stretches = Evaluation.OverstrideEvaluation.Stretches(r.Strides);
        Assert.NotEmpty(stretches);
        Assert.Equal(stretches, r.OverstrideStretches);
    }

    [Fact]
    public void Contact_order_merges_the_feet_and_never_holds_more_than_its_bound()
    {
        var out_ = new List<StrideMetrics>();
        var sink = new ContactOrderSink(out_.Add);
        static StrideMetrics S(Core.Samples.Foot f, double t) => new() { Foot = f, IcTimeS = t };
        sink.OnStride(S(Core.Samples.Foot.Left, 1.0));
        sink.OnStride(S(Core.Samples.Foot.Left, 2.0));
        sink.OnStride(S(Core.Samples.Foot.Right, 0.5)); // closes after two left strides but began first
        sink.OnStride(S(Core.Samples.Foot.Right, 1.5));
        Assert.Equal([0.5, 1.0, 1.5], out_.Select(s => s.IcTimeS));
        for (var i = 0; i < ContactOrderSink.MaxHeld + 10; i++) sink.OnStride(S(Core.Samples.Foot.Left, 3.0 + i)); // right foot silent
        Assert.Equal(3 + 11, out_.Count); // 2.0 and the first ten beyond the bound went on without a partner
        sink.Complete();
        Assert.Equal(4 + ContactOrderSink.MaxHeld + 10, out_.Count);
        Assert.Equal(out_.Select(s => s.IcTimeS).Order(), out_.Select(s => s.IcTimeS));
    }

    [Fact]
    public async Task A_simulated_recording_replays_to_exactly_the_strides_of_the_live_run()
    {
        var settings = new SimulationSettings { Seed = 21, PacketLossProbability = 0.01 };
        var dir = Repo.TempDir();
        var file = Path.Combine(dir, "live.ggwrec");

        // Live: the simulator's notifications straight into the channel and the session.
        var run = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", settings), settings);
        var live = new CollectingSink();
        await SessionRunner.RunAsync(run.Notifications(), new GaitSession(run.Header.Sensors, live), CancellationToken.None);

        // Recorded, then replayed from the file.
        SimulationRecorder.Write("sample-walk-run", settings, file);
        var replay = await ReplayJob.RunAsync(new ReplayOptions { Recording = file, StorePath = "" }, null, CancellationToken.None);

        Assert.True(live.Strides.Count > 200);
        Assert.Equal(live.Strides, replay.Strides);
        Assert.Equal(live.Bouts, replay.Bouts);
    }

    [Fact]
    public async Task Without_kept_strides_a_replay_gives_the_same_bouts_and_totals_as_the_strides_it_did_not_keep()
    {
        var kept = await ReplayJob.RunAsync(new ReplayOptions { Recording = Repo.Sample, StorePath = "" }, null, CancellationToken.None);
        var lean = await ReplayJob.RunAsync(new ReplayOptions { Recording = Repo.Sample, StorePath = "", KeepStrides = false }, null, CancellationToken.None);

        Assert.True(kept.Strides.Count > 200);
        Assert.Empty(lean.Strides);
        Assert.Equal(kept.Bouts, lean.Bouts);
        var s = kept.Strides;
        var t = lean.Totals;
        Assert.Equal(s.Count, t.Strides);
        Assert.Equal(s.Count(x => x.Foot == Core.Samples.Foot.Left), t.Left);
        Assert.Equal(s.Count(x => x.Foot == Core.Samples.Foot.Right), t.Right);
        Assert.Equal(s.Count(x => x.Gait == Gait.Run), t.Running);
        Assert.Equal(s.Count(x => x.Overstride), t.Overstriding);
        Assert.Equal(s.Where(x => double.IsFinite(x.CalfLoad)).Sum(x => x.CalfLoad), t.CalfLoad);
        Assert.Equal(s.Max(x => double.IsFinite(x.NextIcTimeS) ? x.NextIcTimeS : x.IcTimeS), t.LastS);
    }

    [Fact]
    public void Simulate_duration_sets_the_length_of_a_steady_run()
    {
        var dir = Repo.TempDir();
        var file = Path.Combine(dir, "steady.ggwrec");
        var r = Repo.Gaitgw("simulate", "--plan", "run-steady", "--rate", "1000", "--duration-s", "30", "--out", file);
        Assert.True(r.Exit == 0, r.Err);
        using var reader = Core.Recording.RecordingReader.Open(file);
        var last = 0L;
        while (reader.TryReadNext(out var f)) last = f.HostTimeUs;
        // 30 s of running between the simulator's lead-in and lead-out (each well under 30 s); the default is 300 s.
        Assert.InRange(last / 1e6, 30, 60);
        Assert.Equal(1000, reader.Header.Sensors[0].SampleRateHz);
    }

    [Fact]
    public void The_sample_replays_into_the_store_and_prints_its_bouts()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var export = Path.Combine(dir, "strides.csv");
        var r = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--export", export);
        Assert.Equal(0, r.Exit);
        Assert.Contains("walk", r.Out);
        Assert.Contains("run", r.Out);
        Assert.Contains("stored as session 1", r.Out);

        var lines = File.ReadAllLines(export);
        Assert.Equal(StrideCsv.Header, lines[0]);
        using var s = SqliteStore.Open(store);
        var session = Assert.Single(s.ListSessions());
        Assert.Equal(lines.Length - 1, s.GetStrides(session.Id).Count);
        // The sample's plan: walk, run, (faster) run, walk — at least the walk/run alternation must show.
        var bouts = s.GetBouts(session.Id);
        Assert.Equal(Gait.Walk, bouts[0].Gait);
        Assert.Contains(bouts, b => b.Gait == Gait.Run);
        Assert.Equal(Gait.Walk, bouts[^1].Gait);

        var list = Repo.Gaitgw("sessions", "--store", store);
        Assert.Equal(0, list.Exit);
        Assert.Contains("sim-runner", list.Out);
        var report = Repo.Gaitgw("report", "1", "--store", store);
        Assert.Equal(0, report.Exit);
    }

    [Fact]
    public void The_sample_tells_the_story_the_push_the_flag_with_its_explanation_the_cue()
    {
        // Issue 12: replay prints the overstriding stretch with the cue and its explanation, stores the cue as an alert
        // with the coach's words, and `report` shows both; `evaluate` prints recall, first-cue delay and false flags.
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var r = Repo.Gaitgw("replay", Repo.Sample, "--store", store);
        Assert.Equal(0, r.Exit);
        Assert.Matches(@"overstriding: 1 flagged stretch\(es\): 1:[23]\d–1:5\d", r.Out);
        Assert.Matches(@"cue at 1:\d\d: Shorten your stride and lift your cadence about \d+ % \(to about \d+ steps/min, your usual at this pace\) — stride \+\d+ %, cadence [−+]?\d+ % against your usual running, landing \d+° more heel-first than your usual at this pace", r.Out);
        Assert.Contains("coach: overstriding index", r.Out, StringComparison.Ordinal);
        using (var s = SqliteStore.Open(store))
        {
            var alert = Assert.Single(s.GetAlerts(1), a => a.Kind == "overstride");
            Assert.StartsWith("overstriding index", alert.Detail, StringComparison.Ordinal);
        }

        var report = Repo.Gaitgw("report", "1", "--store", store);
        Assert.Contains("coach: overstriding index", report.Out, StringComparison.Ordinal);
        var eval = Repo.Gaitgw("evaluate", Repo.Sample);
        Assert.Equal(0, eval.Exit);
        Assert.Matches(@"overstriding: recall \d+\.\d % \(\d+/\d+ truth overstriding strides inside flagged stretches\), first cue \d+\.\d s after it began; false flags \d+\.\d %", eval.Out);
    }

    [Fact]
    public void Csv_import_with_units_and_axis_map_gives_the_same_strides_as_native_units()
    {
        // The same walk written twice: once in m/s² and °/s, once in g and rad/s with x and y swapped.
        var dir = Repo.TempDir();
        var csv = Path.Combine(Repo.Datasets, "gaitmap-walk", "imu_sample.csv");
        var native = Repo.Gaitgw("replay", csv, "--no-store", "--quiet", "--export", Path.Combine(dir, "a.csv"));
        Assert.Equal(0, native.Exit);
        var rows = File.ReadAllLines(csv).Skip(2).Select(l => l.Split(',')).ToList();
        static string Foot(List<string[]> rows, int off, bool convert)
        {
            var b = new System.Text.StringBuilder(convert ? "time_s,acc_x [g],acc_y [g],acc_z [g],gyr_x [rad/s],gyr_y [rad/s],gyr_z [rad/s]\n" : "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n");
            foreach (var r in rows)
            {
                double V(int axis) => double.Parse(r[1 + off + (2 * axis)], System.Globalization.CultureInfo.InvariantCulture);
                var t = double.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture) / 204.8;
                double[] acc = [V(0), V(1), V(2)], gyr = [V(3), V(4), V(5)];
                if (convert)
                {
                    // File axes: x_file = gateway y, y_file = −gateway x  ⇒  --axes x=-y,y=x,z=z
                    acc = [acc[1] / 9.80665, -acc[0] / 9.80665, acc[2] / 9.80665];
                    gyr = [gyr[1] * Math.PI / 180, -gyr[0] * Math.PI / 180, gyr[2] * Math.PI / 180];
                }

                b.Append(System.FormattableString.Invariant($"{t},{acc[0]},{acc[1]},{acc[2]},{gyr[0]},{gyr[1]},{gyr[2]}\n"));
            }

            return b.ToString();
        }

        File.WriteAllText(Path.Combine(dir, "l.csv"), Foot(rows, 0, true));
        File.WriteAllText(Path.Combine(dir, "r.csv"), Foot(rows, 1, true));
        var converted = Repo.Gaitgw("replay", "--left", Path.Combine(dir, "l.csv"), "--right", Path.Combine(dir, "r.csv"), "--axes", "x=-y,y=x,z=z", "--no-store", "--quiet", "--export", Path.Combine(dir, "b.csv"));
        Assert.True(converted.Exit == 0, converted.Err);
        var a = File.ReadAllLines(Path.Combine(dir, "a.csv"));
        var c = File.ReadAllLines(Path.Combine(dir, "b.csv"));
        Assert.True(a.Length > 40);
        Assert.Equal(a.Length, c.Length);
        for (var i = 1; i < a.Length; i++)
        {
            var x = a[i].Split(','); var y = c[i].Split(',');
            Assert.Equal(x[0], y[0]);
            Assert.Equal(double.Parse(x[4], System.Globalization.CultureInfo.InvariantCulture), double.Parse(y[4], System.Globalization.CultureInfo.InvariantCulture), 2);
        }
    }
}
