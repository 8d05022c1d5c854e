using GaitGateway.Coaching.Cues;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Tests;

public class OverstrideExplanationTests
{
    private static readonly OverstrideCues Push = new()
    {
        Reference = OverstrideReference.Personal, Index = 3.6, StrikeScore = 2, CadenceScore = 1.6, BrakingScore = 0, ContactScore = 0,
        StrikeChangeDeg = 10.2, CadenceChangePct = -8.3, StrideChangePct = 19.4, BrakingShareChange = 0.004,
        ReferenceSpeedMps = 2.8, ExpectedCadenceSpm = 160, WindowIndex = double.NaN, StretchStartS = double.NaN,
    };

    [Fact]
    public void The_runner_hears_what_changed_against_her_usual_running()
    {
        Assert.Equal("stride +19 %, cadence −8 % against your usual running, landing 10° more heel-first than your usual at this pace",
            OverstrideExplanation.RunnerWords(Push));
        // A landing that did not steepen is said so, not hidden.
        Assert.Contains("landing angle as usual", OverstrideExplanation.RunnerWords(Push with { StrikeChangeDeg = 0.5 }), StringComparison.Ordinal);
        // Braking is named only when it is one of the reasons.
        Assert.EndsWith("the foot landing further ahead (braking +12 % of the contact)",
            OverstrideExplanation.RunnerWords(Push with { BrakingScore = 2, BrakingShareChange = 0.12 }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_run_is_explained_against_typical_runners()
    {
        var first = Push with { Reference = OverstrideReference.Population, StrikeChangeDeg = 9, CadenceChangePct = -13, StrideChangePct = 15, ReferenceSpeedMps = 2.8 };
        Assert.Equal("stride +15 %, cadence −13 % against typical runners at 2.8 m/s, landing 24° heel-first (typical 8–15°)",
            OverstrideExplanation.RunnerWords(first));
        Assert.Contains("population references", OverstrideExplanation.CoachWords(first, 5.1), StringComparison.Ordinal);
    }

    [Fact]
    public void The_coach_sees_the_index_and_its_parts()
    {
        Assert.Equal("overstriding index 3.6 (flag at 2.0) = strike 2.0 + cadence 1.6 + braking 0.0 + ½·contact 0.0; landing +10°, cadence −8 %, stride +19 %, braking share +0.00; against her own speed-matched baseline (usual running 2.80 m/s; usual cadence at this speed 160 steps/min)",
            OverstrideExplanation.CoachWords(Push, 3.6));
    }

    [Theory]
    [InlineData(148, 160, 8)]   // her usual cadence at this speed is 8 % up: asked for it
    [InlineData(148, 150, 5)]   // at least +5 % (Heiderscheit 2011)
    [InlineData(140, 170, 10)]  // at most +10 %
    [InlineData(148, double.NaN, 5)]
    public void The_target_cadence_comes_from_her_own_speed_cadence_baseline(double present, double usual, double risePct)
    {
        var (target, rise) = OverstrideExplanation.TargetCadence(present, usual, 5, 10);
        Assert.Equal(risePct, rise);
        Assert.InRange(target, present * (1 + ((risePct - 0.5) / 100)), present * (1 + ((risePct + 0.5) / 100)));
        Assert.StartsWith($"Shorten your stride and lift your cadence about {risePct} %", OverstrideExplanation.CueMessage(target, rise, OverstrideReference.Personal), StringComparison.Ordinal);
    }
}
