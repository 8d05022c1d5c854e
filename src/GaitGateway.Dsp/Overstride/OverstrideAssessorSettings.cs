namespace GaitGateway.Dsp.Overstride;

/// <summary>
/// Settings of <see cref="OverstrideAssessor"/>. The construct and every source are in the README ("Overstriding: what
/// the flag means"); each default below names its source or the reason for it.
/// </summary>
public sealed record OverstrideAssessorSettings
{
    /// <summary>Strike angle excess that scores one unit, degrees. Default 5°: the landing-angle change that a 5–10 %
    /// step-rate change brings (Heiderscheit 2011, MSSE 43:296; foot inclination at contact predicts braking impulse,
    /// Wille 2014, JOSPT 44:825), and about 3× the per-stride scatter of the measured angle (README accuracy table).</summary>
    public double StrikeUnitDeg { get; init; } = 5;

    /// <summary>Cadence below the runner's own expected cadence at this speed that scores one unit, fraction. Default
    /// 0.05: the +5 % step-rate condition that already lowers braking impulse and knee energy absorption
    /// (Heiderscheit 2011); each +5 strides/min moves the landing foot 5.9 % closer to the hip (Lieberman 2015).</summary>
    public double CadenceUnitFraction { get; init; } = 0.05;

    /// <summary>Braking share (contact before mid-stance ÷ contact time) above the expected share that scores one unit.
    /// Default 0.05 (55 % instead of 50 %): the present braking threshold of the per-stride cue (Lieberman 2015: braking
    /// grows with how far ahead of the hip the foot lands).</summary>
    public double BrakingUnit { get; init; } = 0.05;

    /// <summary>Contact time above the expected contact at this speed that scores one unit, fraction. Default 0.10:
    /// well above the 3 % stride-to-stride scatter; supporting evidence only (weight <see cref="ContactWeight"/>).</summary>
    public double ContactUnitFraction { get; init; } = 0.10;

    /// <summary>Weight of the contact-time cue in the index. Default 0.5: a longer contact goes with braking but also
    /// with fatigue and softer surfaces.</summary>
    public double ContactWeight { get; init; } = 0.5;

    /// <summary>Largest score of one cue. Default 2: no single cue can carry a stretch past the flag level alone by
    /// more than its own two units.</summary>
    public double MaxScore { get; init; } = 2;

    // ---- population references ----------------------------------------------------------------------------------

    /// <summary>Population cadence at 2.6 m/s, steps/min. Default 158: novice runners run 154–160 steps/min at
    /// 2.4–2.9 m/s (van Oeveren 2017, PLoS One 12:e0184273).</summary>
    public double PopulationCadenceAt2p6Spm { get; init; } = 158;

    /// <summary>Population slope of cadence with speed, steps/min per m/s. Default 10: novices +12 (van Oeveren 2017),
    /// experienced runners +8 (169 → 178 steps/min at 2.68 → 3.83 m/s, Leacox 2025). Also the slope used to carry the
    /// runner's own cadence from her nearest measured pace to a pace she has not run yet.</summary>
    public double PopulationCadenceSlopeSpmPerMps { get; init; } = 10;

    /// <summary>Cadence below the population cadence that scores one unit, fraction. Default 0.10: between-runner spread
    /// of cadence at one speed is about ±6 %, so 10 % below is a clear outlier, not a tall runner.</summary>
    public double PopulationCadenceUnitFraction { get; init; } = 0.10;

    /// <summary>Strike angle above which the population cue starts, degrees. Default 15°: typical rearfoot landings are
    /// 8–15° (Altman &amp; Davis 2012 class boundary 8°); a natural heel striker at 10–15° must score nothing.</summary>
    public double PopulationStrikeDeg { get; init; } = 15;

    /// <summary>Expected braking share with no personal baseline. Default 0.5: in steady running braking and propulsion
    /// balance and the body passes over the foot near mid-contact.</summary>
    public double PopulationBrakingShare { get; init; } = 0.5;

    // ---- personal baseline -----------------------------------------------------------------------------------------

    /// <summary>Width of the baseline's speed bins, m/s. Default 0.25 m/s (~5 % of a beginner's pace).</summary>
    public double BinWidthMps { get; init; } = 0.25;

