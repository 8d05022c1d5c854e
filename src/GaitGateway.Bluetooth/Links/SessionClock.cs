namespace GaitGateway.Bluetooth.Links;

/// <summary>Host time in µs since the session start: the clock of <see cref="GaitGateway.Core.Protocol.Notification.HostTimeUs"/>.</summary>
public sealed class SessionClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public SessionClock(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
    }

    public long NowUs => (long)_time.GetElapsedTime(_start).TotalMicroseconds;
}
