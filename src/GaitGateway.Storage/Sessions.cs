using GaitGateway.Core.Samples;

namespace GaitGateway.Storage;

/// <summary>One shoe-clip sensor as it was during a session.</summary>
/// <param name="Index">Position in the session's sensor list (0, 1, …); stable for the session.</param>
/// <param name="Id">Stable identity of the device (e.g. its Bluetooth address or the simulator's name).</param>
/// <param name="Foot">The shoe it is clipped to.</param>
/// <param name="Kind">Source kind: "bluez", "simulated", "replay", "csv", …</param>
/// <param name="Firmware">Firmware version string; null when unknown.</param>
/// <param name="BatteryPct">Battery at session start, percent 0..100; NaN when unknown.</param>
/// <param name="SampleRateHz">IMU output data rate, Hz; NaN when unknown.</param>
public sealed record SensorInfo(
    int Index,
    string Id,
    Foot Foot,
    string Kind,
    string? Firmware = null,
    double BatteryPct = double.NaN,
    double SampleRateHz = double.NaN,
    string? Manufacturer = null,
    string? Model = null,
    double AccRangeG = double.NaN,
    double GyroRangeDps = double.NaN,
    int? AttMtu = null,
    int? SamplesPerPacket = null);

/// <summary>What is known about a session when it starts.</summary>
/// <param name="Runner">Runner name; a runners row is created on first use.</param>
/// <param name="Name">Free-form session name (e.g. "C25K W3D2").</param>
/// <param name="Source">Where the samples come from: "live", "replay", "simulate", "import".</param>
/// <param name="StartedUtc">Wall-clock time of session time 0 (t = 0 s on the strides' time base).</param>
/// <param name="RecordingPath">Raw recording written alongside, if any.</param>
/// <param name="Plan">Training plan / workout name, if any.</param>
/// <param name="Sensors">The sensors of the session; may be empty.</param>
/// <param name="InputId">Identity of the replayed input (a recording's content hash); at most one session per
/// identity (<see cref="Sqlite.SqliteStore.FindSessionByInput"/>). Null for live sessions.</param>
public sealed record SessionInfo(
    string Runner,
    string Name,
    string Source,
    DateTimeOffset StartedUtc,
    string? RecordingPath = null,
    string? Plan = null,
    IReadOnlyList<SensorInfo>? Sensors = null,
    string? InputId = null);

/// <summary>A session as stored, with totals computed from its strides.</summary>
/// <param name="EndedUtc">Null while the session is open (or was never ended: a crash).</param>
/// <param name="StrideCount">Stored strides, both feet.</param>
/// <param name="DistanceM">
/// Distance covered, m: the sum of stride lengths per foot, averaged over the feet that have strides (each foot's
/// strides cover the whole course once, so adding both feet would double it). NaN-length strides count as 0.
/// </param>
/// <param name="LastIcTimeS">Latest stride initial contact, s on the session time base; NaN without strides.</param>
public sealed record StoredSession(
    long Id,
    string Runner,
    string Name,
    string Source,
    DateTimeOffset StartedUtc,
    DateTimeOffset? EndedUtc,
    string? RecordingPath,
    string? Plan,
    IReadOnlyList<SensorInfo> Sensors,
    long StrideCount,
    double DistanceM,
    double LastIcTimeS)
{
    /// <summary>Central mode: the gateway that recorded it and its id there; null when read from the gateway's own store.</summary>
    public SessionOrigin? Origin { get; init; }

    /// <summary>
    /// Ended − started for an ended session; for an open or crashed one, the time up to its last stride's initial
    /// contact (what the data shows); zero without strides.
    /// </summary>
    public TimeSpan Duration =>
        EndedUtc is { } end ? end - StartedUtc
        : double.IsFinite(LastIcTimeS) ? TimeSpan.FromSeconds(LastIcTimeS)
        : TimeSpan.Zero;
}

/// <summary>A coaching or device alert raised during a session.</summary>
/// <param name="TimeS">Session time, s.</param>
/// <param name="Kind">Machine-readable kind ("overstride", "cadence_low", "battery_low", "link_lost", …).</param>
/// <param name="Message">Text shown to the runner.</param>
/// <param name="Measurement">The metric that triggered it (e.g. "cadence_spm"), if any.</param>
/// <param name="Value">The metric's value in the unit named by <paramref name="Measurement"/>; NaN when none.</param>
/// <param name="Detail">The judgement in a coach's words (e.g. the overstriding index, its parts and its reference); null when none.</param>
/// <param name="Baseline">The runner's usual value of <paramref name="Measurement"/> the cue was judged against; NaN when none.</param>
public sealed record AlertRecord(double TimeS, string Kind, string Message, string? Measurement = null, double Value = double.NaN, string? Detail = null, double Baseline = double.NaN);

/// <summary>Link and battery state of one sensor at one moment.</summary>
/// <param name="SensorId">The <see cref="SensorInfo.Id"/>.</param>
/// <param name="TimeS">Session time, s.</param>
/// <param name="BatteryPct">Percent 0..100; NaN when unknown.</param>
/// <param name="PacketsReceived">Packets received since the session started.</param>
/// <param name="PacketsLost">Packets lost (sequence gaps) since the session started.</param>
/// <param name="LinkState">"connected", "reconnecting", "lost", …</param>
/// <param name="ConnectAttempts">Attempts to find, connect and start the sensor since the session started; null when not tracked.</param>
/// <param name="ConnectFailures">Attempts of those that ended before the sensor streamed; null when not tracked.</param>
/// <param name="LastError">Why the last attempt or link ended, in words; null when none.</param>
public sealed record SensorStatusRecord(
    string SensorId,
    double TimeS,
    double BatteryPct,
    long PacketsReceived,
    long PacketsLost,
    string LinkState,
    long? ConnectAttempts = null,
    long? ConnectFailures = null,
    string? LastError = null);
