using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Dsp.Tests;

/// <summary>Behaviour every pipeline must show whatever the data: no invented strides, bounded drift, bad samples survived.</summary>
public sealed class FootPipelineContractTests
{
    private sealed class Sink : IGaitSink
    {
        public List<StrideMetrics> Strides { get; } = [];
        public List<BoutSummary> Bouts { get; } = [];
        public void OnStride(in StrideMetrics stride) => Strides.Add(stride);
        public void OnBout(in BoutSummary bout) => Bouts.Add(bout);
    }

    private static Sink Run(SimulatedRun run)
    {
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        return sink;
    }

    [Fact]
    public void An_hour_of_standing_emits_no_strides_and_no_drift()
    {
        var settings = new SimulationSettings { Seed = 11, PlanDurationS = 3600 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        Assert.Empty(sink.Strides);
        Assert.Equal(Vector3.Zero, session.PipelineFor(Foot.Left)!.PositionWorldM);
        // The bias estimator found the simulated gyro bias at rest.
        Assert.True(session.PipelineFor(Foot.Left)!.Diagnostics.GyroBiasDps.Length() > 0);
    }

    [Fact]
    public void Non_finite_samples_are_skipped_without_inventing_strides()
    {
        var p = new FootPipeline(Foot.Left);
        for (var i = 0; i < 4000; i++)
        {
            var v = i % 7 == 0 ? float.NaN : i % 11 == 0 ? float.PositiveInfinity : 0f;
            Assert.False(p.Update(new ImuSample(i / 400.0, new Vector3(v, 0, 9.81f), new Vector3(0, v, 0)), out _));
        }

        Assert.True(p.Diagnostics.SkippedSamples > 0);
    }

    [Fact]
    public void Long_gaps_reset_the_stride_state_and_short_ones_are_bridged_and_flagged()
    {
        var settings = new SimulationSettings { Seed = 5, PlanDurationS = 60, PacketLossProbability = 0 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var reference = Run(run);

        // Drop 2.5 s of the left clip's packets (a link loss) and 60 ms a little later (one lost packet burst).
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications())
        {
            var t = n.HostTimeUs / 1e6;
            if (n.SensorIndex == 0 && ((t > 30 && t < 32.5) || (t > 45 && t < 45.06))) continue;
            session.OnNotification(n);
        }

        session.Complete();
        var left = sink.Strides.Where(s => s.Foot == Foot.Left).ToList();
        // No stride spans the long gap: it would be an invented stride.
        Assert.DoesNotContain(left, s => s.IcTimeS < 32.5 && s.NextIcTimeS > 30);
        // Short gap: strides continue and the one across it is flagged.
        Assert.Contains(left, s => s.IcTimeS < 45.06 && s.NextIcTimeS > 45 && (s.Flags & StrideFlags.GapBridged) != 0);
        // Away from the gaps, nothing changes.
        var before = left.Where(s => s.NextIcTimeS < 29).ToList();
        var refBefore = reference.Strides.Where(s => s.Foot == Foot.Left && s.NextIcTimeS < 29).ToList();
        Assert.Equal(refBefore.Count, before.Count);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    public void A_stance_lost_in_a_gap_costs_the_two_strides_across_it_not_a_third(int rateHz)
    {
        var settings = new SimulationSettings { Seed = 9, SampleRateHz = rateHz, PlanDurationS = 90, PacketLossProbability = 0 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var reference = Run(run).Strides.Count(s => s.Foot == Foot.Left);

        // Drop the left clip's packets over 6 stances, 10 s apart: ±130 ms around each mid-stance (a burst of lost
        // packets over the whole foot-flat), so every one of those stances is lost and its segment holds two swings.
        // Before, the contact found in such a segment was its first landing and was thrown away: 3 strides per stance.
        var truthLeft = run.Truth.Select(t => t.ToStrideMetrics()).Where(t => t.Foot == Foot.Left).ToList();
        var holes = Enumerable.Range(1, 6)
            .Select(i => truthLeft.First(t => t.IcTimeS > i * 10.0))
            .Select(t => t.IcTimeS + (t.ContactTimeS / 2))
            .ToList();
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications())
        {
            var t = n.HostTimeUs / 1e6;
            if (n.SensorIndex == 0 && holes.Any(h => Math.Abs(t - h) < 0.13)) continue;
            session.OnNotification(n);
        }

        session.Complete();
        var lost = reference - sink.Strides.Count(s => s.Foot == Foot.Left);
        Assert.True(lost <= 2 * holes.Count, $"{lost} strides lost over {holes.Count} stances lost in gaps");
    }
}
