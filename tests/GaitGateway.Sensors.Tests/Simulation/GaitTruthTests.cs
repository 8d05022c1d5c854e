using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Sensors.Tests.Simulation;

/// <summary>The truth describes the runner the plan asks for, and the signals look like a shoe at rest where the
/// truth says the foot is flat.</summary>
public sealed class GaitTruthTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2.2, StrikePattern.Rearfoot)]
    [InlineData(3.0, StrikePattern.Midfoot)]
    [InlineData(4.5, StrikePattern.Forefoot)]
    public void Steady_run_truth_matches_the_plan(double speed, StrikePattern pattern)
    {
        var settings = new SimulationSettings { RunSpeedMps = speed, StrikePattern = pattern, PlanDurationS = 120, Seed = 4 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var steady = run.Truth.Where(s => s.IcTimeS > run.PlanStartS + 10 && s.NextIcTimeS < run.PlanStartS + 120).ToList();
        var cadence = steady.Average(s => s.CadenceSpm);
        var contact = steady.Average(s => s.ContactTimeS);
        var speedMean = steady.Average(s => s.SpeedMps);
        var flight = steady.Average(s => s.FlightTimeS);
        output.WriteLine($"{speed} m/s {pattern}: cadence {cadence:F1} spm, contact {contact:F3} s, flight {flight:F3} s, " +
                         $"stride {steady.Average(s => s.StrideLengthM):F2} m, speed {speedMean:F2} m/s, clearance {steady.Average(s => s.FootClearanceM):F3} m, " +
                         $"peak swing speed {steady.Average(s => s.PeakSwingSpeedMps):F2} m/s, strike {steady.Average(s => s.StrikeAngleDeg):F1}°");
        Assert.InRange(cadence, GaitRelations.RunCadenceSpm(speed) * 0.985, GaitRelations.RunCadenceSpm(speed) * 1.015);
        Assert.InRange(cadence, 145, 190);
        Assert.InRange(contact, GaitRelations.RunContactTimeS(speed) * 0.97, GaitRelations.RunContactTimeS(speed) * 1.03);
        Assert.InRange(speedMean, speed * 0.98, speed * 1.02);
        Assert.True(flight > 0.05, "running has a flight phase");
        Assert.All(steady, s => Assert.Equal(pattern, s.StrikePattern));
        Assert.All(steady, s => Assert.InRange(s.ToeOffAngleDeg, -45, -22));
        Assert.All(steady, s => Assert.InRange(s.FootClearanceM, 0.08, 0.30));
        Assert.All(steady, s => Assert.InRange(s.LandingDistanceM, 0.08, 0.30));
        // Cadence is steps per minute: two steps per stride.
        Assert.All(steady, s => Assert.Equal(120 / s.StrideTimeS, s.CadenceSpm, 9));
    }

    [Fact]
    public void Walking_has_double_support_and_walking_cadence()
    {
        var settings = new SimulationSettings { Seed = 8, WalkSpeedMps = 1.4 };
        var run = SimulatedRun.Create(SessionPlans.Get("c25k-w6r2", settings), settings);
        var walk = run.Truth.Where(s => s.Gait == Gait.Walk && s.IcTimeS > run.PlanStartS + 10 && s.IcTimeS < run.PlanStartS + 290).ToList();
        Assert.InRange(walk.Average(s => s.CadenceSpm), 105, 125);
        Assert.InRange(walk.Average(s => s.DutyFactor), 0.57, 0.63);
        Assert.All(walk, s => Assert.True(s.FlightTimeS < 0, "double support"));
        Assert.All(walk, s => Assert.Equal(StrikePattern.Rearfoot, s.StrikePattern));
        // Four bouts, the plan's 28 minutes.
        Assert.Equal([PlanGait.Walk, PlanGait.Run, PlanGait.Walk, PlanGait.Run], run.Bouts.Select(b => b.Gait));
        Assert.Equal(28 * 60, run.Bouts[^1].EndTimeS - run.Bouts[0].StartTimeS, 6);
        var runs = run.Truth.Where(s => s.Gait == Gait.Run).ToList();
        Assert.InRange(runs.Count, 2 * 20 * 60 / 0.85, 2 * 20 * 60 / 0.7);
    }

    [Fact]
    public void Overstriding_lands_further_ahead_with_longer_slower_strides_and_a_steeper_heel()
    {
        var settings = new SimulationSettings { Seed = 12, RunSpeedMps = 3.2 };
        var run = SimulatedRun.Create(SessionPlans.Get("overstride-test", settings), settings);
        var normal = run.Truth.Where(s => s.SegmentIndex == 0 && s.IcTimeS > run.PlanStartS + 10).ToList();
        var over = run.Truth.Where(s => s.SegmentIndex == 1 && s.Overstride).ToList();
        Assert.NotEmpty(over);
        Assert.All(over, s => Assert.True(s.LandingDistanceM >= 0.33));
        Assert.All(normal, s => Assert.True(s.LandingDistanceM <= 0.28));
        Assert.True(over.Average(s => s.StrideLengthM) > normal.Average(s => s.StrideLengthM) * 1.05);
        Assert.True(over.Average(s => s.CadenceSpm) < normal.Average(s => s.CadenceSpm) * 0.95);
        Assert.True(over.Average(s => s.StrikeAngleDeg) > normal.Average(s => s.StrikeAngleDeg) + 6);
        Assert.InRange(over.Average(s => s.SpeedMps), 3.1, 3.3);
        Assert.Contains(run.Bouts, b => b.Overstride);
    }

    [Fact]
    public void Feet_are_in_antiphase_and_asymmetry_shows_on_the_right()
    {
        var settings = new SimulationSettings { Seed = 13, AsymmetryRightContactPct = 10, PlanDurationS = 60, StrideTimeVariabilityPct = 0 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var left = run.Truth.Where(s => s.Foot == Foot.Left).ToList();
        var right = run.Truth.Where(s => s.Foot == Foot.Right).ToList();
        foreach (var r in right.Skip(2).Take(20))
        {
            var l = left.Last(s => s.IcTimeS < r.IcTimeS);
            Assert.InRange((r.IcTimeS - l.IcTimeS) / l.StrideTimeS, 0.45, 0.55);
        }

        var ratio = right.Average(s => s.ContactTimeS) / left.Average(s => s.ContactTimeS);
        Assert.InRange(ratio, 1.07, 1.13);
    }

    [Fact]
    public void Gravity_magnitude_at_mid_stance_is_one_g()
    {
        foreach (var settings in new[] { SimTestKit.Exact(), new SimulationSettings { Seed = 21 } })
        {
            var s = settings with { PlanDurationS = 30 };
            var run = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", s), s);
            var tol = s.AccNoiseDensityUgPerSqrtHz == 0 ? 0.01 : 0.2;
            foreach (var foot in new[] { Foot.Left, Foot.Right })
            {
                var samples = SimTestKit.Samples(run, foot);
                var worst = 0.0;
                foreach (var stride in run.Truth.Where(x => x.Foot == foot))
                {
                    var i = SimTestKit.Nearest(samples, stride.MidStanceTimeS);
                    worst = Math.Max(worst, Math.Abs(samples[i].AccSensorMps2.Length() - Gravity.StandardMps2));
                    if (tol < 0.1) Assert.True(samples[i].GyroSensorDps.Length() < 0.1, "foot still at mid-stance");
                }

                Assert.True(worst < tol, $"|f| off 1 g by {worst:F4} m/s²");
            }
        }
    }

    [Fact]
    public void Mounting_misalignment_tilts_gravity_in_the_sensor_frame()
    {
        var settings = SimulationSettings.Ideal with { MountingLeftDeg = new Vector3(0, 12, 0), PlanDurationS = 10 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        var sample = SimTestKit.Samples(run, Foot.Left)[100];
        // Sensor pitched +12° about its y axis relative to the flat foot: gravity appears on −x... rotated by 12°.
        var angle = Math.Atan2(-sample.AccSensorMps2.X, sample.AccSensorMps2.Z) * 180 / Math.PI;
        Assert.Equal(12, Math.Abs(angle), 1);
        Assert.Equal(Vector3.Zero, run.Left.AccBiasMps2);
    }

    [Fact]
    public void Running_signals_stay_in_a_realistic_range()
    {
        var settings = SimTestKit.Exact() with { RunSpeedMps = 3.0, PlanDurationS = 30 };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var samples = SimTestKit.Samples(run, Foot.Left).Where(x => x.TimeS > run.PlanStartS + 8).ToList();
        var peakGyro = samples.Max(x => x.GyroSensorDps.Length());
        var peakAccG = samples.Max(x => x.AccSensorMps2.Length()) / Gravity.StandardMps2;
        output.WriteLine($"peak |gyro| {peakGyro:F0} °/s, peak |acc| {peakAccG:F1} g");
        Assert.InRange(peakGyro, 400, 2000); // REFERENCES.md: ±500 °/s saturates in slow jogging
        Assert.InRange(peakAccG, 8, 32);
    }
}
