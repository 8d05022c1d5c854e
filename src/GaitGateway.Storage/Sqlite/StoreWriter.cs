using System.Diagnostics;
using System.Threading.Channels;
using GaitGateway.Core.Strides;

namespace GaitGateway.Storage.Sqlite;

/// <summary>Settings of <see cref="StoreWriter"/>.</summary>
public sealed record StoreWriterSettings
{
    /// <summary>
    /// Messages the channel holds before producers wait. Default 1024: ~10 min of strides of two feet, far more than
    /// one slow commit needs, yet small enough that what is queued (and lost on SIGKILL) stays bounded.
    /// </summary>
    public int ChannelCapacity { get; init; } = 1024;

    /// <summary>A batch is committed at the latest this long after its first message. Default 250 ms.</summary>
    public TimeSpan MaxCommitDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A batch is committed as soon as it holds this many messages. Default 256.</summary>
    public int MaxBatchItems { get; init; } = 256;
}

/// <summary>What <see cref="StoreWriter"/> has done so far; read at any time from any thread.</summary>
public readonly record struct StoreWriterDiagnostics(
    long ItemsCommitted,
    long BatchesCommitted,
    long ItemsFailed,
    string? LastError);

/// <summary>One commit of <see cref="StoreWriter"/>: how many strides it made durable and how many failed, in queue order.</summary>
public readonly record struct StoreCommit(int Strides, int FailedStrides);

internal enum StoreMessageKind : byte { Stride, Bout, Alert, SensorStatus, Flush }

/// <summary>
/// One queued item. A struct with a slot per kind rather than a class hierarchy: a stride (the common case) is
/// queued without allocating.
/// </summary>
internal readonly record struct StoreMessage(
    StoreMessageKind Kind,
    long SessionId,
    StrideMetrics Stride = default,
    BoutSummary Bout = default,
    AlertRecord? Alert = null,
    SensorStatusRecord? Status = null,
    TaskCompletionSource? Flushed = null);

/// <summary>
/// Queues strides, bouts, alerts and sensor status for <see cref="SqliteStore"/> and commits them in batches of at
/// most <see cref="StoreWriterSettings.MaxBatchItems"/> items or <see cref="StoreWriterSettings.MaxCommitDelay"/>,
/// whichever comes first, so a SIGKILL loses at most about the last quarter second (plus what is queued behind a
/// commit in progress), while the pipeline never waits on disk for each stride.
/// </summary>
/// <remarks>
/// A failed batch is retried item by item, so one bad item (say, an unknown session id) costs only itself; failures
/// are counted in <see cref="Diagnostics"/>. Dispose completes the channel, commits everything queued and returns.
/// </remarks>
public sealed class StoreWriter : IAsyncDisposable
{
    private readonly SqliteStore _store;
    private readonly StoreWriterSettings _settings;
    private readonly Channel<StoreMessage> _channel;
    private readonly Task _loop;
    private long _itemsCommitted, _batchesCommitted, _itemsFailed;
    private volatile string? _lastError;

