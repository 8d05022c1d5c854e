using System.Threading.Channels;
using GaitGateway.Core.Protocol;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>
/// Drives a <see cref="GaitSession"/> from a channel of notifications. Live sources (BlueZ, the simulator) and replay
/// (a recording read into the same channel) meet here, so replay is the live path fed from a file.
/// </summary>
public static class SessionRunner
{
    /// <summary>Capacity of the notification channel. 1024 notifications ≈ 25 s of two clips at 400 Hz: rides out a
    /// slow disk or a GC pause; beyond that the producer waits (replay) — live sources count what they cannot queue.</summary>
    public const int ChannelCapacity = 1024;

    public static Channel<Notification> CreateChannel() =>
        Channel.CreateBounded<Notification>(new BoundedChannelOptions(ChannelCapacity)
        {
            // Wait, not drop: every packet matters to the stride it belongs to; the producer slows instead.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

    /// <summary>Consumes until the channel completes; then completes the session.</summary>
    public static async Task RunAsync(ChannelReader<Notification> reader, GaitSession session, CancellationToken ct)
    {
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out var n)) session.OnNotification(n);
        }

        session.Complete();
    }

    /// <summary>Runs a finite notification sequence through the channel and the session (simulated live runs, tests).</summary>
    public static async Task RunAsync(IEnumerable<Notification> source, GaitSession session, CancellationToken ct)
    {
        var channel = CreateChannel();
        var consumer = RunAsync(channel.Reader, session, ct);
        // A consumer that fails (the session or a sink threw) closes the channel, or the producer would wait on a full
        // channel forever (issue 16: a store error hung replay at 0 % CPU); its exception is rethrown below.
        _ = consumer.ContinueWith(t => channel.Writer.TryComplete(t.Exception), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            foreach (var n in source) await channel.Writer.WriteAsync(n, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException) when (consumer.IsFaulted)
        {
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        await consumer.ConfigureAwait(false);
    }
}
