using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Links;

/// <summary>A consistent-enough copy of a link's counters (each field read atomically).</summary>
public readonly record struct SensorCountersSnapshot(
    long Packets, long SequenceGaps, long LostPackets, long OutOfOrder, long StreamRestarts, long Malformed,
    ImuPacketError LastMalformedError, long Connects, long Reconnects, long LinkLosses, long WatchdogTimeouts,
    long ChannelFullWaits, long ChannelFullDrops, long ConnectAttempts, long ConnectFailures);

/// <summary>Per-sensor diagnostics, updated lock-free from the notification path.</summary>
public sealed class SensorCounters
{
    internal long Packets;
    /// <summary>Times the sequence jumped forward.</summary>
    internal long SequenceGaps;
    /// <summary>Packets missing according to those jumps.</summary>
    internal long LostPackets;
    /// <summary>Packets whose sequence went backwards (duplicate or reordered).</summary>
    internal long OutOfOrder;
    /// <summary>StreamStart packets whose continuity with the previous stream could not be established (clip rebooted).</summary>
    internal long StreamRestarts;
    internal long Malformed;
    internal int LastMalformedError;
    internal long Connects;
    internal long Reconnects;
    internal long LinkLosses;
    internal long WatchdogTimeouts;
    internal long ChannelFullWaits;
    internal long ChannelFullDrops;
    /// <summary>Attempts to find, connect and start a sensor (each pass of the reconnect loop).</summary>
    internal long ConnectAttempts;
    /// <summary>Attempts that ended before the sensor streamed (not found, connect or GATT error, rejected setup).</summary>
    internal long ConnectFailures;

    public SensorCountersSnapshot Snapshot() => new(
        Interlocked.Read(ref Packets), Interlocked.Read(ref SequenceGaps), Interlocked.Read(ref LostPackets),
        Interlocked.Read(ref OutOfOrder), Interlocked.Read(ref StreamRestarts), Interlocked.Read(ref Malformed),
        (ImuPacketError)Volatile.Read(ref LastMalformedError), Interlocked.Read(ref Connects), Interlocked.Read(ref Reconnects),
        Interlocked.Read(ref LinkLosses), Interlocked.Read(ref WatchdogTimeouts), Interlocked.Read(ref ChannelFullWaits),
        Interlocked.Read(ref ChannelFullDrops), Interlocked.Read(ref ConnectAttempts), Interlocked.Read(ref ConnectFailures));
}

/// <summary>
/// Sequence continuity of one clip's IMU stream, including across reconnections. Pure: tested without a radio.
/// </summary>
public sealed class SequenceTracker
{
    private bool _have;
    private ushort _lastSequence;
    private uint _lastTimeUs;
    private int _lastSampleCount;

    public void Reset() => _have = false;

    /// <summary>
    /// Records a packet; returns how many packets are missing before it (0 when contiguous), or -1 when the
    /// sequence went backwards or continuity cannot be told (a StreamStart whose clock does not fit the jump).
    /// </summary>
    public int Observe(in ImuPacketHeader header)
    {
        var result = 0;
        if (_have)
        {
            // uint16 wrap-aware: the difference is taken modulo 65536; half the range and more means "behind".
            var jump = (ushort)(header.Sequence - (ushort)(_lastSequence + 1));
            if (jump >= 0x8000) result = -1;
            else if (jump > 0 && (header.Flags & ImuPacketFlags.StreamStart) != 0)
            {
                // A restarted stream only promises nothing; believe the jump when the sensor clock agrees with it
                // (same rate, elapsed µs ≈ jump × packet duration), otherwise the clip rebooted and we cannot count.
                var elapsedUs = (double)unchecked(header.SensorTimeUs - _lastTimeUs);
                var packetUs = _lastSampleCount * 1e6 / header.SampleRateHz;
                var impliedMissing = (elapsedUs / packetUs) - 1;
                result = Math.Abs(impliedMissing - jump) <= 1.0 ? jump : -1;
            }
            else
            {
                result = jump;
            }
        }

        _have = true;
        _lastSequence = header.Sequence;
        _lastTimeUs = header.SensorTimeUs;
        _lastSampleCount = header.SampleCount;
        return result;
    }
}
