using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;

namespace GaitGateway.Pipeline;

/// <summary>Reads a recording as the stream of notifications it captured.</summary>
public static class RecordingSource
{
    public static IEnumerable<Notification> Notifications(RecordingReader reader, Action<long>? progressBytes = null)
    {
        var frames = 0L;
        while (reader.TryReadNext(out var f))
        {
            if (f.Payload.Length > Notification.MaxBytes)
                throw new RecordingFormatException(reader.Path, f.ByteOffset, $"frame payload of {f.Payload.Length} bytes exceeds a notification");
            yield return Notification.Create(f.SensorIndex, f.Kind, f.HostTimeUs, f.Payload.Span);
            if ((++frames & 1023) == 0) progressBytes?.Invoke(reader.Position);
        }

        progressBytes?.Invoke(reader.Position);
    }
}
