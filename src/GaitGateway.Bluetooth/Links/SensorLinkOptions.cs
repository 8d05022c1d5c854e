using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Links;

/// <summary>What is at the other end of a link.</summary>
public enum SensorKind
{
    /// <summary>GaitGateway shoe clip: IMU data (GattUuids.ImuData), configuration, control.</summary>
    ShoeClip,
    /// <summary>Bluetooth SIG Running Speed and Cadence footpod (0x1814 / 0x2A53).</summary>
    RscFootpod,
}

/// <summary>One allow-listed sensor and how to keep its link up.</summary>
/// <param name="Address">Bluetooth address, AA:BB:CC:DD:EE:FF. Only this device is ever connected.</param>
/// <param name="SensorIndex">Index written into every <see cref="Notification"/> of this sensor.</param>
/// <param name="Kind">Shoe clip or footpod.</param>
public sealed record SensorLinkOptions(string Address, int SensorIndex, SensorKind Kind = SensorKind.ShoeClip)
{
    /// <summary>Socket (AcquireNotify) where available, or force the PropertiesChanged path. Default socket.</summary>
    public GattNotifyMode NotifyMode { get; init; } = GattNotifyMode.PreferSocket;
    /// <summary>
    /// What this runner asks of the clip (rate, ranges, foot); only what differs from the clip's own configuration
    /// is written, and a rejected write falls back (<see cref="ShoeClipNegotiation.Candidates"/>). Null keeps the
    /// clip's rate and ranges; the samples per packet always follow the ATT MTU. Default null.
    /// </summary>
    public ShoeClipRequest? Request { get; init; }
    /// <summary>How long one discovery for the address runs before the attempt counts as failed. Default 10 s.</summary>
    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Connect plus service resolution. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// No notification for this long while streaming ends the link and reconnects. Default 3 s: a clip at 100 Hz
    /// with 19 samples per packet sends every 0.19 s and a footpod every 0.5–1 s, so 3 s is a dead link, not jitter.
    /// </summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>First reconnect delay; doubles per failed attempt. Default 250 ms.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Ceiling of the reconnect delay. Default 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Relative random spread of each delay (0.2 = ±20 %), so that two clips lost together do not retry in lockstep.</summary>
    public double ReconnectJitter { get; init; } = 0.2;
    /// <summary>
    /// How long a notification may wait for room in a full output channel before it is dropped and counted.
    /// Default 200 ms: about ten packets' time at 400 Hz, long enough to ride out a consumer hiccup.
    /// </summary>
    public TimeSpan ChannelFullTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    internal string ServiceUuid => Kind == SensorKind.ShoeClip ? GattUuids.ShoeClipService : GattUuids.RunningSpeedCadenceService;
    internal string DataUuid => Kind == SensorKind.ShoeClip ? GattUuids.ImuData : GattUuids.RscMeasurement;
}
