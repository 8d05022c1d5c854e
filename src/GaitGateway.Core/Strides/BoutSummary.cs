namespace GaitGateway.Core.Strides;

/// <summary>
/// One walk or run interval (a C25K "bout"): consecutive strides of one gait, both feet pooled. Averages are means
/// over the bout's strides; NaN where no stride had the value.
/// </summary>
public readonly record struct BoutSummary
{
    public Gait Gait { get; init; }
    public double StartTimeS { get; init; }
    public double EndTimeS { get; init; }
    public double DurationS => EndTimeS - StartTimeS;
    public int Strides { get; init; }
    public double CadenceSpm { get; init; }
    public double StrideLengthM { get; init; }
    public double SpeedMps { get; init; }
    public double DistanceM { get; init; }
    public double ContactTimeS { get; init; }
    public double StrikeAngleDeg { get; init; }
    public StrikePattern StrikePattern { get; init; }
    /// <summary>Fraction of the bout's strides flagged as overstriding, 0..1.</summary>
    public double OverstrideFraction { get; init; }
    /// <summary>Sum of per-step calf load over the bout.</summary>
    public double CalfLoad { get; init; }
    /// <summary>Left/right contact-time asymmetry, 100 × (L − R) / mean(L, R), %; NaN without both feet.</summary>
    public double ContactTimeAsymmetryPct { get; init; }
    /// <summary>Left/right step-time asymmetry (the step that ends on each foot), %; NaN without both feet.</summary>
    public double StepTimeAsymmetryPct { get; init; }
    /// <summary>Left/right stride-length asymmetry, %; NaN without both feet.</summary>
    public double StrideLengthAsymmetryPct { get; init; }
}
