using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// Overstriding and its look-alikes, written from the literature's descriptions (issue 12), not from what a detector
/// measures. Each plan is short (≤ 2 min) so the whole matrix runs in CI; <c>simulate --plan NAME</c> writes any of them.
/// The runner is the simulator's population-typical beginner (<see cref="GaitRelations"/>): her own normal running is
/// what the scenarios depart from.
/// </summary>
/// <remarks>
/// Sources of the descriptions: the Couch-to-5K week-6 complaint (REFERENCES.md: pace up, stride lengthened, landing
/// ahead of the body); overstriding = the foot landing far ahead of the hip with more braking (Lieberman 2015, J Exp
/// Biol 218:3406); foot inclination at contact and heel–centre-of-mass distance as braking predictors (Wille 2014,
/// JOSPT 44:825); step-rate changes of ±5–10 % (Heiderscheit 2011, MSSE 43:296); speed gained mainly by step length
/// below ~65 % of top speed (PMC8523042); rearfoot strikers' landing angle does not steepen with speed (Forrester &amp;
/// Townend 2015, Gait Posture 41:26).
/// </remarks>
public static class OverstrideScenarios
{
    /// <summary>One scenario: its plan name, whether the runner overstrides in it, and what it stands for.</summary>
    public sealed record Scenario(string Name, bool Overstriding, string Description, Func<SimulationSettings, SessionPlan> Build);

    /// <summary>Her easy pace, m/s (a C25K beginner: ~6:00 min/km).</summary>
    public const double EasySpeedMps = 2.8;

