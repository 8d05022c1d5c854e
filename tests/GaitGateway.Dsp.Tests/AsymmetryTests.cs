using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Dsp.Tests;

/// <summary>Left/right asymmetry per bout, against the simulator's asymmetric runner.</summary>
public sealed class AsymmetryTests
{
    private sealed class Sink : IGaitSink
    {
        public List<StrideMetrics> Strides { get; } = [];
        public List<BoutSummary> Bouts { get; } = [];
        public void OnStride(in StrideMetrics stride) => Strides.Add(stride);
        public void OnBout(in BoutSummary bout) => Bouts.Add(bout);
    }

    private static BoutSummary RunBout(SimulationSettings settings)
    {
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        return sink.Bouts.Where(b => b.Gait == Gait.Run).MaxBy(b => b.Strides);
    }

    [Fact]
    public void A_longer_right_contact_shows_as_contact_time_asymmetry_and_a_symmetric_runner_does_not()
    {
        var symmetric = RunBout(new SimulationSettings { Seed = 31, PlanDurationS = 90 });
        var asymmetric = RunBout(new SimulationSettings { Seed = 31, PlanDurationS = 90, AsymmetryRightContactPct = 10 });
        Assert.InRange(symmetric.ContactTimeAsymmetryPct, -2.5, 2.5);
        // Right 10 % longer: (L − R) / mean ≈ −9.5 %.
        Assert.InRange(asymmetric.ContactTimeAsymmetryPct, -13, -6);
    }

    [Fact]
    public void Step_time_is_about_half_a_stride_and_its_asymmetry_follows_the_right_step()
    {
        var symmetric = RunBout(new SimulationSettings { Seed = 32, PlanDurationS = 90 });
        var asymmetric = RunBout(new SimulationSettings { Seed = 32, PlanDurationS = 90, AsymmetryRightStepPct = 8 });
        Assert.InRange(symmetric.StepTimeAsymmetryPct, -2, 2);
        Assert.True(asymmetric.StepTimeAsymmetryPct < -4, $"step-time asymmetry {asymmetric.StepTimeAsymmetryPct:F1} %");
    }
}
