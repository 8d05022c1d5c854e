using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using GaitGateway.Core.Recording;

namespace GaitGateway.Core.Protocol;

/// <summary>Inline storage for one notification's bytes, so notifications travel through channels without allocation.</summary>
[InlineArray(Notification.MaxBytes)]
public struct NotificationBytes
{
    private byte _element0;
}

/// <summary>
/// One GATT notification as the gateway received it: which sensor, what kind, when (host clock, µs since the
/// session start) and the bytes. This is the unit that enters the pipeline, both live (BlueZ, simulator) and in
/// replay (every recording frame is one of these), so replay is the live path fed from a file.
/// A value type with inline bytes: a bounded Channel&lt;Notification&gt; moves packets with no per-packet allocation.
/// </summary>
public struct Notification
{
    /// <summary>Largest payload carried: one ATT notification at MTU 247 (244 bytes).</summary>
    public const int MaxBytes = 244;

    private NotificationBytes _bytes;

    public int SensorIndex { get; private set; }
    public FrameKind Kind { get; private set; }
    /// <summary>Host receive time, µs since the session (recording) start.</summary>
    public long HostTimeUs { get; private set; }
    public int Length { get; private set; }

    public static Notification Create(int sensorIndex, FrameKind kind, long hostTimeUs, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxBytes)
            throw new ArgumentException($"notification of {payload.Length} bytes exceeds {MaxBytes}", nameof(payload));
        var n = new Notification { SensorIndex = sensorIndex, Kind = kind, HostTimeUs = hostTimeUs, Length = payload.Length };
        payload.CopyTo(n._bytes);
        return n;
    }

    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Payload => ((ReadOnlySpan<byte>)_bytes)[..Length];
}