    /// <summary>Strides a bin needs before it is her baseline at that pace. Default 16 (both feet, ~6 s of running).</summary>
    public int MinBinStrides { get; init; } = 16;

    /// <summary>A bin averages at most this many strides (older ones fade), so the baseline follows her over months.
    /// Default 200.</summary>
    public int MaxBinStrides { get; init; } = 200;

    /// <summary>Farthest her nearest measured pace may be from the stride's speed for a personal judgement, m/s.
    /// Default 1.0 m/s: beyond it the population slopes would carry her baseline too far.</summary>
    public double MaxExtrapolationMps { get; init; } = 1.0;

    /// <summary>A stride teaches the baseline only while steady: speed within this fraction of the median of the previous
    /// strides. Default 0.04 (stride-to-stride speed scatter is ~1–2 %).</summary>
    public double SteadyFraction { get; init; } = 0.04;

    /// <summary>...and only while its personal index is below this (so overstriding never teaches itself). Default 1.</summary>
    public double MaxBaselineIndex { get; init; } = 1.0;

    // ---- stretches --------------------------------------------------------------------------------------------------

    /// <summary>Running strides (both feet) averaged for the stretch decision. Default 8 (~3 s): no single-stride flags.</summary>
    public int WindowStrides { get; init; } = 8;

    /// <summary>Window mean index at which a stretch opens. Default 2: two cues at one unit each, or one at two units
    /// (e.g. landing 10° more heel-first, or cadence 10 % low — Heiderscheit 2011's −10 % condition).</summary>
    public double FlagIndex { get; init; } = 2.0;

    /// <summary>Window mean index below which an open stretch closes. Default 1.5 (hysteresis against flicker).</summary>
    public double ReleaseIndex { get; init; } = 1.5;

    /// <summary>Strides slower than the median of the previous <see cref="SpeedTrendStrides"/> by more than this fraction
    /// are a runner slowing down (decelerating strides brake longer by definition): not judged. Default 0.04.</summary>
    public double SlowingFraction { get; init; } = 0.04;

    /// <summary>Running strides whose median speed is the trend. Default 6.</summary>
    public int SpeedTrendStrides { get; init; } = 6;

    /// <summary>Slower strides are not judged, m/s. Default 1.8 m/s (the slowest running the pipeline calls running).</summary>
    public double MinSpeedMps { get; init; } = 1.8;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, double value, string range)
        {
            if (!ok) throw new ArgumentException($"{name} = {value} is out of range ({range})", name);
        }

        Check(StrikeUnitDeg > 0, nameof(StrikeUnitDeg), StrikeUnitDeg, "> 0");
        Check(CadenceUnitFraction is > 0 and < 1, nameof(CadenceUnitFraction), CadenceUnitFraction, "0..1");
        Check(BrakingUnit is > 0 and < 1, nameof(BrakingUnit), BrakingUnit, "0..1");
        Check(ContactUnitFraction is > 0 and < 1, nameof(ContactUnitFraction), ContactUnitFraction, "0..1");
        Check(ContactWeight is >= 0 and <= 1, nameof(ContactWeight), ContactWeight, "0..1");
        Check(MaxScore > 0, nameof(MaxScore), MaxScore, "> 0");
        Check(PopulationCadenceUnitFraction is > 0 and < 1, nameof(PopulationCadenceUnitFraction), PopulationCadenceUnitFraction, "0..1");
        Check(BinWidthMps is >= 0.05 and <= 1, nameof(BinWidthMps), BinWidthMps, "0.05..1 m/s");
        Check(MinBinStrides is >= 1 and <= 1000, nameof(MinBinStrides), MinBinStrides, "1..1000");
        Check(MaxBinStrides >= MinBinStrides, nameof(MaxBinStrides), MaxBinStrides, ">= MinBinStrides");
        Check(WindowStrides is >= 3 and <= 64, nameof(WindowStrides), WindowStrides, "3..64 (no single-stride flags)");
        Check(ReleaseIndex > 0 && ReleaseIndex <= FlagIndex, nameof(ReleaseIndex), ReleaseIndex, "0 < release <= FlagIndex");
        Check(SpeedTrendStrides is >= 2 and <= 64, nameof(SpeedTrendStrides), SpeedTrendStrides, "2..64");
    }
}
