using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Live;

/// <summary>
/// Hands a live session's strides and bouts to the store's bounded writer. The sink is called on the pipeline's
/// thread; when the writer's channel is full it waits there, which is the backpressure we want (the notification
/// channel upstream then fills and the links count what they cannot queue) rather than dropping strides.
/// </summary>
/// <param name="closedAtS">When given, the session time at which the stride being handed over closed
/// (<see cref="GaitSession.LastStrideClosedAtS"/>), for <paramref name="latency"/>.</param>
public sealed class StoreWriterSink(StoreWriter writer, long sessionId, StrideLatencyProbe? latency = null, Func<double>? closedAtS = null) : IGaitSink
{
    public void OnStride(in StrideMetrics stride)
    {
        // Before the write: the commit may follow at once on the writer's thread.
        if (latency is not null && closedAtS is not null) latency.HandedOver(closedAtS());
        Wait(writer.AppendStrideAsync(sessionId, stride));
    }

    public void OnBout(in BoutSummary bout) => Wait(writer.AppendBoutAsync(sessionId, bout));

    private static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully) task.AsTask().GetAwaiter().GetResult();
    }
}
