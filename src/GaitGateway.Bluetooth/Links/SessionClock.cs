namespace GaitGateway.Bluetooth.Links;

/// <summary>
/// Host time in µs since the session start: the clock of <see cref="GaitGateway.Core.Protocol.Notification.HostTimeUs"/>,
/// and of recording frames, whose header's startUtc must be <see cref="StartUtc"/> of the same clock.
/// </summary>
/// <remarks>
/// The wall clock and the monotonic clock are read together once, here: a recording whose startUtc was taken from
/// another clock, started earlier, put every absolute time early by the gap (0.24–0.45 s at start-up, issue 13).
/// </remarks>
public sealed class SessionClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public SessionClock(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        StartUtc = _time.GetUtcNow();
    }

    /// <summary>Wall-clock time of host time 0.</summary>
    public DateTimeOffset StartUtc { get; }

    public long NowUs => (long)_time.GetElapsedTime(_start).TotalMicroseconds;
}
