using GaitGateway.Core.Strides;

namespace GaitGateway.Dsp.Parameters;

/// <summary>Strike-pattern thresholds on the strike angle (toes up positive), degrees.</summary>
/// <param name="RearfootAboveDeg">Default 8.0° (Altman &amp; Davis 2012, Gait Posture 35:298).</param>
/// <param name="ForefootBelowDeg">Default −1.6° (same source).</param>
public sealed record StrikeSettings(double RearfootAboveDeg = 8.0, double ForefootBelowDeg = -1.6);

public static class StrikeClassifier
{
    public static StrikePattern Classify(double strikeAngleDeg, StrikeSettings settings)
    {
        if (!double.IsFinite(strikeAngleDeg)) return StrikePattern.Unknown;
        if (strikeAngleDeg > settings.RearfootAboveDeg) return StrikePattern.Rearfoot;
        return strikeAngleDeg < settings.ForefootBelowDeg ? StrikePattern.Forefoot : StrikePattern.Midfoot;
    }
}
