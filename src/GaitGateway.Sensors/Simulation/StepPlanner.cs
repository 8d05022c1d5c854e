using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// One initial contact with everything the foot model needs to shape the stance that starts with it and the swing
/// that leads to it. Angles in degrees, times in s since session start, positions in world metres.
/// </summary>
internal sealed record StepPlan
{
    public required Foot Foot { get; init; }
    public required double IcTimeS { get; init; }
    /// <summary>First step of this foot after standing: the stance before it is a rest stance.</summary>
    public required bool FromRest { get; init; }
    public required PlanGait Gait { get; init; }
    public required int SegmentIndex { get; init; }
    public required bool Overstride { get; init; }
    /// <summary>Pattern of the segment (what the runner intends; the angle decides the truth class).</summary>
    public required StrikePattern SegmentPattern { get; init; }
    /// <summary>Centre-of-mass speed at IC, m/s.</summary>
    public required double SpeedMps { get; init; }
    /// <summary>Speed the stride parameters were taken at (COM speed clamped to the gait's range), m/s.</summary>
    public required double ParamSpeedMps { get; init; }
    /// <summary>Nominal stride time at this speed, s (the swing of a first step after rest uses it).</summary>
    public required double NominalStrideTimeS { get; init; }
    public required double ContactTimeS { get; init; }
    public required double LandingDistanceM { get; init; }
    /// <summary>Distance the body travels from contact until the foot is flat and still under it, m: the landing
    /// distance, unless the segment's <see cref="RunStyle.FootFlatFollowsLanding"/> keeps the normal timing.</summary>
    public required double MidStanceDistanceM { get; init; }
    public required double ComXAtIcM { get; init; }
    /// <summary>Lateral position of the foot's centre line, m (+ = left of the line of travel).</summary>
    public required double LateralM { get; init; }
    /// <summary>Foot progression (toe-out) angle, degrees, + = toes toward the runner's left.</summary>
    public required double YawDeg { get; init; }
    public required double StrikeAngleDeg { get; init; }
    public required double ToeOffAngleDeg { get; init; }
    public required double ClearanceM { get; init; }
    /// <summary>Forward speed of the contact point at IC, m/s: it slides to rest (braking; large when overstriding).</summary>
    public required double IcForwardSpeedMps { get; init; }
    public required double ImpactPeakMps2 { get; init; }
    /// <summary>Roll and yaw wobble amplitude in the swing that ends at this step, degrees.</summary>
    public required double RollWobbleDeg { get; init; }
    public required double YawWobbleDeg { get; init; }
    public required double LateralWobbleM { get; init; }
    /// <summary>The swing that ends at this step has a quiet moment (<see cref="SimulationSettings.SwingQuietMomentMs"/>).</summary>
    public bool QuietMomentInSwing { get; init; }
    /// <summary>Walking: how long after the contact the heel's jolt begins, s (<see cref="SimulationSettings.WalkingJoltDelayMaxMs"/>); 0 in running.</summary>
    public double JoltDelayS { get; init; }

    /// <summary>Mid-stance (COM passes over the contact point), s after IC, clamped inside the contact.</summary>
    public double MidStanceAfterIcS => Math.Clamp(MidStanceDistanceM / ParamSpeedMps, 0.15 * ContactTimeS, 0.6 * ContactTimeS);

    /// <summary>Landing roll to foot flat, s after IC.</summary>
    public double FootFlatAfterIcS => Math.Max(0.025, 0.6 * MidStanceAfterIcS);

    /// <summary>When the last impact transient of this stance has died out, s after IC (the heel's; the forefoot slap's
    /// when the settings add one).</summary>
    public double ImpactsEndAfterIcS { get; init; } = ImpactTransient.DefaultDurationS;

    /// <summary>Heel rise, s after IC; kept after the impact transients have died out.</summary>
    public double HeelRiseAfterIcS => Math.Max(MidStanceAfterIcS + (0.25 * (ContactTimeS - MidStanceAfterIcS)), ImpactsEndAfterIcS + 0.005);
}

