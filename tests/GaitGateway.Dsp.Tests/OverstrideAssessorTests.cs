using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Overstride;

namespace GaitGateway.Dsp.Tests;

/// <summary>The overstriding judgement on synthetic strides (both feet pooled), each case one claim of the README's
/// construct. The end-to-end matrix against the simulator is OverstrideScenarioTests.</summary>
public class OverstrideAssessorTests
{
    /// <summary>Steady running strides with a little stride-to-stride scatter (fixed seed).</summary>
    private static IEnumerable<StrideMetrics> Run(double t0, double seconds, double speed, double cadence, double strike, double braking = 0.45,
        double contact = 0.25, int seed = 1, Gait gait = Gait.Run)
    {
        var rng = new Random(seed);
        var stepS = 60 / cadence;
        var foot = Foot.Left;
        for (var t = t0; t < t0 + seconds; t += stepS)
        {
            var c = cadence * (1 + (0.01 * (rng.NextDouble() - 0.5)));
            var strideS = 120 / c;
            yield return new StrideMetrics
            {
                Foot = foot, IcTimeS = t, NextIcTimeS = t + strideS, StrideTimeS = strideS, CadenceSpm = c,
                SpeedMps = speed * (1 + (0.01 * (rng.NextDouble() - 0.5))), StrideLengthM = speed * strideS,
                StrikeAngleDeg = strike + (rng.NextDouble() - 0.5), OverstrideIndex = (braking + (0.02 * (rng.NextDouble() - 0.5))) / 0.5,
                ContactTimeS = contact, Gait = gait,
            };
            foot = foot == Foot.Left ? Foot.Right : Foot.Left;
        }
    }

    private static List<StrideMetrics> Assess(IEnumerable<StrideMetrics> strides, OverstrideBaseline? history = null)
    {
        var a = new OverstrideAssessor(history: history);
        return strides.Select(s => a.Assess(s)).ToList();
    }

    [Fact]
    public void A_push_by_a_longer_stride_at_lower_cadence_with_a_steeper_landing_is_flagged_against_her_own_running()
    {
        // Her usual: 2.8 m/s, 158 steps/min, 13°; then stride +20 %, cadence −9 %, landing +10°, braking share unchanged.
        var strides = Assess(Run(0, 60, 2.8, 158, 13).Concat(Run(60, 40, 2.8 * 1.2 * 0.91, 158 * 0.91, 23)));
        var push = strides.Where(s => s.IcTimeS >= 60).ToList();
        Assert.True(push.Count(s => s.Overstride) >= push.Count - 8, $"{push.Count(s => s.Overstride)}/{push.Count}");
        Assert.DoesNotContain(strides, s => s.IcTimeS < 60 && s.Overstride);
        var c = push[^1].OverstrideCues;
        Assert.Equal(OverstrideReference.Personal, c.Reference);
        Assert.InRange(c.StrideChangePct, 17, 23);
        Assert.InRange(c.CadenceChangePct, -11, -7);
        Assert.InRange(c.StrikeChangeDeg, 8, 12);
        Assert.InRange(push.First(s => s.Overstride).OverstrideCues.StretchStartS, 60, 61); // the stretch began with the push
    }

    [Fact]
    public void A_single_odd_stride_is_never_flagged()
    {
        var strides = Run(0, 90, 2.8, 158, 13).ToList();
        strides[150] = strides[150] with { StrikeAngleDeg = 35, CadenceSpm = 120, OverstrideIndex = 1.6 };
        Assert.DoesNotContain(Assess(strides), s => s.Overstride);
    }

    [Fact]
    public void Speeding_up_by_cadence_is_not_overstriding()
    {
        // +10 % cadence and a 12 % longer stride: speed ×1.23, landing unchanged (Heiderscheit 2011's remedy).
        var strides = Assess(Run(0, 60, 2.6, 155, 13).Concat(Run(60, 40, 2.6 * 1.1 * 1.12, 155 * 1.1, 13)));
        Assert.DoesNotContain(strides, s => s.Overstride);
    }

    [Fact]
    public void A_habitual_overstrider_is_flagged_on_her_first_run_by_the_population_cues()
    {
        // No normal running to learn from: 24° heel-first, 12 % below typical cadence, braking share 0.58.
        var strides = Assess(Run(0, 60, 2.8, 141, 24, braking: 0.58));
        Assert.True(strides.Count(s => s.Overstride) >= strides.Count - 8);
        Assert.Equal(OverstrideReference.Population, strides[^1].OverstrideCues.Reference);
    }

    [Fact]
    public void A_natural_heel_striker_at_a_comfortable_pace_is_not_flagged_from_the_first_stride()
    {
        Assert.DoesNotContain(Assess(Run(0, 120, 2.5, 150, 14.5)), s => s.Overstride);
    }

    [Fact]
    public void Slowing_down_and_walking_are_not_judged()
    {
        var strides = new List<StrideMetrics>();
        var v = 3.6;
        var t = 0.0;
        // Slowing 3 % per stride pair with longer braking (decelerating), then walking with a heel-first landing.
        foreach (var s in Run(0, 40, 3.6, 170, 14).Select((s, i) => (s, i)))
        {
            if (s.i > 60) v *= 0.985;
            strides.Add(s.s with { SpeedMps = v, StrideLengthM = v * s.s.StrideTimeS, OverstrideIndex = s.i > 60 ? 1.3 : s.s.OverstrideIndex });
            t = s.s.NextIcTimeS;
        }

        strides.AddRange(Run(t, 30, 1.4, 115, 25, braking: 0.6, contact: 0.6, gait: Gait.Walk));
        var assessed = Assess(strides);
        Assert.DoesNotContain(assessed, s => s.Overstride);
        Assert.All(assessed.Where(s => s.Gait == Gait.Walk), s => Assert.Equal(OverstrideReference.None, s.OverstrideCues.Reference));
    }

    [Fact]
    public void Her_stored_history_judges_the_first_strides_of_a_run()
    {
        // History: 2.8 m/s at 165 steps/min, 12° landing. Today she starts straight into a push: 3.0 m/s at 153 steps/min,
        // 19°. Against typical runners that is unremarkable (index ≈ 1.4); against her own running it is overstriding.
        var history = OverstrideBaseline.Learn(Run(0, 300, 2.8, 165, 12, seed: 5));
        var today = Run(0, 40, 3.0, 153, 19, seed: 6).ToList();
        var withHistory = Assess(today, history);
        var without = Assess(today);
        Assert.True(withHistory.Count(s => s.Overstride) >= withHistory.Count - 8, $"{withHistory.Count(s => s.Overstride)}/{withHistory.Count}");
        Assert.DoesNotContain(without, s => s.Overstride);
    }

    [Fact]
    public void Strides_measured_with_a_saturated_gyroscope_are_not_judged()
    {
        // The landing angle comes from the gyroscope's orientation: a clipped one says nothing reliable.
        var strides = Assess(Run(0, 60, 2.8, 141, 24, braking: 0.58).Select(s => s with { Flags = StrideFlags.GyroClipped }));
        Assert.DoesNotContain(strides, s => s.Overstride);
        Assert.All(strides, s => Assert.Equal(OverstrideReference.None, s.OverstrideCues.Reference));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new OverstrideAssessor(new OverstrideAssessorSettings { WindowStrides = 1 }));
        Assert.Equal("WindowStrides", e.ParamName);
    }
}
