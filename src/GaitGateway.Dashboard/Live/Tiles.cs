namespace GaitGateway.Dashboard.Live;

/// <summary>One sensor on a runner tile. NaN-free: null where unknown (JSON has no NaN).</summary>
/// <param name="Foot">"left" / "right".</param>
/// <param name="Id">Device id, if known.</param>
/// <param name="BatteryPct">0..100.</param>
/// <param name="LinkState">"connected", "reconnecting", "lost", "unknown", …</param>
/// <param name="PacketLossPct">Packets lost / expected since the session started, %.</param>
/// <param name="Detail">Why it is not streaming, or what was negotiated ("rejected 400 Hz, now 416 Hz"); null when nothing to say.</param>
/// <param name="BatteryAgeS">How old the battery level is, s; null when unknown.</param>
public sealed record SensorTile(string Foot, string? Id, double? BatteryPct, string LinkState, double? PacketLossPct, string? Detail = null, double? BatteryAgeS = null);

/// <summary>A cue as the dashboard shows and streams it.</summary>
/// <param name="Runner">Runner id.</param>
/// <param name="SessionId">Live session id, if known.</param>
/// <param name="TimeS">Session time, s.</param>
/// <param name="Kind">"overstride", "calf_load", "asymmetry".</param>
/// <param name="Message">Plain words.</param>
/// <param name="Measurement">What triggered it (unit in the name).</param>
/// <param name="Value">Its value.</param>
/// <param name="Baseline">The runner's usual value; null when none.</param>
/// <param name="RaisedUtc">Wall-clock time the board received it.</param>
/// <param name="Detail">The judgement in a coach's words (overstriding: the index, its parts, the reference); null when none.</param>
public sealed record CueView(string Runner, long? SessionId, double TimeS, string Kind, string Message, string Measurement,
    double? Value, double? Baseline, DateTimeOffset RaisedUtc, string? Detail = null);

/// <summary>One runner's live tile: averages of the last <see cref="LiveBoardSettings.TileWindowS"/> of strides.
/// Units are in the names; null where not available.</summary>
public sealed record RunnerTile(
    string Runner,
    long? SessionId,
    string? Plan,
    long Version,
    double? SessionTimeS,
    string Gait,
    long Strides,
    double? DistanceM,
    double? CadenceSpm,
    double? SpeedMps,
    double? PaceSPerKm,
    double? StrideLengthM,
    double? ContactTimeS,
    double? FlightTimeS,
    string StrikePattern,
    double? StrikeAngleDeg,
    double? OverstrideIndex,
    double? OverstrideBaselineIndex,
    double? OverstrideFraction,
    double? CalfLoadPerMin,
    double? CalfLoadBaselinePerMin,
    double? CalfLoadPctOfUsual,
    double? LeftContactSharePct,
    double? ContactAsymmetryPct,
    double? StepAsymmetryPct,
    bool BaselineReady,
    IReadOnlyList<double?> RecentCadenceSpm,
    IReadOnlyList<SensorTile> Sensors,
    IReadOnlyList<CueView> Cues)
{
    /// <summary>Central mode: the gateway that published the tile; left out on a gateway's own board.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Gateway { get; init; }
}
