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

    /// <summary>Notifications a file source puts in the channel before the session drains them (<see cref="Run"/>):
    /// the channel's queue stays at 32 × 264 B instead of growing to all 1024 slots (270 kB); CPU time measured the same.</summary>
    public const int FileBatch = 32;

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
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false)) Drain(reader, session);
        session.Complete();
    }

    /// <summary>
    /// Runs a source read on demand — a recording file — through the same channel and session on the calling thread:
    /// put a batch in the channel, drain it into the session, repeat. A file never makes its reader wait the way a
    /// radio does, so a producer thread buys nothing; with one, the session (the slower side) kept the channel full and
    /// every packet it took woke the waiting producer — a thread hand-off per packet, 100–390 k involuntary context
    /// switches per half hour of two clips at 1 kHz on a busy machine. The notifications, the channel and the drain
    /// loop are the live ones; only who fills the channel differs. The channel costs a file replay 1–4 ns a sample
    /// (README, speed): kept, so that replay stays the live path.
    /// </summary>
    public static void Run(IEnumerable<Notification> source, GaitSession session, CancellationToken ct)
    {
        var channel = CreateChannel();
        using var e = source.GetEnumerator();
        var done = false;
        while (!done)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < FileBatch; i++)
            {
                if (!e.MoveNext()) { done = true; break; }
                channel.Writer.TryWrite(e.Current); // never full: each batch is drained before the next
            }

            Drain(channel.Reader, session);
        }

        channel.Writer.TryComplete();
        session.Complete();
    }

    private static void Drain(ChannelReader<Notification> reader, GaitSession session)
    {
        while (reader.TryRead(out var n)) session.OnNotification(n);
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
