using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Evaluation;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Tests;

/// <summary>
/// Accuracy against the simulator's truth (an independent kinematic model: Sensors never references Dsp) and the
/// shared real recordings, with the figures the DSP issue sets. Every run has sensor noise, bias, packet loss, clock
/// drift and up to ±15° mounting misalignment; seeds are fixed. Every accuracy target of the DSP issue is asserted here
/// (the simulated ones over 40-s runs; README's table is the 5-minute runs of `bench/accuracy-matrix.sh`).
/// </summary>
public sealed class AccuracyTests
{
    public static TheoryData<int, string, double> Matrix()
    {
        var data = new TheoryData<int, string, double>();
        foreach (var rate in new[] { 200, 400, 1000 })
            foreach (var strike in new[] { "rearfoot", "midfoot", "forefoot" })
                foreach (var speed in new[] { 2.2, 3.3, 4.5 })
                    data.Add(rate, strike, speed);
        return data;
    }

    private static (TruthFigures Figures, List<StrideMetrics> Ours, List<StrideMetrics> Truth) RunPlan(string plan, SimulationSettings settings)
    {
        var run = SimulatedRun.Create(SessionPlans.Get(plan, settings), settings);
        var sink = new CollectingSink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        var truth = run.Truth.Select(t => t.ToStrideMetrics()).ToList();
        return (TruthEvaluation.Compare(truth, sink.Strides, (run.Header.TransportDelayFloorMs ?? 0) / 1000), sink.Strides, truth);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Running_across_rates_strikes_and_speeds_meets_the_stride_length_cadence_event_contact_and_strike_targets(int rateHz, string strike, double speedMps)
    {
        var settings = new SimulationSettings
        {
            Seed = rateHz + (int)(speedMps * 10) + strike.Length,
            SampleRateHz = rateHz,
            StrikePattern = StrideCsv.ParsePattern(strike),
            RunSpeedMps = speedMps,
            MountingMaxDeg = 15,
            PlanDurationS = 40,
        };
        var (f, _, _) = RunPlan("run-steady", settings);
        Assert.True(f.Matched >= 0.95 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.Extra <= 0.02 * f.TruthStrides, $"extra strides {f.Extra}");
        Assert.True(f.StrideLengthMaePercent <= 1.5, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
        Assert.True(f.StrikeAngleMaeDeg <= 2.5, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
        Assert.True(f.IcMaeS <= 0.005, $"initial contact MAE {f.IcMaeS * 1000:F1} ms");
        Assert.True(f.ToMaeS <= 0.005, $"toe-off MAE {f.ToMaeS * 1000:F1} ms");
        Assert.True(f.CadenceMaeSpm <= 0.5, $"cadence MAE {f.CadenceMaeSpm:F2} steps/min");
        Assert.True(f.ContactTimeMaeS <= 0.010, $"contact time MAE {f.ContactTimeMaeS * 1000:F1} ms");
        Assert.True(f.StrikeClassAccuracy >= 0.95, $"strike class {f.StrikeClassAccuracy:P1}");
        Assert.True(f.OverstrideFalsePositives <= 0.02 * f.NormalTruth, $"overstride false positives {f.OverstrideFalsePositives}/{f.NormalTruth}");
    }

    [Theory]
    [InlineData("rearfoot", 4.5)]
    [InlineData("midfoot", 4.5)]
    [InlineData("forefoot", 5.5)]
    [InlineData("rearfoot", 5.5)]
    public void Fast_running_at_200_Hz_never_reports_one_stride_for_two(string strike, double speedMps)
    {
        // A short stance blurred at a low rate can hide a mid-stance; the stride over it must not come out as one
        // stride of twice the time (half the cadence on the runner's screen).
        var settings = new SimulationSettings
        {
            Seed = 3, SampleRateHz = 200, StrikePattern = StrideCsv.ParsePattern(strike), RunSpeedMps = speedMps, MountingMaxDeg = 15,
        };
        var (f, ours, truth) = RunPlan("run-steady", settings);
        foreach (var s in ours)
        {
            var t = truth.Where(x => x.Foot == s.Foot).MinBy(x => Math.Abs(x.IcTimeS - s.IcTimeS));
            Assert.True(s.StrideTimeS < 1.6 * t.StrideTimeS, $"stride at {s.IcTimeS:F2} s lasts {s.StrideTimeS:F3} s, the true one {t.StrideTimeS:F3} s");
        }

        Assert.True(f.Matched >= 0.95 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
    }

    [Theory]
    [InlineData(200, "midfoot")]
    [InlineData(400, "rearfoot")]
    public void A_contact_lost_with_a_packet_is_not_replaced_by_a_swing_feature(int rateHz, string strike)
    {
        // 3 % of packets lost (19 samples each: 95 ms at 200 Hz). A contact inside a lost packet cannot be seen; the
        // jerk then finds a swing feature and two strides come out as 0.55 s and 1.05 s for 0.8 s. The contact must be
        // placed within the gap by the stride rhythm instead (both strides flagged), and no stride may be lost for it.
        var settings = new SimulationSettings
        {
            Seed = 5, SampleRateHz = rateHz, StrikePattern = StrideCsv.ParsePattern(strike), RunSpeedMps = 2.2, MountingMaxDeg = 15,
            PacketLossProbability = 0.03, PlanDurationS = 120,
        };
        var (f, ours, truth) = RunPlan("run-steady", settings);
        foreach (var s in ours)
        {
            var t = truth.Where(x => x.Foot == s.Foot).MinBy(x => Math.Abs(x.IcTimeS - s.IcTimeS));
            Assert.True(Math.Abs(s.StrideTimeS - t.StrideTimeS) < 0.15 * t.StrideTimeS,
                $"stride at {s.IcTimeS:F2} s lasts {s.StrideTimeS:F3} s, the true one {t.StrideTimeS:F3} s ({s.Flags})");
        }

        Assert.True(f.Matched >= 0.95 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.Contains(ours, s => (s.Flags & StrideFlags.GapBridged) != 0);
    }

    [Theory]
    [InlineData(2.5, "midfoot")]
    [InlineData(3.5, "rearfoot")]
    [InlineData(4.5, "forefoot")]
    public void Overstriding_bouts_are_flagged_and_normal_running_is_not(double speedMps, string strike)
    {
        var settings = new SimulationSettings { Seed = 77, RunSpeedMps = speedMps, StrikePattern = StrideCsv.ParsePattern(strike), MountingMaxDeg = 15 };
        var (_, ours, truth) = RunPlan("overstride-test", settings);
        // Issue 12: a stride counts as flagged when it lies inside a flagged stretch (no single-stride flags).
        var o = OverstrideEvaluation.Compare(truth, ours);
        Assert.True(o.TruthOverstriding > 50);
        Assert.True(o.Recall >= 0.9, o.Format());
        Assert.True(o.FalseFlagRate <= 0.02, o.Format());
    }

    [Fact]
    public void Cadence_is_in_steps_per_minute_and_calf_load_rises_when_pushing()
    {
        var settings = new SimulationSettings { Seed = 9 };
        var (_, ours, _) = RunPlan("sample-walk-run", settings);
        var run = ours.Where(s => s.Gait == Gait.Run && !s.Overstride).ToList();
        var walk = ours.Where(s => s.Gait == Gait.Walk).ToList();
        // Steps, not strides: running ~150–185, walking ~100–125 (a stride-based figure would be half).
        Assert.InRange(run.Average(s => s.CadenceSpm), 145, 190);
        Assert.InRange(walk.Average(s => s.CadenceSpm), 95, 130);
        // Calf load per step is far higher running than walking, and higher in the push than in easy running.
        var easy = run.Where(s => s.SpeedMps < 3.2).Average(s => s.CalfLoad);
        var push = ours.Where(s => s.Gait == Gait.Run && s.SpeedMps > 3.3).Average(s => s.CalfLoad);
        Assert.True(easy > 3 * walk.Average(s => s.CalfLoad));
        Assert.True(push > easy);
    }

    [Fact]
    public async Task Gaitmap_walk_against_motion_capture()
    {
        var dir = Path.Combine(Repo.Datasets, "gaitmap-walk");
        var r = await ReplayJob.RunAsync(new ReplayOptions { CsvFiles = [Path.Combine(dir, "imu_sample.csv")], StorePath = "" }, null, CancellationToken.None);
        var f = GaitmapEvaluation.Evaluate(dir, r.Strides);
        Assert.Equal(f.ReferenceStrides, f.Matched);
        Assert.True(f.StrikeAngleMaeDeg <= 3.0, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
        Assert.True(f.IcMedianAbsErrorS <= 0.020, $"IC median |error| {f.IcMedianAbsErrorS * 1000:F1} ms");
        Assert.True(f.StrideLengthMaeM <= 0.03, $"stride length MAE {f.StrideLengthMaeM * 100:F1} cm");
    }

    /// <summary>Issue 3: the closed walks end where they started, within 1 % of the path (drift: gyro bias, heading).</summary>
    [Theory]
    [InlineData("short_walk.csv")]
    [InlineData("long_walk.csv")]
    public void Xio_loop_walk_closes_within_one_percent_of_the_path(string file)
    {
        var f = LoopEvaluation.Evaluate(Path.Combine(Repo.Datasets, "xio-loop-walk", file));
        Assert.True(f.Strides >= 10 && f.PathLengthM > 15, $"{f.Strides} strides, {f.PathLengthM:F1} m");
        Assert.True(f.EndErrorPercent <= 1.0, $"end-point error {f.EndErrorM:F2} m = {f.EndErrorPercent:F2} % of {f.PathLengthM:F1} m");
    }
}
