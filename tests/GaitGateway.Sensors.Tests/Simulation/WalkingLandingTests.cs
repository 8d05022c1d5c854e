using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Sensors.Tests.Simulation;

/// <summary>
/// Session 16: the simulated walking heel lands as the real walks do (README, "Walking contacts"). On the gaitmap walk
/// the foot's pitch rate turns toes-down at the motion-capture contact (median +4 ms), and on every shared real walk the
/// foot is far from still there (motion energy a median 5.3–6.5 rad/s: the heel's jolt, roll and yaw). The simulator had
/// its walking roll under way 42–56 ms before the contact; with the roll starting at the contact but no jolt, the
/// contact looked still (here 1.8 rad/s; at 200 Hz, through the DSP, 1.2–1.5) and was taken for the mid-stance.
/// </summary>
public sealed class WalkingLandingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_walking_heel_lands_as_the_pitch_reverses_and_the_foot_is_not_still_there(int seed)
    {
        var (run, s, energy, toesUpRps) = LeftFootWalking(seed);

        var landings = run.Truth.Where(t => t.Foot == Foot.Left && t.Gait == Gait.Walk).ToList();
        Assert.True(landings.Count >= 50, $"{landings.Count} walking landings");
        var quietest = new List<double>();
        foreach (var t in landings)
        {
            var k = SimTestKit.Nearest(s, t.IcTimeS);
            var reversalS = double.NaN;
            for (var j = k - 60; j <= k + 60; j++)
            {
                if (toesUpRps[j - 1] > 0 && toesUpRps[j] <= 0 && (double.IsNaN(reversalS) || Math.Abs(s[j].TimeS - t.IcTimeS) < Math.Abs(reversalS - t.IcTimeS)))
                    reversalS = s[j].TimeS;
            }

            Assert.True(Math.Abs(reversalS - t.IcTimeS) <= 0.005, $"contact at {t.IcTimeS:F3} s: the pitch reverses {(reversalS - t.IcTimeS) * 1000:F1} ms from it");
            quietest.Add(energy.Skip(k - 30).Take(61).Min());
        }

        // The quietest motion within 30 ms of each contact, median over the walk: 3.4–3.6 rad/s here with the contact's
        // roll and yaw (session 17; 3.4 without them, the first steps from standing land softest, 1.9 and 1.6), 1.8
        // without the heel's jolt (least 0.5), a median 5.3–6.5 on the real walks (the DSP's own measure, at their rates).
        quietest.Sort();
        Assert.True(quietest[quietest.Count / 2] >= 2.5, $"median quietest motion within 30 ms of a contact {quietest[quietest.Count / 2]:F2} rad/s (least {quietest[0]:F2})");
    }

    /// <summary>
    /// Session 17: a real walking foot rolls and yaws as its heel lands (the rearfoot everting under load). At the quietest
    /// moment within 30 ms of the contact's pitch reversal the shared real walks read 1.0–2.0 rad/s of roll and yaw
    /// (medians: gaitmap 1.0, footprints 1.3, xio loops 1.5–2.0; README, "Walking contacts"); the simulated walk read 0.0
    /// until <see cref="SimulationSettings.WalkingContactTwistDeg"/>.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_walking_foot_rolls_and_yaws_at_its_contact_as_the_real_walks_do(int seed)
    {
        var (run, s, energy, _) = LeftFootWalking(seed);
        // Roll and yaw are the rates about the clip's x and z (the foot's, here: no mounting error).

        var rollYaw = new List<double>();
        foreach (var t in run.Truth.Where(t => t.Foot == Foot.Left && t.Gait == Gait.Walk))
        {
            var k = SimTestKit.Nearest(s, t.IcTimeS);
            var quietest = Enumerable.Range(k - 30, 61).MinBy(j => energy[j]);
            var g = s[quietest].GyroSensorDps;
            rollYaw.Add(Math.Sqrt((g.X * g.X) + (g.Z * g.Z)) * Math.PI / 180);
        }

        Assert.True(rollYaw.Count >= 50, $"{rollYaw.Count} walking landings");
        rollYaw.Sort();
        var median = rollYaw[rollYaw.Count / 2];
        Assert.InRange(median, 1.0, 2.0);
    }

    /// <summary>
    /// Session 18: a real walking heel lands softly and the clip jolts later. The jolt's onset (the first sample whose
    /// jerk reaches 30 % of the landing's largest) follows the pitch reversal that marks the contact by a median 17 ms on
    /// the gaitmap walk, 11 ms on the footprints and 21 ms on the xio loops (README, "Walking contacts", part 7); the
    /// simulated jolt came at the contact (median 0.2 ms) until <see cref="SimulationSettings.WalkingJoltDelayMaxMs"/>.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_walking_heels_jolt_comes_after_its_contact_as_the_real_walks_do(int seed)
    {
        var (run, s, _, toesUpRps) = LeftFootWalking(seed);
        var jerk = new double[s.Count];
        for (var i = 1; i < s.Count; i++) jerk[i] = (s[i].AccSensorMps2 - s[i - 1].AccSensorMps2).Length() / (s[i].TimeS - s[i - 1].TimeS);

        var delaysMs = new List<double>();
        foreach (var t in run.Truth.Where(t => t.Foot == Foot.Left && t.Gait == Gait.Walk))
        {
            var k = SimTestKit.Nearest(s, t.IcTimeS);
            var reversal = Enumerable.Range(k - 30, 61).Where(j => toesUpRps[j - 1] > 0 && toesUpRps[j] <= 0).MinBy(j => Math.Abs(j - k));
            var window = Enumerable.Range(k - 30, 91).ToList();
            var peak = window.Max(j => jerk[j]);
            var onset = window.First(j => jerk[j] >= 0.3 * peak);
            delaysMs.Add((s[onset].TimeS - s[reversal].TimeS) * 1000);
        }

        Assert.True(delaysMs.Count >= 50, $"{delaysMs.Count} walking landings");
        delaysMs.Sort();
        // Within the real walks' medians (10.8 on the footprints … 21.4 on the xio loops).
        Assert.InRange(delaysMs[delaysMs.Count / 2], 10, 22);
    }

    /// <summary>The `walking` plan at 1000 Hz without mounting error: the run, the left clip's samples, the DSP's motion
    /// energy (‖ω‖ + 0.2·|‖a‖ − g|, rad/s) as a 20-ms mean at each sample, and the toes-up pitch rate, rad/s.</summary>
    private static (SimulatedRun Run, List<ImuSample> Samples, double[] Energy, double[] ToesUpRps) LeftFootWalking(int seed)
    {
        var settings = SimTestKit.Exact(seed) with { SampleRateHz = 1000 };
        var run = SimulatedRun.Create(SessionPlans.Get("walking", settings), settings);
        var s = SimTestKit.Samples(run, Foot.Left);
        var raw = s.Select(x => (x.GyroSensorDps.Length() * Math.PI / 180) + (0.2 * Math.Abs(x.AccSensorMps2.Length() - Gravity.StandardMps2))).ToArray();
        var energy = new double[raw.Length];
        for (var i = 20; i < raw.Length; i++) energy[i] = raw.Skip(i - 19).Take(20).Average();
        // The clip's axes are the foot's here (no mounting error): x forward, y left; toes-up is a rotation about −y.
        return (run, s, energy, s.Select(x => -x.GyroSensorDps.Y * Math.PI / 180).ToArray());
    }
}
