namespace GaitGateway.Dsp.Parameters;

/// <summary>Settings of <see cref="OverstrideDetector"/>: the per-stride braking cue. Since issue 12 its flag is only the
/// foot pipeline's own opinion: <c>GaitSession</c> replaces it with <see cref="Overstride.OverstrideAssessor"/>'s judgement
/// (four cues against her baseline and population references, over stretches of several strides); the index
/// (braking share / <see cref="ReferenceBrakingShare"/>) is that judgement's braking cue.</summary>
/// <param name="ReferenceBrakingShare">Share of the contact spent before mid-stance that scores index 1.0. Default 0.5:
/// in steady running braking and propulsion impulses balance and the body passes over the foot near mid-contact.</param>
/// <param name="FlagIndex">Index above which a stride is flagged. Default 1.1 (braking share &gt; 55 %): the foot landed
/// clearly ahead of the body and the braking phase outlasts the push (Lieberman 2015 J Exp Biol 218:3406: braking
/// grows with how far ahead of the hip the foot lands).</param>
/// <param name="MinStrikeAngleDeg">An overstride also needs a heel landing with the toes up, degrees. Default 8°
/// (the rearfoot threshold): foot inclination at contact is one of Wille 2014's (JOSPT 44:825) three braking predictors,
/// and landing far ahead on a flat or forefoot contact is rare.</param>
/// <param name="MinSpeedMps">Walking is not judged, m/s. Default 1.8 m/s.</param>
/// <param name="MaxDecelerationFraction">A stride slower than the foot's previous one by more than this fraction is a
/// runner slowing down, whose longer braking is not overstriding: not flagged. Default 0.08: stride-to-stride speed
/// varies by a few per cent in steady running; slowing to a walk sheds 10–20 % per stride.</param>
public sealed record OverstrideSettings(
    double ReferenceBrakingShare = 0.5,
    double FlagIndex = 1.1,
    double MinStrikeAngleDeg = 8.0,
    double MinSpeedMps = 1.8,
    double MaxDecelerationFraction = 0.08);

/// <summary>
/// Foot-only overstriding proxy. The centre of mass cannot be seen from the feet (REFERENCES.md), so we use when the
/// body passes over the planted foot: the foot is flat and still under it at mid-stance. The share of the contact
/// spent before that moment, (t_mid-stance − t_IC) / contact time, is the braking share; speed × (t_mid-stance − t_IC)
/// estimates how far ahead the foot landed. The share is dimensionless, so it needs no leg length and does not grow
/// with speed the way a distance does. Index = share / <see cref="OverstrideSettings.ReferenceBrakingShare"/>.
/// </summary>
public static class OverstrideDetector
{
    /// <summary>Landing-distance estimate, m: how far the body travels from contact until it is over the foot.</summary>
    public static double LandingDistanceM(double speedMps, double icTimeS, double midStanceTimeS)
    {
        var dt = midStanceTimeS - icTimeS;
        return double.IsFinite(speedMps) && dt > 0 ? speedMps * dt : double.NaN;
    }

    public static (double Index, bool Flag) Evaluate(double icTimeS, double midStanceTimeS, double contactTimeS, double strikeAngleDeg, double speedMps, OverstrideSettings settings)
    {
        var before = midStanceTimeS - icTimeS;
        if (!(before > 0) || !(contactTimeS > 0)) return (double.NaN, false);
        var index = Math.Min(before, contactTimeS) / contactTimeS / settings.ReferenceBrakingShare;
        var flag = index > settings.FlagIndex && strikeAngleDeg >= settings.MinStrikeAngleDeg && speedMps >= settings.MinSpeedMps;
        return (index, flag);
    }
}
