namespace GaitGateway.Core.Strides;

/// <summary>What the overstriding index of a stride was judged against.</summary>
public enum OverstrideReference : byte
{
    /// <summary>Not judged (walking, too slow, slowing down, no strike angle).</summary>
    None = 0,
    /// <summary>Population references only (no speed-matched baseline of this runner yet, or the population cues scored higher).</summary>
    Population = 1,
    /// <summary>The runner's own speed-matched baseline (this session's steady running and her stored history).</summary>
    Personal = 2,
}

/// <summary>
/// The cues behind a stride's overstriding judgement (Dsp <c>OverstrideAssessor</c>; the construct is in the README,
/// "Overstriding: what the flag means"). Scores are the excess over the expected value in the cue's unit, clipped to
/// 0…2; <see cref="Index"/> = strike + cadence + braking + ½·contact. Carried with the stride through the live path
/// (cues and their explanations are built from it); not stored per stride — the stored stride keeps the flag and the
/// braking cue, and stored sessions are re-assessed from those columns.
/// </summary>
public readonly record struct OverstrideCues
{
    public OverstrideReference Reference { get; init; }
    /// <summary>Combined index of the reference that scored higher; NaN when not judged.</summary>
    public double Index { get; init; }
    public double StrikeScore { get; init; }
    public double CadenceScore { get; init; }
    public double BrakingScore { get; init; }
    public double ContactScore { get; init; }
    /// <summary>Mean index of the last strides (the stretch decision's input); NaN until the window is full.</summary>
    public double WindowIndex { get; init; }
    /// <summary>Strike angle minus the expected angle at this pace, degrees (+ = more heel-first).</summary>
    public double StrikeChangeDeg { get; init; }
    /// <summary>Cadence against her usual running (personal) or the population cadence at this speed, %.</summary>
    public double CadenceChangePct { get; init; }
    /// <summary>Stride length against her usual running (personal) or the population stride at this speed, %.</summary>
    public double StrideChangePct { get; init; }
    /// <summary>Braking share minus the expected share (dimensionless, 0.05 = 5 % of the contact).</summary>
    public double BrakingShareChange { get; init; }
    /// <summary>Speed of the running compared with (her usual pace, or this stride's speed for the population), m/s.</summary>
    public double ReferenceSpeedMps { get; init; }
    /// <summary>Her usual cadence at this stride's speed from her speed–cadence baseline (population when she has none), steps/min.</summary>
    public double ExpectedCadenceSpm { get; init; }
    /// <summary>Session time the flagged stretch this stride belongs to began (the first of the strides that opened it), s; NaN outside a stretch.</summary>
    public double StretchStartS { get; init; }
}