/// <summary>
/// Generates the session's initial contacts in time order, alternating left and right (the right foot half a
/// stride after the left), with stride-to-stride variability. Deterministic for a seed: each foot's model runs its
/// own planner and keeps its own steps, so the two clips share no state.
/// </summary>
internal static class StepPlanner
{
    public static IEnumerable<StepPlan> Steps(PlanTimeline timeline, SimulationSettings settings)
    {
        var rng = SimRandom.Stream(settings.Seed, SimRandom.PurposePlan);
        // Which swings get a quiet moment: a stream of its own, so the choice never shifts the plan's draws.
        var shapeRng = SimRandom.Stream(settings.Seed, SimRandom.PurposeShape);
        // The walking jolt's delay: one draw per step of any gait from a stream of its own, likewise.
        var joltRng = SimRandom.Stream(settings.Seed, SimRandom.PurposeWalkingJolt);
        foreach (var (start, end) in timeline.MovingPeriods)
        {
            var foot = Foot.Left;
            var fresh = 2; // first step of each foot in this period comes from rest
            var t = start + (0.6 * NominalStride(timeline, start));
            while (t < end)
            {
                var step = Make(timeline, settings, rng, foot, t, fresh > 0, joltRng.Uniform(0, settings.WalkingJoltDelayMaxMs / 1000));
                if (settings.SwingQuietMomentMs > 0 && shapeRng.NextDouble() < settings.SwingQuietMomentShare) step = step with { QuietMomentInSwing = true };
                yield return step;
                fresh--;
                foot = foot == Foot.Left ? Foot.Right : Foot.Left;
                // Steps landing on the right last (1 + a/2) times longer, those on the left (1 − a/2): right steps
                // are a % longer than left ones while the stride (sum of both) keeps its length.
                var asym = settings.AsymmetryRightStepPct / 200 * (foot == Foot.Right ? 1 : -1);
                t += step.NominalStrideTimeS / 2 * (1 + (settings.StrideTimeVariabilityPct / 100 * rng.Gauss())) * (1 + asym);
            }
        }
    }

    private static double NominalStride(PlanTimeline timeline, double t)
    {
        var seg = timeline.SegmentAt(t) ?? throw new InvalidOperationException("moving period without a segment");
        var v = ParamSpeed(seg.Segment.Gait, timeline.SpeedMps(t), seg.Segment.SpeedMps);
        return StrideTime(seg.Segment, v);
    }

    private static double ParamSpeed(PlanGait gait, double comSpeedMps, double segmentSpeedMps) => gait == PlanGait.Walk
        ? Math.Clamp(comSpeedMps, Math.Min(0.8, segmentSpeedMps), 2.2)
        : Math.Clamp(comSpeedMps, Math.Min(2.0, segmentSpeedMps), 7);

    private static double StrideTime(PlanSegment seg, double v)
    {
        if (seg.Gait == PlanGait.Walk) return 120.0 / (GaitRelations.WalkCadenceSpm(v) * (seg.Style?.CadenceFactor ?? 1));
        var cadence = GaitRelations.RunCadenceSpm(v);
        if (seg.Style is { } style) cadence *= style.CadenceFactor;
        else if (seg.Overstride) cadence *= GaitRelations.OverstrideCadenceFactor;
        return 120.0 / cadence;
    }