    /// <summary>Every scenario, overstriding ones first.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("os-stride-push", true,
            "the week-6 push (independent description of issue 12): 60 s easy, then 45 s faster by a 20 % longer stride at 9 % lower cadence, landing 10° more heel-first, foot-flat timing unchanged; 20 s easy",
            StridePush),
        new("os-braking-push", true,
            "60 s easy, then 45 s faster at flat cadence with the foot landing far ahead (0.40 m), 7° more heel-first and mid-stance later (more braking); 20 s easy",
            BrakingPush),
        new("os-habitual", true,
            "a habitual overstrider on her first run, no normal running to learn from: 100 s at 12 % below typical cadence, 24° heel-first, landing 0.40 m ahead",
            Habitual),
        new("speedup-cadence", false,
            "60 s easy (2.6 m/s), then 45 s at 3.2 m/s gained by +10 % cadence (Heiderscheit 2011's cue) and a slightly longer stride, landing angle unchanged",
            SpeedupByCadence),
        new("heel-steady", false,
            "a natural heel striker (12.5° landing) at a steady comfortable 2.5 m/s for 110 s, cadence 4 % below typical",
            HeelSteady),
        new("slowing", false,
            "40 s at 3.4 m/s, slowing to 3.0 and 2.4 m/s, then walking",
            Slowing),
        new("walking", false,
            "100 s of walking at 1.2, 1.6 and 2.0 m/s",
            Walking),
        new("midfoot-pace", false,
            "a midfoot runner at 2.6, 3.4 and 4.4 m/s, speed gained the population-typical way",
            s => Paced(s, "midfoot-pace", StrikePattern.Midfoot)),
        new("forefoot-pace", false,
            "a forefoot runner at 2.6, 3.4 and 4.4 m/s, speed gained the population-typical way",
            s => Paced(s, "forefoot-pace", StrikePattern.Forefoot)),
    ];

    private static double Cadence(double speedMps) => GaitRelations.RunCadenceSpm(speedMps);

    private static PlanSegment Easy(double seconds, double speedMps = EasySpeedMps) =>
        new(PlanGait.Run, seconds, speedMps, StrikePattern.Rearfoot);

    // Stride ×1.20 at cadence ×0.91 of her easy running → speed ×1.092; landing 10° more heel-first; the foot lands
    // further ahead (heel–COM distance, Wille 2014) but is flat and still at the same share of the contact as before.
    private static SessionPlan StridePush(SimulationSettings s)
    {
        var v = EasySpeedMps * 1.20 * 0.91;
        var style = new RunStyle(
            CadenceFactor: 0.91 * Cadence(EasySpeedMps) / Cadence(v),
            StrikeAngleOffsetDeg: 10,
            LandingDistanceM: 0.34,
            FootFlatFollowsLanding: false,
            ContactSlideFraction: 0.15,
            ImpactFactor: 1.3);
        return new SessionPlan("os-stride-push",
        [
            Easy(60),
            new(PlanGait.Run, 45, v, StrikePattern.Rearfoot, Overstride: true, Style: style),
            Easy(20),
        ]);
    }

    // Flat cadence while speeding up 2.8 → 3.2 m/s (stride +14 %), landing far ahead (Lieberman 2015: braking grows
    // with the foot's distance ahead of the hip), mid-stance later, contact 5 % longer.
    private static SessionPlan BrakingPush(SimulationSettings s)
    {
        const double v = 3.2;
        var style = new RunStyle(
            CadenceFactor: Cadence(EasySpeedMps) / Cadence(v),
            StrikeAngleOffsetDeg: 7,
            LandingDistanceM: 0.40,
            FootFlatFollowsLanding: true,
            ContactTimeFactor: 1.05,
            ContactSlideFraction: 0.15,
            ImpactFactor: 1.4);
        return new SessionPlan("os-braking-push",
        [
            Easy(60),
            new(PlanGait.Run, 45, v, StrikePattern.Rearfoot, Overstride: true, Style: style),
            Easy(20),
        ]);
    }

    private static SessionPlan Habitual(SimulationSettings s)
    {
        var style = new RunStyle(
            CadenceFactor: 0.88,
            StrikeAngleDeg: 24,
            LandingDistanceM: 0.40,
            FootFlatFollowsLanding: true,
            ContactTimeFactor: 1.05,
            ContactSlideFraction: 0.15,
            ImpactFactor: 1.4);
        return new SessionPlan("os-habitual", [new(PlanGait.Run, 100, EasySpeedMps, StrikePattern.Rearfoot, Overstride: true, Style: style)]);
    }

    private static SessionPlan SpeedupByCadence(SimulationSettings s)
    {
        const double easy = 2.6, fast = 3.2;
        var style = new RunStyle(CadenceFactor: 1.10 * Cadence(easy) / Cadence(fast), StrikeAngleDeg: GaitRelations.StrikeAngleDeg(PlanGait.Run, StrikePattern.Rearfoot, easy, false));
        return new SessionPlan("speedup-cadence",
        [
            Easy(60, easy),
            new(PlanGait.Run, 45, fast, StrikePattern.Rearfoot, Style: style),
        ]);
    }

    private static SessionPlan HeelSteady(SimulationSettings s) => new("heel-steady",
        [new(PlanGait.Run, 110, 2.5, StrikePattern.Rearfoot, Style: new RunStyle(CadenceFactor: 0.96, StrikeAngleDeg: 12.5))]);

    private static SessionPlan Slowing(SimulationSettings s) => new("slowing",
    [
        Easy(40, 3.4),
        Easy(20, 3.0),
        Easy(25, 2.4),
        new(PlanGait.Walk, 20, 1.4),
    ]);

    private static SessionPlan Walking(SimulationSettings s) => new("walking",
    [
        new(PlanGait.Walk, 40, 1.2),
        new(PlanGait.Walk, 40, 1.6),
        new(PlanGait.Walk, 20, 2.0),
    ]);

    private static SessionPlan Paced(SimulationSettings s, string name, StrikePattern pattern) => new(name,
    [
        new(PlanGait.Run, 40, 2.6, pattern),
        new(PlanGait.Run, 30, 3.4, pattern),
        new(PlanGait.Run, 30, 4.4, pattern),
    ]);
}