    public StoreWriter(SqliteStore store, StoreWriterSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _settings = settings ?? new StoreWriterSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.ChannelCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.MaxBatchItems, 1);
        _channel = Channel.CreateBounded<StoreMessage>(new BoundedChannelOptions(_settings.ChannelCapacity)
        {
            // Wait, not DropOldest/DropNewest: strides are the product, and a stride dropped here is gone for good,
            // whereas a pipeline that waits only falls behind on samples the sensor source already buffers (and
            // reports as lost if it must). A full channel means the disk is stalled, which the
            // producer should feel rather than have hidden.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Raised on the writer's thread after every commit (strides are committed in the order they were queued), so a
    /// caller can tell when a stride it handed over is stored. Handlers must be quick and must not throw.
    /// </summary>
    public event Action<StoreCommit>? Committed;

    public StoreWriterDiagnostics Diagnostics => new(
        Interlocked.Read(ref _itemsCommitted), Interlocked.Read(ref _batchesCommitted), Interlocked.Read(ref _itemsFailed), _lastError);

    public ValueTask AppendStrideAsync(long sessionId, StrideMetrics stride, CancellationToken cancellationToken = default) =>
        _channel.Writer.WriteAsync(new StoreMessage(StoreMessageKind.Stride, sessionId, Stride: stride), cancellationToken);

    public ValueTask AppendBoutAsync(long sessionId, BoutSummary bout, CancellationToken cancellationToken = default) =>
        _channel.Writer.WriteAsync(new StoreMessage(StoreMessageKind.Bout, sessionId, Bout: bout), cancellationToken);

    public ValueTask AppendAlertAsync(long sessionId, AlertRecord alert, CancellationToken cancellationToken = default) =>
        _channel.Writer.WriteAsync(new StoreMessage(StoreMessageKind.Alert, sessionId, Alert: alert ?? throw new ArgumentNullException(nameof(alert))), cancellationToken);

    public ValueTask AppendSensorStatusAsync(long sessionId, SensorStatusRecord status, CancellationToken cancellationToken = default) =>
        _channel.Writer.WriteAsync(new StoreMessage(StoreMessageKind.SensorStatus, sessionId, Status: status ?? throw new ArgumentNullException(nameof(status))), cancellationToken);

    /// <summary>Completes when everything queued before the call is committed (or has failed and been counted).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new StoreMessage(StoreMessageKind.Flush, 0, Flushed: done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<StoreMessage>(_settings.MaxBatchItems);
        var flushes = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync())
        {
            // The batch's clock starts at its first message, so no message waits longer than MaxCommitDelay.
            var started = Stopwatch.GetTimestamp();
            while (batch.Count < _settings.MaxBatchItems && flushes.Count == 0)
            {
                if (reader.TryRead(out var m))
                {
                    if (m.Kind == StoreMessageKind.Flush) flushes.Add(m.Flushed!);
                    else batch.Add(m);
                    continue;
                }
                var left = _settings.MaxCommitDelay - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) break;
                // One timer per partial batch (at most 4 per second), not per message.
                using var timeout = new CancellationTokenSource(left);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token)) break; // completed: commit what we have
                }
                catch (OperationCanceledException) { break; }
            }
            Commit(batch);
            batch.Clear();
            foreach (var f in flushes) f.TrySetResult();
            flushes.Clear();
        }
    }

    private void Commit(List<StoreMessage> batch)
    {
        if (batch.Count == 0) return;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch);
        try
        {
            _store.CommitBatch(span);
            Interlocked.Add(ref _itemsCommitted, batch.Count);
            Interlocked.Increment(ref _batchesCommitted);
            Committed?.Invoke(new StoreCommit(CountStrides(span), 0));
            return;
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            _lastError = e.Message;
        }
        // Isolate the bad item(s): commit one by one.
        for (var i = 0; i < span.Length; i++)
        {
            var stride = span[i].Kind == StoreMessageKind.Stride ? 1 : 0;
            try
            {
                _store.CommitBatch(span.Slice(i, 1));
                Interlocked.Increment(ref _itemsCommitted);
                if (stride != 0) Committed?.Invoke(new StoreCommit(1, 0));
            }
            catch (Exception e) when (e is not ObjectDisposedException)
            {
                Interlocked.Increment(ref _itemsFailed);
                _lastError = e.Message;
                if (stride != 0) Committed?.Invoke(new StoreCommit(0, 1));
            }
        }
        Interlocked.Increment(ref _batchesCommitted);
    }

    private static int CountStrides(ReadOnlySpan<StoreMessage> batch)
    {
        var n = 0;
        foreach (ref readonly var m in batch)
            if (m.Kind == StoreMessageKind.Stride) n++;
        return n;
    }

    /// <summary>Stops accepting messages, commits everything queued, then returns. The store stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
    }
}