    private static StepPlan Make(PlanTimeline timeline, SimulationSettings s, Random rng, Foot foot, double t, bool fromRest, double walkingJoltDelayS)
    {
        var span = timeline.SegmentAt(t) ?? throw new InvalidOperationException("step outside the plan");
        var seg = span.Segment;
        var gait = seg.Gait;
        var pattern = span.StrikePattern;
        var v = ParamSpeed(gait, timeline.SpeedMps(t), seg.SpeedMps);
        var over = seg.Overstride && gait == PlanGait.Run;
        // A style replaces the original overstriding model: the segment's label stays the truth, the style the motion.
        var style = gait == PlanGait.Run ? seg.Style : null;
        var legacyOver = over && style is null;
        var stride = StrideTime(seg, v);
        var contact = gait == PlanGait.Walk
            ? GaitRelations.WalkDutyFactor(v) * stride
            : GaitRelations.RunContactTimeS(v) * (legacyOver ? 1.05 : 1) * (style?.ContactTimeFactor ?? 1);
        if (foot == Foot.Right) contact *= 1 + (s.AsymmetryRightContactPct / 100);
        contact *= 1 + (s.ContactTimeVariabilityPct / 100 * rng.Gauss());
        // Keep a swing of at least 30 % of the stride whatever the variability and asymmetry settings.
        contact = Math.Min(contact, 0.7 * stride);

        var nominalStrike = style is null
            ? GaitRelations.StrikeAngleDeg(gait, pattern, v, legacyOver)
            : (style.StrikeAngleDeg ?? GaitRelations.StrikeAngleDeg(gait, pattern, v, false)) + style.StrikeAngleOffsetDeg;
        var strike = nominalStrike + (s.StrikeAngleVariabilityDeg * rng.Gauss());
        // Variability moves the angle, never the class the segment asks for (so truth classes equal the plan).
        strike = GaitRelations.Classify(nominalStrike) switch
        {
            StrikePattern.Rearfoot => Math.Max(strike, 9.5),
            StrikePattern.Forefoot => Math.Min(strike, -3.5),
            _ => Math.Clamp(strike, 0, 6.5),
        };
        var landingNoise = 1 + (0.05 * rng.Gauss());
        var normalLanding = GaitRelations.LandingDistanceM(gait, pattern, v, false) * landingNoise;
        var landing = style is null
            ? GaitRelations.LandingDistanceM(gait, pattern, v, legacyOver) * landingNoise
            : (style.LandingDistanceM ?? GaitRelations.LandingDistanceM(gait, pattern, v, false)) * landingNoise;
        var midStanceDistance = style is { FootFlatFollowsLanding: false } ? normalLanding : landing;
        var side = foot == Foot.Left ? 1 : -1;
        var lateral = side * ((gait == PlanGait.Walk ? 0.06 : 0.04) + (0.01 * rng.Gauss()));
        var yaw = side * (5 + (1.5 * rng.Gauss()));
        // Kept within the −(22..45)° band of toe-off sole pitch whatever the draw.
        var toeOff = Math.Clamp(GaitRelations.ToeOffAngleDeg(gait, v) + (1.5 * rng.Gauss()), -45, -22);
        var clearance = GaitRelations.ClearanceM(gait, v) * (1 + (0.05 * rng.Gauss()));
        var icSpeed = style?.ContactSlideFraction is { } slide ? slide * v : legacyOver ? 0.15 * v : gait == PlanGait.Walk ? 0.05 : 0.1;
        var impactDraw = rng.Gauss();
        var impact = GaitRelations.ImpactPeakG(gait, pattern, v, legacyOver) * (style?.ImpactFactor ?? 1) * Core.Samples.Gravity.StandardMps2 * s.ImpactScale * (1 + (0.1 * impactDraw));
        if (gait == PlanGait.Run && s.RunImpactPeakMinG is { } minG && s.RunImpactPeakMaxG is { } maxG)
        {
            // The same draw, spread evenly over the range (logistic approximation of the normal CDF, within 1 %).
            var u = 1 / (1 + Math.Exp(-1.702 * impactDraw));
            impact = (minG + ((maxG - minG) * u)) * (style?.ImpactFactor ?? 1) * Core.Samples.Gravity.StandardMps2 * s.ImpactScale;
        }

        // Drawn whatever the scale, so a planar or 3-D swing keeps every other draw of the default run.
        var roll = 3 * rng.Gauss() * s.SwingWobbleScale;
        var yawWobble = 2 * rng.Gauss() * s.SwingWobbleScale;
        var latWobble = side * 0.01 * (1 + (0.3 * rng.Gauss())) * s.SwingWobbleScale;
        var plan = new StepPlan
        {
            Foot = foot,
            IcTimeS = t,
            FromRest = fromRest,
            Gait = gait,
            SegmentIndex = span.Index,
            Overstride = over,
            SegmentPattern = pattern,
            SpeedMps = timeline.SpeedMps(t),
            ParamSpeedMps = v,
            NominalStrideTimeS = stride,
            ContactTimeS = contact,
            LandingDistanceM = landing,
            MidStanceDistanceM = midStanceDistance,
            ComXAtIcM = timeline.PositionM(t),
            LateralM = lateral,
            YawDeg = yaw,
            StrikeAngleDeg = strike,
            ToeOffAngleDeg = toeOff,
            ClearanceM = clearance,
            IcForwardSpeedMps = icSpeed,
            ImpactPeakMps2 = Math.Max(0, impact),
            RollWobbleDeg = roll,
            YawWobbleDeg = yawWobble,
            LateralWobbleM = latWobble,
            JoltDelayS = gait == PlanGait.Walk ? walkingJoltDelayS : 0,
        };
        var impactS = ImpactTransient.EnvelopeLengthTau * s.ImpactDampingMs / 1000;
        // The heel's transient starts after the walking jolt's delay; the forefoot slap's at foot flat, undelayed (Stance).
        var slapEndS = s.ForefootSlapFraction > 0 && strike > 0 ? plan.FootFlatAfterIcS + impactS : 0;
        var impactsEnd = Math.Max(plan.JoltDelayS + impactS, slapEndS);
        return impactsEnd == plan.ImpactsEndAfterIcS ? plan : plan with { ImpactsEndAfterIcS = impactsEnd };
    }
}
