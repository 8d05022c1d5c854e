using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Sensors.Tests.Simulation;

/// <summary>
/// The widened simulator (issue 11: impacts of other rings and damping, heel-then-forefoot double impacts, soft and hard
/// shoes, planar and strongly 3-D swings, a quiet moment in mid-swing, pitched and rolled clips, a ±500 °/s gyroscope):
/// each shape is still the derivative of the motion its truth describes, and each looks the way its setting says.
/// </summary>
public sealed class WidenedShapeTests(ITestOutputHelper output)
{
    private static SimulationSettings Shape(string shape, SimulationSettings s) => shape switch
    {
        "soft" => s.WithShoe(ShoeKind.Soft),
        "hard" => s.WithShoe(ShoeKind.Hard),
        "ring-100Hz-5ms" => s with { ImpactFrequencyHz = 100, ImpactDampingMs = 5 },
        "double-impact" => s with { ForefootSlapFraction = 0.8 },
        "planar" => s.WithSwing(SwingKind.Planar),
        "3d" => s.WithSwing(SwingKind.ThreeD),
        "mount-35-pitch-30-roll" => s with { MountingLeftDeg = new(30, 35, 0), MountingRightDeg = new(30, 35, 0) },
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    [Theory]
    [InlineData("soft", StrikePattern.Rearfoot, 400)]
    [InlineData("hard", StrikePattern.Rearfoot, 1600)]
    [InlineData("ring-100Hz-5ms", StrikePattern.Midfoot, 400)]
    [InlineData("double-impact", StrikePattern.Rearfoot, 400)]
    [InlineData("planar", StrikePattern.Rearfoot, 400)]
    [InlineData("3d", StrikePattern.Forefoot, 400)]
    [InlineData("mount-35-pitch-30-roll", StrikePattern.Rearfoot, 400)]
    public void Every_shape_integrates_back_to_its_truth(string shape, StrikePattern pattern, int rateHz)
    {
        var settings = Shape(shape, SimTestKit.Exact() with { StrikePattern = pattern, RunSpeedMps = 3.5, SampleRateHz = rateHz, PlanDurationS = 20 });
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        double worstLenPct = 0;
        var checkedStrides = 0;
        foreach (var foot in new[] { Foot.Left, Foot.Right })
        {
            var samples = SimTestKit.Samples(run, foot);
            var strides = run.Truth.Where(s => s.Foot == foot).ToList();
            for (var k = 0; k + 1 < strides.Count; k++)
            {
                var a = strides[k];
                var b = strides[k + 1];
                var from = SimTestKit.Nearest(samples, 0.5 * (a.FootFlatTimeS + a.HeelRiseTimeS));
                var to = SimTestKit.Nearest(samples, 0.5 * (b.FootFlatTimeS + b.HeelRiseTimeS));
                var (dx, dy, _) = SimTestKit.Displacement(samples, from, to);
                worstLenPct = Math.Max(worstLenPct, Math.Abs(Math.Sqrt((dx * dx) + (dy * dy)) - a.StrideLengthM) / a.StrideLengthM * 100);
                checkedStrides++;
            }
        }

        output.WriteLine($"{shape}: {checkedStrides} strides, worst length error {worstLenPct:F3} %");
        Assert.True(checkedStrides > 20);
        Assert.True(worstLenPct < 0.5, $"stride length error {worstLenPct:F3} %");
    }

    [Fact]
    public void A_planar_swing_has_a_quiet_moment_in_every_running_swing_and_the_default_swing_has_none()
    {
        // Quiet: |ω| < 25 °/s and the specific force within 0.03 g of 1 g — a stance's signature, in mid-swing.
        static int SwingsWithQuietMoment(SimulationSettings s, out int swings)
        {
            var run = SimulatedRun.Create(SessionPlans.Get("run-steady", s), s);
            var samples = SimTestKit.Samples(run, Foot.Left);
            var truth = run.Truth.Where(t => t.Foot == Foot.Left).ToList();
            swings = truth.Count;
            var quiet = 0;
            foreach (var t in truth)
            {
                var run8 = 0;
                var longest = 0;
                for (var i = SimTestKit.Nearest(samples, t.ToTimeS + 0.03); samples[i].TimeS < t.NextIcTimeS - 0.03; i++)
                {
                    var still = samples[i].GyroSensorDps.Length() < 25
                        && Math.Abs(samples[i].AccSensorMps2.Length() - Gravity.StandardMps2) < 0.03 * Gravity.StandardMps2;
                    run8 = still ? run8 + 1 : 0;
                    longest = Math.Max(longest, run8);
                }

                if (longest * 1000.0 / s.SampleRateHz >= 8) quiet++;
            }

            return quiet;
        }

        var baseSettings = SimTestKit.Exact() with { RunSpeedMps = 3.3, SampleRateHz = 1000, PlanDurationS = 20 };
        var planar = SwingsWithQuietMoment(baseSettings.WithSwing(SwingKind.Planar), out var n);
        var normal = SwingsWithQuietMoment(baseSettings, out _);
        output.WriteLine($"swings with a quiet moment: planar {planar}/{n}, default {normal}/{n}");
        Assert.Equal(n, planar);
        Assert.Equal(0, normal);
    }

    [Fact]
    public void A_500_dps_gyroscope_flat_tops_running_swings_and_a_double_impact_lands_twice()
    {
        var s = SimTestKit.Exact() with { RunSpeedMps = 4.5, SampleRateHz = 400, PlanDurationS = 20 };
        var free = SimTestKit.Samples(SimulatedRun.Create(SessionPlans.Get("run-steady", s), s), Foot.Left);
        var sat = s with { GyroSaturationDps = 500 };
        var clipped = SimTestKit.Samples(SimulatedRun.Create(SessionPlans.Get("run-steady", sat), sat), Foot.Left);
        var over = free.Count(x => MathF.Abs(x.GyroSensorDps.Y) > 500);
        var atRail = clipped.Count(x => MathF.Abs(MathF.Abs(x.GyroSensorDps.Y) - 500) < 0.2f);
        var beyond = clipped.Count(x => MathF.Abs(x.GyroSensorDps.Y) > 500.2f);
        output.WriteLine($"samples over 500 °/s unclipped {over}, at the rail {atRail}, beyond it {beyond}");
        Assert.True(over > 100, "running at 4.5 m/s must exceed ±500 °/s");
        Assert.Equal(0, beyond);
        Assert.True(atRail >= over, "every sample over the rail sits on it (flat top)");

        // Heel then forefoot: a second jolt at foot flat, tens of ms after the heel's, where the same run without the
        // slap is settling.
        var d = SimTestKit.Exact() with { RunSpeedMps = 3.0, SampleRateHz = 1000, PlanDurationS = 10 };
        var single = SimulatedRun.Create(SessionPlans.Get("run-steady", d), d);
        var one = SimTestKit.Samples(single, Foot.Left);
        var d2 = d with { ForefootSlapFraction = 0.8 };
        var two = SimTestKit.Samples(SimulatedRun.Create(SessionPlans.Get("run-steady", d2), d2), Foot.Left);
        foreach (var t in single.Truth.Where(x => x.Foot == Foot.Left).Skip(1).Take(5))
        {
            static double Peak(List<ImuSample> samples, double from, double to)
            {
                var peak = 0.0;
                for (var i = SimTestKit.Nearest(samples, from); samples[i].TimeS < to; i++)
                    peak = Math.Max(peak, Math.Abs(samples[i].AccSensorMps2.Length() - Gravity.StandardMps2));
                return peak;
            }

            var without = Peak(one, t.FootFlatTimeS, t.FootFlatTimeS + 0.015);
            var with = Peak(two, t.FootFlatTimeS, t.FootFlatTimeS + 0.015);
            output.WriteLine($"IC {t.IcTimeS:F3}, flat {t.FootFlatTimeS:F3}: {without:F1} m/s² without the slap, {with:F1} with it");
            Assert.True(t.FootFlatTimeS - t.IcTimeS >= 0.02);
            Assert.True(with > without + 30, "a second impact at foot flat");
        }
    }
}
