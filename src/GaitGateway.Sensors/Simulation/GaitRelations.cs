using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// How the simulated runner's stride depends on speed. Population-typical relations, chosen to fall inside the
/// ranges below; a real runner differs, which is why the DSP must not assume them.
/// <list type="bullet">
/// <item>Running 2.2–5 m/s: cadence 150 → 185 steps/min rising with speed; contact time 0.30 s at 2.2 m/s to 0.19 s at
/// 4.5 m/s (power law through both points).</item>
/// <item>Walking 0.8–1.7 m/s: cadence 95 → 125 steps/min, duty factor ≈ 0.6 (double support).</item>
/// <item>Landing distance (centre of mass → first contact point): 0.10–0.25 m in normal running, ≥ 0.35 m when
/// overstriding (Lieberman 2015, J Exp Biol 218:3406; Wille 2014, JOSPT 44:825).</item>
/// <item>Strike angle classes: Altman &amp; Davis 2012 (rearfoot &gt; 8°, forefoot &lt; −1.6°).</item>
/// </list>
/// Cadence is in steps per minute (two steps per stride).
/// </summary>
public static class GaitRelations
{
    /// <summary>Running cadence, steps/min.</summary>
    public static double RunCadenceSpm(double speedMps) => Math.Clamp(150 + (12.5 * (speedMps - 2.2)), 135, 200);

    /// <summary>Running contact time, s: 0.4966·v^−0.639 passes through (2.2 m/s, 0.30 s) and (4.5 m/s, 0.19 s).</summary>
    public static double RunContactTimeS(double speedMps) => 0.4966 * Math.Pow(speedMps, -0.639);

    /// <summary>Walking cadence, steps/min.</summary>
    public static double WalkCadenceSpm(double speedMps) => Math.Clamp(95 + (33.3 * (speedMps - 0.8)), 85, 135);

    /// <summary>Walking duty factor (contact / stride time): ~0.62 slow to ~0.59 brisk.</summary>
    public static double WalkDutyFactor(double speedMps) => Math.Clamp(0.62 - (0.033 * (speedMps - 0.8)), 0.57, 0.64);

    /// <summary>Overstriding at the same speed: cadence lower by this factor, so strides are longer.</summary>
    public const double OverstrideCadenceFactor = 0.92;

    /// <summary>Nominal strike angle (sole pitch at contact, toes up positive), degrees.</summary>
    public static double StrikeAngleDeg(PlanGait gait, StrikePattern pattern, double speedMps, bool overstride)
    {
        if (gait == PlanGait.Walk) return 15 + (8 * Math.Clamp((speedMps - 0.8) / 0.9, 0, 1.5));
        var angle = pattern switch
        {
            StrikePattern.Forefoot => -7.0,
            StrikePattern.Midfoot => 3.0,
            _ => Math.Clamp(14 + (2 * (speedMps - 3)), 10, 22),
        };
        // Overstriding lands on a heel pitched further up (foot inclination at contact, Wille 2014).
        return overstride ? Math.Max(angle + 10, 22 + (2 * (speedMps - 3))) : angle;
    }

    /// <summary>Horizontal distance from the centre of mass to the first contact point at initial contact, m.</summary>
    public static double LandingDistanceM(PlanGait gait, StrikePattern pattern, double speedMps, bool overstride)
    {
        if (gait == PlanGait.Walk) return 0.30 + (0.05 * (speedMps - 1.3));
        if (overstride) return 0.40 + (0.04 * (speedMps - 3));
        return pattern switch
        {
            StrikePattern.Forefoot => 0.12 + (0.02 * (speedMps - 3)),
            StrikePattern.Midfoot => 0.15 + (0.02 * (speedMps - 3)),
            _ => 0.20 + (0.03 * (speedMps - 3)),
        };
    }

    /// <summary>Sole pitch at toe-off, degrees (negative = toes down): steeper when faster.</summary>
    public static double ToeOffAngleDeg(PlanGait gait, double speedMps) => gait == PlanGait.Walk
        ? -(30 + (5 * Math.Clamp((speedMps - 0.8) / 0.9, 0, 1)))
        : -(25 + (15 * Math.Clamp((speedMps - 2.2) / 2.8, 0, 1)));

    /// <summary>Peak rise of the sensor above its mid-stance height in swing, m.</summary>
    public static double ClearanceM(PlanGait gait, double speedMps) => gait == PlanGait.Walk
        ? 0.05
        : Math.Clamp(0.10 + (0.05 * (speedMps - 2.2)), 0.08, 0.25);

    /// <summary>Peak of the impact transient added at initial contact, g (on top of gravity and the smooth motion).
    /// Heel strikes and speed raise it; overstriding heel strikes can exceed ±16 g (impacts reach 70 g, Bailey &amp; Harle 2014).</summary>
    public static double ImpactPeakG(PlanGait gait, StrikePattern pattern, double speedMps, bool overstride)
    {
        if (gait == PlanGait.Walk) return 3 * Math.Pow(speedMps / 1.4, 1.5);
        var baseG = pattern switch { StrikePattern.Forefoot => 5.0, StrikePattern.Midfoot => 8.0, _ => 12.0 };
        return baseG * Math.Pow(speedMps / 3, 1.5) * (overstride ? 1.5 : 1);
    }

    /// <summary>Strike pattern of a strike angle (Altman &amp; Davis 2012).</summary>
    public static StrikePattern Classify(double strikeAngleDeg) => strikeAngleDeg switch
    {
        > 8.0 => StrikePattern.Rearfoot,
        < -1.6 => StrikePattern.Forefoot,
        _ => StrikePattern.Midfoot,
    };
}
