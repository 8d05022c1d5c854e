using GaitGateway.Core.Strides;

namespace GaitGateway.Dsp.Parameters;

/// <summary>Settings of <see cref="CalfLoadModel"/>.</summary>
/// <param name="ReferencePeakForceBw">Peak Achilles-force proxy that scores 1.0, body weights. Default 2.6 BW of vertical
/// ground reaction force: a typical easy-running step (spring-mass peak force 2.5–2.8 BW at 2.5–3.5 m/s).</param>
/// <param name="Exponent">Per-step damage exponent. Default 3: tendon and bone fatigue grow much faster with load per
/// cycle than with cycles (Edwards 2018 ESSR 46:224; Firminger 2020 MSSE 52:1549), so weight each step non-linearly.</param>
/// <param name="MidfootFactor">Achilles load relative to rearfoot for midfoot strikes. Default 1.11 (+11 % Achilles
/// impulse per step in non-rearfoot strikers, Almonroeder 2013 Ann Biomed Eng 41:1758).</param>
/// <param name="ForefootFactor">Default 1.20: peak and cumulative Achilles force rank forefoot &gt; midfoot &gt; rearfoot;
/// +15 % loading rate (same source).</param>
/// <param name="SpeedSlopePerMps">Extra load per m/s above 3 m/s beyond what contact time captures. Default 0.12:
/// Achilles force rises from ~2.0 to ~2.6 kN between 2.5 and 3.5 m/s (Kharazi 2021).</param>
public sealed record CalfLoadSettings(
    double ReferencePeakForceBw = 2.6,
    double Exponent = 3.0,
    double MidfootFactor = 1.11,
    double ForefootFactor = 1.20,
    double SpeedSlopePerMps = 0.12);

/// <summary>
/// Per-step plantarflexor/Achilles load index from foot signals only. Peak vertical force comes from the spring-mass
/// sine model (Morin 2005: F_max = m g π/2 · (t_flight/t_contact + 1) = m g π/2 · t_step/t_contact), so a shorter
/// contact at the same cadence — what a runner "pushing" does — raises it, and a higher cadence lowers it (Lyght 2016,
/// J Appl Biomech 32:365: +5 % cadence lowers peak Achilles stress). Strike pattern scales it (Almonroeder 2013) and
/// speed adds a small term (Kharazi 2021). The index is (F/F_ref)^k per step, so one hard step counts several easy ones.
/// </summary>
public static class CalfLoadModel
{
    /// <summary>Peak vertical force, body weights, from the spring-mass model.</summary>
    public static double PeakForceBw(double contactTimeS, double stepTimeS)
    {
        if (!(contactTimeS > 0) || !(stepTimeS > 0)) return double.NaN;
        // Walking has no flight: the model does not apply past t_contact ≥ t_step; clamp to 1.2 BW (walking peaks).
        return Math.Max(1.2, Math.PI / 2 * stepTimeS / contactTimeS);
    }

    public static double StepLoad(double contactTimeS, double stepTimeS, double speedMps, StrikePattern pattern, CalfLoadSettings settings)
    {
        var f = PeakForceBw(contactTimeS, stepTimeS);
        if (!double.IsFinite(f)) return double.NaN;
        var strike = pattern switch
        {
            StrikePattern.Forefoot => settings.ForefootFactor,
            StrikePattern.Midfoot => settings.MidfootFactor,
            _ => 1.0,
        };
        var speed = double.IsFinite(speedMps) ? Math.Max(0.5, 1 + (settings.SpeedSlopePerMps * (speedMps - 3.0))) : 1.0;
        return Math.Pow(f * strike * speed / settings.ReferencePeakForceBw, settings.Exponent);
    }
}
