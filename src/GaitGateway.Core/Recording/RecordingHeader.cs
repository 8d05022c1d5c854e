using System.Text.Json;
using System.Text.Json.Serialization;

namespace GaitGateway.Core.Recording;

/// <summary>Metadata of one sensor in a recording. <see cref="Index"/> is the sensor byte of every frame.</summary>
public sealed record RecordingSensor
{
    public required int Index { get; init; }
    /// <summary>Stable id: the Bluetooth address for real clips, e.g. "sim-left" for simulated ones.</summary>
    public required string Id { get; init; }
    /// <summary>"left" or "right"; null for a footpod not bound to a foot.</summary>
    public string? Foot { get; init; }
    /// <summary>"imu" (shoe clip, IMU data packets) or "rsc" (Running Speed and Cadence footpod).</summary>
    public string Kind { get; init; } = "imu";
    public string? Name { get; init; }
    public string? Firmware { get; init; }
    public string? Model { get; init; }
    public int SampleRateHz { get; init; }
    public int AccRangeG { get; init; }
    public int GyroRangeDps { get; init; }
    /// <summary>Device Information manufacturer name, when read.</summary>
    public string? Manufacturer { get; init; }
    /// <summary>Battery level when the header was written, %, when known.</summary>
    public int? BatteryPct { get; init; }
    /// <summary>Negotiated ATT MTU of the link, when known.</summary>
    public int? AttMtu { get; init; }
    /// <summary>Samples per IMU notification as configured, when known.</summary>
    public int? SamplesPerPacket { get; init; }
}

/// <summary>The JSON header that opens every recording (recording-format.md).</summary>
public sealed record RecordingHeader
{
    public const string FormatName = "gaitgw-recording";
    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;
    /// <summary>UTC start of the recording; frame times are µs since this instant.</summary>
    public required DateTimeOffset StartUtc { get; init; }
    public string? Runner { get; init; }
    public string? SessionName { get; init; }
    /// <summary>Where the packets came from: "bluez", "simulate", ...</summary>
    public string? Source { get; init; }
    /// <summary>The training plan the session followed (a simulator plan name such as "c25k-w6r2"), if known; replay
    /// stores it as the session's plan so History's Plan column and the C25K check work for replayed sessions.</summary>
    public string? Plan { get; init; }
    public required IReadOnlyList<RecordingSensor> Sensors { get; init; }

    /// <summary>
    /// The smallest delay between a sample being taken and the host time stamp of its notification, ms, when the
    /// source knows it (the simulator does; a real radio does not). Mapping a sensor clock to host time cannot observe
    /// this constant: it is indistinguishable from a clock offset, so every mapped time is late by it. Evaluation
    /// against a truth in true time subtracts it from event times; the pipeline never uses it.
    /// </summary>
    public double? TransportDelayFloorMs { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}

/// <summary>What a frame carries.</summary>
public enum FrameKind : byte
{
    /// <summary>One IMU data notification, bytes exactly as received.</summary>
    ImuData = 1,
    /// <summary>One RSC measurement notification, bytes as received.</summary>
    RscMeasurement = 2,
    /// <summary>A link event noted by the gateway: payload is one <see cref="LinkEvent"/> byte.</summary>
    Link = 3,
}

public enum LinkEvent : byte
{
    Connected = 1,
    Disconnected = 2,
    WatchdogTimeout = 3,
}
