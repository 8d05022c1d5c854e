using GaitGateway.Core.Strides;
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
        return TruthEvaluation.Run(SimulatedRun.Create(SessionPlans.Get(plan, settings), settings));
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
        foreach (var s in ours.Where(x => (x.Flags & StrideFlags.FromRest) == 0)) // a first stride from standing has no stride time
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
        foreach (var s in ours.Where(x => (x.Flags & StrideFlags.FromRest) == 0)) // a first stride from standing has no stride time
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

    [Theory]
    [InlineData(200, "rearfoot", 4.5, 60)]
    [InlineData(400, "rearfoot", 3.3, 60)]
    [InlineData(1000, "rearfoot", 4.5, 60)]
    [InlineData(400, "midfoot", 4.5, 60)]
    // A 25-Hz ring: one tall spike and a shallow recovery, so a clip loses velocity one way, as on real feet.
    [InlineData(200, "rearfoot", 4.5, 25)]
    [InlineData(400, "rearfoot", 4.5, 25)]
    public void Clipped_impacts_cost_under_one_percent_of_stride_length(int rateHz, string strike, double speedMps, double impactHz)
    {
        // Three times the simulator's impact (20–40 g against the 16-g range): the accelerometer clips at nearly every
        // landing. The velocity the clip loses is removed as a step at the clip, not spread over the stride (issue 11:
        // linear de-drift left these 1.3–2.8 % off, and real clipped sprint strides 4.3 % short).
        var settings = new SimulationSettings
        {
            Seed = 7, SampleRateHz = rateHz, StrikePattern = StrideCsv.ParsePattern(strike), RunSpeedMps = speedMps, MountingMaxDeg = 15,
            PlanDurationS = 60, ImpactScale = 3, ImpactFrequencyHz = impactHz,
        };
        var (f, ours, truth) = RunPlan("run-steady", settings);
        Assert.True(ours.Count(s => (s.Flags & StrideFlags.AccClipped) != 0) >= 0.5 * ours.Count, "most impacts must clip");
        Assert.True(f.StrideLengthMaePercent <= 1.0, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
        var bias = truth.Select(t => ours.Where(o => o.Foot == t.Foot && (o.Flags & StrideFlags.FromRest) == 0).MinBy(o => Math.Abs(o.IcTimeS - t.IcTimeS)))
            .Zip(truth, (o, t) => 100 * (o.StrideLengthM - t.StrideLengthM) / t.StrideLengthM).Average();
        Assert.True(Math.Abs(bias) <= 1.0, $"stride length bias {bias:F2} %");
    }

    [Theory]
    [InlineData(800, "rearfoot", 4.5, 60)]
    [InlineData(800, "rearfoot", 3.3, 25)]
    [InlineData(800, "forefoot", 3.3, 25)]
    [InlineData(1000, "forefoot", 3.3, 25)]
    [InlineData(1000, "midfoot", 4.5, 60)]
    public void Strides_clipped_as_a_real_part_clips_come_within_one_percent_of_the_same_strides_unclipped(int rateHz, string strike, double speedMps, double impactHz)
    {
        // Issue 11's real sprints: 800 Hz, ±16 g, impacts of 20–40 g. The part saturates ahead of its filter, so its
        // output sits flat at full scale through the clip and just under it on the clip's edges. The same run (same
        // seed: same strides, noise, mounting) on a ±32 g part is the unclipped reference; strides whose impact reached
        // the rail there too are left out.
        var settings = new SimulationSettings
        {
            Seed = 7, SampleRateHz = rateHz, StrikePattern = StrideCsv.ParsePattern(strike), RunSpeedMps = speedMps, MountingMaxDeg = 15,
            PlanDurationS = 60, RunImpactPeakMinG = 20, RunImpactPeakMaxG = 40, ImpactFrequencyHz = impactHz, AccSaturatesBeforeFilter = true,
        };
        var (_, clipped, _) = RunPlan("run-steady", settings);
        var (_, reference, _) = RunPlan("run-steady", settings with { AccRange = Core.Protocol.AccRange.G32 });
        var running = clipped.Where(s => (s.Flags & StrideFlags.FromRest) == 0).ToList();
        // Every impact (≥ 20 g, ~19 g on the sensor's z axis at 15° mounting) goes beyond 16 g; where it does so only
        // briefly the filtered output stays under the rail.
        var railed = running.Count(s => (s.Flags & StrideFlags.AccClipped) != 0);
        Assert.True(railed >= running.Count / 4, $"only {railed} of {running.Count} impacts reached the rail");
        var differences = new List<double>();
        foreach (var s in running)
        {
            var r = reference.Where(x => x.Foot == s.Foot && Math.Abs(x.IcTimeS - s.IcTimeS) < 0.03).ToList();
            if (r.Count != 1 || (r[0].Flags & StrideFlags.AccClipped) != 0) continue;
            differences.Add(100 * (s.StrideLengthM - r[0].StrideLengthM) / r[0].StrideLengthM);
        }

        Assert.True(differences.Count >= 0.5 * running.Count, $"only {differences.Count} of {running.Count} strides paired");
        var mae = differences.Average(Math.Abs);
        Assert.True(mae <= 1.0, $"clipped strides differ from the unclipped ones by {mae:F2} % (mean {differences.Average():F2} %)");
    }

    /// <summary>
    /// Session 11: a walking heel lands softly, and where the clip's late-swing deceleration out-jerks it — every clip at
    /// 100 Hz, a clip low on the side of the heel at 200 Hz — the contact was put in late swing (cadence 7–12
    /// steps/min off, strike angle 6–37°). The impact is now looked for from the landing roll's pitch reversal on, which
    /// the gyroscope gives wherever the clip sits.
    /// </summary>
    [Theory]
    [InlineData(100, "instep", 1)]
    [InlineData(100, "heel", 2)]
    [InlineData(200, "lateral-heel", 3)]
    public void Walking_contacts_stay_at_the_landing_wherever_the_clip_sits(int rateHz, string place, int seed)
    {
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15, ClipPositionFootM = ClipPlaces.Parse(place) };
        var (f, _, _) = RunPlan("walking", settings);
        Assert.True(f.Matched >= 0.95 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.CadenceMaeSpm <= 3.5, $"cadence MAE {f.CadenceMaeSpm:F2} steps/min");
        Assert.True(f.StrikeAngleMaeDeg <= 3.5, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
    }

    /// <summary>
    /// Session 16: walking heel then forefoot. Where the forefoot slaps down at foot flat harder than the soft heel
    /// strike, the contact had been put at the slap, 0.1–0.2 s after the heel, and the strike angle read there, where the
    /// foot is level (on the simulator of session 15: cadence MAE 4.4–6.7 steps/min, IC 24–40 ms, strike angle 3.6–7.2°;
    /// on this session's, whose walking heel lands as the real walks do, 200 and 400 Hz: cadence 6.70 and 3.52). An
    /// impact after the landing roll's fastest toes-down rotation is now the foot flat's, and the contact is the heel's
    /// jolt before it or the roll's start (README, "Walking contacts"): cadence 0.1–1.4 steps/min, IC 1–6 ms, strike
    /// angle 0.1–0.6° over seeds 1–3.
    /// </summary>
    [Theory]
    [InlineData(100, 1)]
    [InlineData(200, 2)]
    [InlineData(400, 3)]
    public void A_walking_forefoot_slap_louder_than_the_heel_is_not_the_contact(int rateHz, int seed)
    {
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15, ForefootSlapFraction = 0.9 };
        var (f, _, _) = RunPlan("walking", settings);
        var message = $"matched {f.Matched}/{f.TruthStrides}, cadence MAE {f.CadenceMaeSpm:F2} steps/min, IC MAE {f.IcMaeS * 1000:F1} ms, strike angle MAE {f.StrikeAngleMaeDeg:F2}°";
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, message);
        Assert.True(f.CadenceMaeSpm <= 2.0, message);
        Assert.True(f.IcMaeS <= 0.010, message);
        Assert.True(f.StrikeAngleMaeDeg <= 1.5, message);
    }

    /// <summary>
    /// Session 17: the same slap walker when the gait is not yet known (walking off from standing) or was last a run
    /// (walking after a run and a stop). The running search reaches back 80 ms for a heel before a forefoot slap; a walking
    /// roll lasts 100–240 ms, so the contact went to the slap, the shortened contact time made the stride read as a run,
    /// and the next stride was searched as a run too. Where the running search's impact follows a landing roll of 8° or
    /// more and the heel's jolt is there before the roll's peak, the landing is now timed as a walk's (README, "Walking
    /// contacts"). Walking contacts more than 80 ms off the truth (each against the nearest of ours within 0.3 s, none
    /// counting as off), before → after, seeds 1–3: 9 / 34 / 12 → 3 / 3 / 6 of 92–93. What is left is mostly the first
    /// strides from standing, where no heel jolt stands out (README, Open): 7 % admits one or two per foot and start.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_slap_walker_walking_off_from_standing_or_after_a_run_is_timed_at_the_heel(int seed)
    {
        var settings = new SimulationSettings
        {
            Seed = seed, SampleRateHz = 1000, MountingMaxDeg = 15, ForefootSlapFraction = 0.96, ImpactFrequencyHz = 75, ImpactDampingMs = 3.5,
        };
        var plan = new SessionPlan("slap-walk-run-walk",
        [
            new(PlanGait.Stand, 3, 0), new(PlanGait.Walk, 25, 1.8), new(PlanGait.Run, 20, 3.0, StrikePattern.Midfoot),
            new(PlanGait.Stand, 6, 0), new(PlanGait.Walk, 25, 0.8),
        ]);
        var run = SimulatedRun.Create(plan, settings);
        var (_, ours, truth) = TruthEvaluation.Run(run);
        var errorsS = truth
            .Where(t => run.Bouts.FirstOrDefault(b => t.IcTimeS >= b.StartTimeS && t.IcTimeS < b.EndTimeS)?.Gait == PlanGait.Walk)
            .Select(t => ours.Where(o => o.Foot == t.Foot && Math.Abs(o.IcTimeS - t.IcTimeS) < 0.3)
                .Select(o => Math.Abs(o.IcTimeS - t.IcTimeS)).DefaultIfEmpty(1.0).Min())
            .ToList();
        var late = errorsS.Count(e => e > 0.08);
        Assert.True(errorsS.Count >= 80, $"{errorsS.Count} walking strides");
        Assert.True(late <= 0.07 * errorsS.Count, $"{late} of {errorsS.Count} walking contacts more than 80 ms off");
    }

    /// <summary>
    /// Session 12: at 100 Hz the clip's anti-alias mean over a 10-ms sample shrinks a midfoot impact's jerk to 1.5–2 times
    /// that of the fast swing before it, and the first jerk above 0.4 of the impact's was mid-swing on one stride in ten:
    /// the contact was put there, and two strides were lost with it (83–98 % found, 58 % with the clip on the side of the
    /// heel; other labs record at 100–128 Hz). The first strong jerk must now also break the acceleration's trend
    /// (GaitEventSettings.ImpactTrendFraction). No packets are lost here: at 100 Hz one lost 19-sample packet takes
    /// 190 ms (README, "Packets below 400 Hz"). Cadence may be off by at most one sample period of stride time (2.5–2.7
    /// steps/min here).
    /// </summary>
    [Theory]
    [InlineData(100, 4.5, 1, "instep")]
    [InlineData(100, 4.5, 2, "instep")]
    [InlineData(104, 4.5, 1, "instep")]
    [InlineData(100, 3.3, 1, "instep")]
    [InlineData(100, 4.5, 3, "lateral-heel")]
    public void Midfoot_running_at_100_Hz_keeps_its_contacts_out_of_mid_swing(int rateHz, double speedMps, int seed, string place)
    {
        var settings = new SimulationSettings
        {
            Seed = seed, SampleRateHz = rateHz, StrikePattern = StrikePattern.Midfoot, RunSpeedMps = speedMps,
            MountingMaxDeg = 15, PlanDurationS = 40, PacketLossProbability = 0, ClipPositionFootM = ClipPlaces.Parse(place),
        };
        var (f, _, truth) = RunPlan("run-steady", settings);
        Assert.True(f.Matched >= 0.99 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.Extra == 0, $"extra strides {f.Extra}");
        var strideS = truth.Average(t => t.StrideTimeS);
        var onePeriodSpm = 120.0 / rateHz / (strideS * strideS);
        Assert.True(f.CadenceMaeSpm <= onePeriodSpm, $"cadence MAE {f.CadenceMaeSpm:F2} steps/min (one sample period: {onePeriodSpm:F2})");
    }

    /// <summary>
    /// Session 12: the same check in walking. A walking heel lands softly (2–3 g), and the clip's late-swing deceleration
    /// jerked as hard as the landing at 200 Hz wherever the clip sat: contacts read 3.5–20 ms off and cadence 0.7–2.7
    /// steps/min (the side of the heel worst). Issue 11's 200-Hz targets (cadence ≤ 0.5 steps/min, IC ≤ 5 ms) now hold.
    /// </summary>
    [Theory]
    [InlineData("instep", 1)]
    [InlineData("heel", 2)]
    [InlineData("lateral-heel", 3)]
    public void Walking_contacts_at_200_Hz_are_the_landing_not_the_late_swing(string place, int seed)
    {
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = 200, MountingMaxDeg = 15, ClipPositionFootM = ClipPlaces.Parse(place) };
        var (f, _, _) = RunPlan("walking", settings);
        Assert.True(f.Matched >= 0.99 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.CadenceMaeSpm <= 0.5, $"cadence MAE {f.CadenceMaeSpm:F2} steps/min");
        Assert.True(f.IcMaeS <= 0.005, $"initial contact MAE {f.IcMaeS * 1000:F1} ms");
    }

    /// <summary>
    /// Real jogging stances never fall still — at its quietest the footprint clip still reads 16–150 °/s — while the
    /// simulator's foot flat lay perfectly still. With stances turning at ~80 °/s or more at their quietest
    /// (SimulationSettings.StanceTwistDeg 5) the first swing never ended (session 12: SegmentationSettings.MaxSwingS
    /// lifts the threshold), and then a third to a half of the stances never passed the stillness check: 50–77 % found
    /// at 5°, a quarter at 7.5°. Session 13: a stance followed by a real swing is a stance even if it never fell still
    /// (StanceSegmenter.TurningStance), and a run's first segments, before any stride time is known, are checked for two
    /// swings too (they were reported as strides of twice the length).
    /// </summary>
    [Theory]
    [InlineData(400, StrikePattern.Midfoot, 4.5, 5.0, 1)]
    [InlineData(400, StrikePattern.Midfoot, 4.5, 5.0, 2)]
    [InlineData(200, StrikePattern.Forefoot, 4.5, 5.0, 2)]
    [InlineData(200, StrikePattern.Rearfoot, 3.3, 7.5, 1)]
    public void A_runner_whose_stances_keep_turning_keeps_nine_strides_in_ten(
        int rateHz, StrikePattern strike, double speedMps, double twistDeg, int seed)
    {
        var settings = new SimulationSettings
        {
            Seed = seed, SampleRateHz = rateHz, StrikePattern = strike, RunSpeedMps = speedMps, MountingMaxDeg = 15,
            PlanDurationS = 40, StanceTwistDeg = twistDeg,
        };
        var (f, _, _) = RunPlan("run-steady", settings);
        Assert.True(f.Matched >= 0.9 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.Extra == 0, $"extra strides {f.Extra}");
        Assert.True(f.StrideLengthMaePercent <= 1.0, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
    }

    /// <summary>
    /// Session 13: a stance that keeps turning turns fastest in its middle, so its least energy sits at an edge, just
    /// after the landing. Taken there, the mid-stance left the impact on the segment's last samples and the contact was
    /// read in the swing: at 7.5° (~125 °/s, the top of the real spread) 400-Hz midfoot running reported 2–3 strides
    /// with a contact ~0.25 s early in 40 s. The middle of the stance's quieter half is taken instead.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_stance_that_turns_fastest_in_its_middle_is_not_cut_at_its_landing(int seed)
    {
        var settings = new SimulationSettings
        {
            Seed = seed, SampleRateHz = 400, StrikePattern = StrikePattern.Midfoot, RunSpeedMps = 4.5, MountingMaxDeg = 15,
            PlanDurationS = 40, StanceTwistDeg = 7.5,
        };
        var (f, _, _) = RunPlan("run-steady", settings);
        Assert.True(f.Extra == 0, $"extra strides {f.Extra}");
        Assert.True(f.Matched >= 0.75 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.StrideLengthMaePercent <= 1.0, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
    }

    /// <summary>
    /// Session 14: a standing foot sways (real standing turns gravity at 0.05–1.4 °/s), and the gyro bias read there took
    /// the sway in. Simulated walkers whose mid-stances keep turning as real ones do (StanceTwistDeg 2.5, so the
    /// mid-stance refinement of the bias never applies) and whose clips carry up to 1 °/s of bias: swaying 1–2° while
    /// they stand before the first step costs them nothing now, where it raised the stride length MAE from 0.22–0.44 %
    /// to 0.78–0.95 % (2°, 200 Hz) and from 0.13 % to 0.29 % (1°, 400 Hz) before.
    /// </summary>
    [Theory]
    [InlineData(200, 2.0, 1)]
    [InlineData(200, 2.0, 2)]
    [InlineData(400, 1.0, 4)]
    public void A_walker_who_sways_while_she_stands_walks_as_if_she_had_stood_still(int rateHz, double swayDeg, int seed)
    {
        SimulationSettings Settings(double sway) => new()
        {
            Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15, PlanDurationS = 60, StanceTwistDeg = 2.5,
            GyroBiasMaxDps = 1.0, StandingSwayDeg = sway,
        };
        var (still, _, _) = RunPlan("walking", Settings(0));
        var (swaying, _, _) = RunPlan("walking", Settings(swayDeg));
        Assert.Equal(still.TruthStrides, swaying.Matched);
        Assert.True(Math.Abs(swaying.StrideLengthMaePercent - still.StrideLengthMaePercent) <= 0.05,
            $"stride length MAE {swaying.StrideLengthMaePercent:F2} % swaying, {still.StrideLengthMaePercent:F2} % still");
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(400, 2)]
    public void Very_slow_walking_keeps_every_stride_the_last_before_each_stop_and_the_first_from_standing(int rateHz, int seed)
    {
        // Issue 11: ~1.9-s strides (63 steps/min) gave dropped strides on real data and the first stride after standing
        // was missed. walk-slow: three 40-s bouts at 63, 60 and 67 steps/min with 4 s standing between.
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15 };
        var (f, ours, truth) = RunPlan("walk-slow", settings);
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.StrideLengthMaePercent <= 1.5, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
        foreach (var foot in new[] { Core.Samples.Foot.Left, Core.Samples.Foot.Right })
        {
            var strides = truth.Where(t => t.Foot == foot).OrderBy(t => t.IcTimeS).ToList();
            for (var i = 0; i + 1 < strides.Count; i++)
            {
                if (strides[i + 1].IcTimeS - strides[i].NextIcTimeS < 1) continue;
                // A stop: the stride into it is reported, and the stride from standing ends at the first landing after it.
                var (last, first) = (strides[i], strides[i + 1]);
                Assert.Contains(ours, o => o.Foot == foot && Math.Abs(o.NextIcTimeS - last.NextIcTimeS) < 0.1);
                Assert.Contains(ours, o => o.Foot == foot && (o.Flags & StrideFlags.FromRest) != 0 && Math.Abs(o.NextIcTimeS - first.IcTimeS) < 0.1);
            }
        }
    }

    [Theory]
    [InlineData(200, 1, 20)]
    [InlineData(400, 3, 20)]
    [InlineData(200, 1, 10)]
    [InlineData(400, 3, 10)]
    public void A_very_slow_walk_whose_swings_pause_for_a_moment_keeps_its_strides_whole(int rateHz, int seed, double quietMs)
    {
        // Issue 11: real very slow walking gave half-length strides. walk-slow (2-s strides) with a quiet moment in every
        // swing: the foot then hovers before its landing.
        // - 20 ms: the landing's motion, 0.7 s after the swing began, was beyond the 0.36 s (0.8 × the shortest stride)
        //   within which motion going on is taken for the same swing, so the hover became a mid-stance (README, "Walking
        //   contacts", part 8). Before: stride length MAE 3.35 % (200 Hz, seed 1); 116 of 118 found (400 Hz, seed 3).
        // - 10 ms: the hover became a mid-stance all the same, the landing roll after it passing for a swing; the foot
        //   there still moved at 30–78 % of its peak speed, tilted 28–91° from its last stance, where real stances differ
        //   by ≤ 18° (FootPipelineSettings.MaxStanceTiltChangeDeg; part 9). Before: 76 and 81 of 118 found (200 Hz
        //   seed 1, 400 Hz seed 3).
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15, SwingQuietMomentMs = quietMs };
        var (f, _, _) = RunPlan("walk-slow", settings);
        Assert.True(f.Matched >= 0.99 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.StrideLengthMaePercent <= 1.5, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
    }

    [Theory]
    [InlineData(1000, 1)]
    [InlineData(400, 2)]
    public void A_fast_runner_whose_swings_pause_for_a_moment_loses_no_run_of_strides(int rateHz, int seed)
    {
        // Issue 11: "one odd moment must cost at most one stride, never a whole bout". Random session 100's runner: 5.8 m/s
        // forefoot, stances that keep turning, a 27-ms quiet moment in 62 % of the swings, 1.8 % packet loss. A quiet
        // moment read less motion than the turning stance before it, so it was kept as the chain's mid-stance and the real
        // stances after it were dropped: 48 strides in a row lost. The foot's tilt now tells the swing moment (README,
        // "Walking contacts", part 10). Before: 92 and 95 of 190 found; after: 190 and 188, at most one in a row lost.
        var settings = new SimulationSettings
        {
            Seed = seed, SampleRateHz = rateHz, StrikePattern = StrideCsv.ParsePattern("forefoot"), RunSpeedMps = 5.8, MountingMaxDeg = 15,
            PlanDurationS = 60, SwingQuietMomentMs = 27, SwingQuietMomentShare = 0.62, StanceTwistDeg = 2, SwingWobbleScale = 1.9,
            PacketLossProbability = 0.018, ImpactFrequencyHz = 74, ImpactDampingMs = 1.8,
        };
        var (f, ours, truth) = RunPlan("run-steady", settings);
        var (longest, _) = TruthEvaluation.LongestMiss(truth, ours);
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(longest <= 1, $"{longest} strides in a row lost (matched {f.Matched}/{f.TruthStrides})");
    }

    [Theory]
    [InlineData(200, 1)]
    [InlineData(400, 2)]
    public void A_slow_walk_after_a_sprint_and_a_stop_keeps_its_strides(int rateHz, int seed)
    {
        // sprint-stop-walk: 20 s at 5.5 m/s, 5 s standing, 40 s at 0.8 m/s, 15 s at 2.6 m/s. The swing level the stance
        // detector follows adapts as swings end; kept from the sprint across the stop, it hid about half the walk's
        // swings (32 and 36 of its 66 strides found here). A stop now starts it over, as a session's start does.
        var settings = new SimulationSettings { Seed = seed, SampleRateHz = rateHz, MountingMaxDeg = 15 };
        var (f, ours, truth) = RunPlan("sprint-stop-walk", settings);
        var walk = truth.Where(t => t.Gait == Core.Strides.Gait.Walk).ToList();
        var found = walk.Count(t => ours.Any(o => o.Foot == t.Foot && Math.Abs(o.IcTimeS - t.IcTimeS) < 0.1));
        Assert.True(walk.Count > 40, $"{walk.Count} walking strides in the truth");
        Assert.True(found >= 0.97 * walk.Count, $"walking strides found {found}/{walk.Count}");
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.StrideLengthMaePercent <= 1.5, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
    }

    [Fact]
    public async Task A_csv_of_clipped_sprints_is_measured_as_the_clips_own_packets_are_with_or_without_its_range()
    {
        // A CSV carries no range. Given (`replay --acc-range-g 16`), a clipped impact is recognised; without it the rail
        // is read from the samples held there (AccRailCheck; before: 1.54 %, the clip's loss de-drifted linearly). The
        // same 800-Hz run written as one CSV per foot, replayed with and without the range.
        var settings = new SimulationSettings
        {
            Seed = 7, SampleRateHz = 800, StrikePattern = StrideCsv.ParsePattern("rearfoot"), RunSpeedMps = 4.5, MountingMaxDeg = 15,
            PlanDurationS = 60, RunImpactPeakMinG = 20, RunImpactPeakMaxG = 40, AccSaturatesBeforeFilter = true, PacketLossProbability = 0,
        };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var dir = Directory.CreateTempSubdirectory("clip-csv").FullName;
        try
        {
            var paths = new[] { Path.Combine(dir, "left.csv"), Path.Combine(dir, "right.csv") };
            var writers = paths.Select(p => new StreamWriter(p)).ToArray();
            var decoders = new[] { new Dsp.Ingest.ImuStreamDecoder(), new Dsp.Ingest.ImuStreamDecoder() };
            var buffer = new Core.Samples.ImuSample[Core.Protocol.ImuPacket.MaxSamples];
            foreach (var w in writers) w.WriteLine("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z");
            foreach (var n in run.Notifications())
            {
                var count = decoders[n.SensorIndex].Decode(n.Payload, n.HostTimeUs, buffer);
                for (var i = 0; i < count; i++)
                {
                    var (a, g) = (buffer[i].AccSensorMps2, buffer[i].GyroSensorDps);
                    writers[n.SensorIndex].WriteLine(System.FormattableString.Invariant($"{buffer[i].TimeS:F6},{a.X:R},{a.Y:R},{a.Z:R},{g.X:R},{g.Y:R},{g.Z:R}"));
                }
            }

            foreach (var w in writers) w.Dispose();
            var truth = run.Truth.Select(t => t.ToStrideMetrics()).ToList();
            async Task<double> MeanError(double? rangeG)
            {
                var r = await ReplayJob.RunAsync(new ReplayOptions { LeftCsv = paths[0], RightCsv = paths[1], AccRangeG = rangeG, StorePath = "" }, null, CancellationToken.None);
                if (rangeG is null) Assert.Contains("holds a rail at 16 g", r.Warning ?? "", StringComparison.Ordinal);
                var errors = new List<double>();
                foreach (var s in r.Strides.Where(s => (s.Flags & StrideFlags.FromRest) == 0))
                {
                    var t = truth.Where(x => x.Foot == s.Foot && Math.Abs(x.IcTimeS - s.IcTimeS) < 0.1).ToList();
                    if (t.Count == 1) errors.Add(100 * (s.StrideLengthM - t[0].StrideLengthM) / t[0].StrideLengthM);
                }

                Assert.True(errors.Count >= 100, $"only {errors.Count} strides paired with the truth");
                return errors.Average(Math.Abs);
            }

            var without = await MeanError(null);
            var with = await MeanError(16);
            Assert.True(with <= 0.5, $"with the range: stride length MAE {with:F2} % (without it {without:F2} %)");
            Assert.True(without <= 0.5, $"without the range: stride length MAE {without:F2} % (with it {with:F2} %)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1000)]
    public void A_500_dps_gyroscope_that_flat_tops_in_the_swing_keeps_stride_length_and_strike_angle(int rateHz)
    {
        // Issue 11: a ±500 °/s gyroscope saturates in running (at 4.5 m/s the pitch rate passes 500 °/s on every swing);
        // the flat top loses rotation, and with it gravity's removal and the stride's length.
        var settings = new SimulationSettings
        {
            Seed = 3, SampleRateHz = rateHz, StrikePattern = StrikePattern.Rearfoot, RunSpeedMps = 4.5, MountingMaxDeg = 15,
            PlanDurationS = 60, GyroSaturationDps = 500,
        };
        var (f, _, _) = RunPlan("run-steady", settings);
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.StrideLengthMaePercent <= 1.5, $"stride length MAE {f.StrideLengthMaePercent:F2} %");
        Assert.True(f.StrikeAngleMaeDeg <= 2.5, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
    }

    [Theory]
    [InlineData(200, 2.2)]
    [InlineData(200, 4.5)]
    [InlineData(400, 2.2)]
    [InlineData(1000, 3.3)]
    public void A_heel_then_forefoot_double_impact_times_the_contact_at_the_heel(int rateHz, double speedMps)
    {
        // Issue 11: impacts of other shapes. The forefoot slapping down at foot flat, 30–80 ms after the heel, can jolt
        // the clip harder than the heel strike did; the contact is still the heel's.
        var settings = new SimulationSettings
        {
            Seed = 3, SampleRateHz = rateHz, StrikePattern = StrikePattern.Rearfoot, RunSpeedMps = speedMps, MountingMaxDeg = 15,
            PlanDurationS = 60, ForefootSlapFraction = 0.5,
        };
        var (f, _, _) = RunPlan("run-steady", settings);
        Assert.True(f.Matched >= 0.97 * f.TruthStrides, $"matched {f.Matched}/{f.TruthStrides}");
        Assert.True(f.IcMaeS <= 0.005, $"initial contact MAE {f.IcMaeS * 1000:F1} ms");
        Assert.True(f.CadenceMaeSpm <= 0.5, $"cadence MAE {f.CadenceMaeSpm:F2} steps/min");
        Assert.True(f.ContactTimeMaeS <= 0.010, $"contact time MAE {f.ContactTimeMaeS * 1000:F1} ms");
        Assert.True(f.StrikeClassAccuracy >= 0.95, $"strike class {f.StrikeClassAccuracy:P1}");
    }

    [Theory]
    [InlineData(200, "rearfoot", 4.5, 0.15)]
    [InlineData(400, "forefoot", 2.2, 0.15)]
    [InlineData(1000, "midfoot", 3.3, 0.15)]
    [InlineData(200, "forefoot", 2.2, 1.0)]
    [InlineData(400, "rearfoot", 4.5, 1.0)]
    [InlineData(1000, "rearfoot", 3.3, 1.0)]
    public void A_quiet_moment_in_a_planar_swing_costs_at_most_one_stride(int rateHz, string strike, double speedMps, double share)
    {
        // Issue 11: a planar swing (pitch only) whose pitch rate reverses with ~1 g of specific force looks like a stance
        // for ~10 ms; an independently written simulator's planar swings lost every running stride that way. One such
        // moment may cost at most the stride it is in, never the strides around it; and a run of them must still find
        // ≥ 99 % of its strides.
        var settings = new SimulationSettings
        {
            Seed = 11, SampleRateHz = rateHz, StrikePattern = StrideCsv.ParsePattern(strike), RunSpeedMps = speedMps, MountingMaxDeg = 15,
            PlanDurationS = 60, SwingQuietMomentShare = share,
            // No packet loss here: a contact lost with a packet at 200 Hz is another odd moment (README: open).
            PacketLossProbability = 0,
        }.WithSwing(SwingKind.Planar);
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var (_, ours, _) = TruthEvaluation.Run(run);
        var delay = (run.Header.TransportDelayFloorMs ?? 0) / 1000;
        var truth = run.Truth.Where(t => t.Gait == Gait.Run).ToList();
        bool Found(TruthStride t) => ours.Any(o => o.Foot == t.Foot && Math.Abs(o.IcTimeS - delay - t.IcTimeS) < 0.03 && Math.Abs(o.NextIcTimeS - delay - t.NextIcTimeS) < 0.03);
        var odd = truth.Count(t => t.SwingQuietMoment);
        var lost = truth.Where(t => !Found(t)).ToList();
        // A lost stride is charged to an odd moment in its own swing or in a neighbouring swing of the same foot.
        var charged = lost.Count(t => truth.Any(o => o.Foot == t.Foot && o.SwingQuietMoment && Math.Abs(o.IcTimeS - t.IcTimeS) < 1.5 * t.StrideTimeS));
        var losses = string.Join(", ", lost.Select(t => $"{t.Foot} {t.IcTimeS:F2}{(t.SwingQuietMoment ? "*" : "")}"));
        Assert.True(odd >= 0.5 * share * truth.Count, $"odd moments {odd} of {truth.Count}");
        Assert.True(charged == lost.Count || lost.Count - charged <= 0.01 * truth.Count, $"strides lost away from any odd moment: {losses}");
        Assert.True(lost.Count <= odd, $"lost {lost.Count} strides for {odd} odd moments: {losses}");
        Assert.True(truth.Count - lost.Count >= 0.99 * truth.Count - 2, $"found {truth.Count - lost.Count}/{truth.Count}: lost {losses}");
    }

    // The real recordings (gaitmap, xio loops, footprints) are guarded in RealRecordingTests.
}
