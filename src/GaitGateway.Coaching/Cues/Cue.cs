namespace GaitGateway.Coaching.Cues;

/// <summary>What a cue is about. Each kind is debounced separately.</summary>
public enum CueKind : byte
{
    /// <summary>The foot lands far ahead of the body: a flagged overstriding stretch (Dsp OverstrideAssessor).</summary>
    Overstride = 1,
    /// <summary>Calf (plantarflexor/Achilles) load per minute well above the runner's usual.</summary>
    CalfLoad = 2,
    /// <summary>Left and right differ more than they did at the start (contact time or step length).</summary>
    Asymmetry = 3,
}

public static class CueKinds
{
    /// <summary>The machine-readable word used in the API, alerts and the store ("overstride", "calf_load", "asymmetry").</summary>
    public static string ToWord(this CueKind kind) => kind switch
    {
        CueKind.Overstride => "overstride",
        CueKind.CalfLoad => "calf_load",
        CueKind.Asymmetry => "asymmetry",
        _ => "unknown",
    };
}

/// <summary>One cue for the runner, raised by <see cref="CueEngine"/>.</summary>
/// <param name="TimeS">Session time the cue was raised (end of the stride that triggered it), s.</param>
/// <param name="Kind">What it is about.</param>
/// <param name="Message">Plain words for the runner (spoken or shown).</param>
/// <param name="Measurement">Name of the measurement that triggered it, with its unit in the name where it has one:
/// "overstride_index", "calf_load_per_min", "contact_time_asymmetry_pct", "step_length_asymmetry_pct".</param>
/// <param name="Value">The measurement's value over the engine's recent window.</param>
/// <param name="Baseline">The runner's usual value it was compared with; NaN when the cue uses a fixed threshold only.</param>
/// <param name="Detail">The same judgement in a coach's words (the index and its parts, what it was compared with);
/// null when the message says it all.</param>
public readonly record struct Cue(double TimeS, CueKind Kind, string Message, string Measurement, double Value, double Baseline, string? Detail = null);
