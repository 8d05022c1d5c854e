namespace GaitGateway.Coaching.Cues;

/// <summary>
/// Settings of <see cref="CueEngine"/>. Every number names its unit; defaults are documented with their source or,
/// where no source gives a number, the reason for the choice.
/// </summary>
public sealed record CueSettings
{
    /// <summary>Shortest time between two cues of the same kind, s. Default 60 s: a runner cannot act on the same cue
    /// twice a minute, and a repeated voice prompt is the quickest way to get cues switched off.</summary>
    public double MinIntervalS { get; init; } = 60;

    /// <summary>Running time ignored before the baseline is taken, s. Default 10 s: the speed ramp from walk to run
    /// (the simulator uses 4 s; people take a few strides more) would otherwise bias the baseline.</summary>
    public double BaselineSkipS { get; init; } = 10;

    /// <summary>Running time over which the session baseline is measured, s. Default 30 s: long enough to average
    /// ~50 strides of each foot, short enough to be ready early in a Couch-to-5K run.</summary>
    public double BaselineRunningS { get; init; } = 30;

    // ---- overstriding -----------------------------------------------------------------------------------------

    /// <summary>Running strides (both feet pooled) whose overstriding cues are averaged for the cue's explanation.
    /// Default 12 (~4–5 s). The decision itself is the Dsp's (OverstrideAssessor: a flagged stretch of several strides);
    /// the engine speaks when the latest running stride lies inside one.</summary>
    public int OverstrideWindowStrides { get; init; } = 12;

    /// <summary>Cadence increase the cue asks for, %. Default 5 %: +5–10 % step rate lowers braking impulse and joint
    /// energy absorption (Heiderscheit 2011, MSSE 43:296) and +5 % cadence lowers peak Achilles stress (Lyght 2016).</summary>
    public double CadenceIncreasePct { get; init; } = 5;

    /// <summary>Largest cadence increase the cue asks for, %, when her own speed–cadence baseline says her usual cadence at
    /// this speed is further up. Default 10 %: the largest step-rate change Heiderscheit 2011 tested (+10 %), which
    /// reduced hip as well as knee loading.</summary>
    public double MaxCadenceIncreasePct { get; init; } = 10;

    // ---- calf load ----------------------------------------------------------------------------------------------

    /// <summary>Window over which calf load per minute is measured, s. Default 30 s.</summary>
    public double CalfWindowS { get; init; } = 30;

    /// <summary>Cue when calf load per minute exceeds the baseline by more than this, %. Default 30 %: the lower edge
    /// of Frandsen 2025's (BJSM 59:1203) middle spike band, applied to the rate; steady running varies by a few % from
    /// one 30-s window to the next.</summary>
    public double CalfExcessPct { get; init; } = 30;

    // ---- asymmetry ----------------------------------------------------------------------------------------------

    /// <summary>Running strides per foot averaged for the asymmetry measures. Default 16.</summary>
    public int AsymmetryWindowStrides { get; init; } = 16;

    /// <summary>Left/right difference (|L − R| / mean) at or above which a cue may fire, %. Default 8 %. No source in
    /// REFERENCES.md gives a threshold; 8 % is far above the noise of a 16-stride mean (3 % per-stride contact-time
    /// variability → under 1 %) and well above what symmetric runners show (about 1–2 %).</summary>
    public double AsymmetryMinPct { get; init; } = 8;

    /// <summary>...and must have grown by at least this many percentage points over the baseline. Default 4: a
    /// runner's habitual asymmetry is shown on the dashboard, not cued again and again.</summary>
    public double AsymmetryRisePct { get; init; } = 4;

    /// <summary>Asymmetry is judged on steady running only: 2 × <see cref="AsymmetryWindowStrides"/> running strides
    /// (both feet) since the last walk, and the speed of the newest 4 strides within this share of the window's mean
    /// speed, %. Default 5 % (a 4-stride mean of strides with ~3 % speed noise varies by ~1.5 %, so steady running
    /// passes; a slow-down does not). While a runner slows into a walk the braking foot has the long contacts (seen:
    /// 294 vs 469 ms at a run→walk change), which is no asymmetry of their running.</summary>
    public double AsymmetrySteadySpeedPct { get; init; } = 5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, double value, string range)
        {
            if (!ok) throw new ArgumentException($"{name} = {value} is out of range ({range})", name);
        }

        Check(MinIntervalS is >= 0 and <= 3600, nameof(MinIntervalS), MinIntervalS, "0..3600 s");
        Check(BaselineSkipS is >= 0 and <= 600, nameof(BaselineSkipS), BaselineSkipS, "0..600 s");
        Check(BaselineRunningS is >= 5 and <= 1800, nameof(BaselineRunningS), BaselineRunningS, "5..1800 s");
        Check(OverstrideWindowStrides is >= 2 and <= 256, nameof(OverstrideWindowStrides), OverstrideWindowStrides, "2..256");
        Check(CadenceIncreasePct is > 0 and <= 20, nameof(CadenceIncreasePct), CadenceIncreasePct, "0..20 %");
        Check(MaxCadenceIncreasePct >= CadenceIncreasePct && MaxCadenceIncreasePct <= 20, nameof(MaxCadenceIncreasePct), MaxCadenceIncreasePct, "CadenceIncreasePct..20 %");
        Check(CalfWindowS is >= 5 and <= 300, nameof(CalfWindowS), CalfWindowS, "5..300 s");
        Check(CalfExcessPct > 0, nameof(CalfExcessPct), CalfExcessPct, "> 0 %");
        Check(AsymmetryWindowStrides is >= 2 and <= 256, nameof(AsymmetryWindowStrides), AsymmetryWindowStrides, "2..256");
        Check(AsymmetryMinPct > 0, nameof(AsymmetryMinPct), AsymmetryMinPct, "> 0 %");
        Check(AsymmetryRisePct >= 0, nameof(AsymmetryRisePct), AsymmetryRisePct, ">= 0");
        Check(AsymmetrySteadySpeedPct > 0, nameof(AsymmetrySteadySpeedPct), AsymmetrySteadySpeedPct, "> 0 %");
    }
}

/// <summary>
/// The runner's usual values from earlier sessions. Any value given replaces the one the engine would measure in the
/// session's first running minute; null = measure it.
/// </summary>
/// <param name="CalfLoadPerMin">Calf load per minute of running (both feet), Dsp calf-load units per minute.</param>
/// <param name="OverstrideIndex">Mean overstride index while running.</param>
/// <param name="ContactAsymmetryPct">Left/right contact-time difference, %.</param>
/// <param name="StepAsymmetryPct">Left/right step-length difference, %.</param>
public sealed record CueBaseline(
    double? CalfLoadPerMin = null,
    double? OverstrideIndex = null,
    double? ContactAsymmetryPct = null,
    double? StepAsymmetryPct = null);
