namespace GaitGateway.Dsp.Parameters;

/// <summary>Settings of <see cref="OverstrideDetector"/>.</summary>
/// <param name="ReferenceLandingDistanceM">Landing-distance estimate that scores index 1.0, m. Default 0.30 m: foot–hip
/// distances at contact of habitual rearfoot runners are ~0.2–0.3 m and braking grows with it (Lieberman 2015,
/// J Exp Biol 218:3406); beyond that the foot lands clearly ahead of the body.</param>
/// <param name="MinStrikeAngleDeg">An overstride also needs a heel landing with the toes up, degrees. Default 8°
/// (the rearfoot threshold): landing far ahead with a flat or forefoot contact is rare, and foot inclination at
/// contact is one of Wille 2014's (JOSPT 44:825) three braking predictors.</param>
/// <param name="MinSpeedMps">Walking is not judged, m/s. Default 1.8 m/s.</param>
public sealed record OverstrideSettings(
    double ReferenceLandingDistanceM = 0.30,
    double MinStrikeAngleDeg = 8.0,
    double MinSpeedMps = 1.8);

/// <summary>
/// Foot-only overstriding proxy. The centre of mass cannot be seen from the feet (REFERENCES.md), so we estimate how
/// far ahead of the body the foot landed as the distance the body travels from initial contact until the foot is
/// flat and still under it (mid-stance): landing distance ≈ speed × (t_mid-stance − t_IC). Index = that distance
/// over <see cref="OverstrideSettings.ReferenceLandingDistanceM"/>; the flag needs index &gt; 1 and a toes-up landing.
/// </summary>
public static class OverstrideDetector
{
    public static double LandingDistanceM(double speedMps, double icTimeS, double midStanceTimeS)
    {
        var dt = midStanceTimeS - icTimeS;
        return double.IsFinite(speedMps) && dt > 0 ? speedMps * dt : double.NaN;
    }

    public static (double Index, bool Flag) Evaluate(double landingDistanceM, double strikeAngleDeg, double speedMps, OverstrideSettings settings)
    {
        if (!double.IsFinite(landingDistanceM)) return (double.NaN, false);
        var index = landingDistanceM / settings.ReferenceLandingDistanceM;
        var flag = index > 1.0 && strikeAngleDeg >= settings.MinStrikeAngleDeg && speedMps >= settings.MinSpeedMps;
        return (index, flag);
    }
}
