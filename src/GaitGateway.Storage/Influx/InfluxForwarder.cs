using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GaitGateway.Storage.Sqlite;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace GaitGateway.Storage.Influx;

/// <summary>State of an <see cref="InfluxForwarder"/>.</summary>
public enum ForwarderState : byte
{
    Idle,
    /// <summary>Sending a batch.</summary>
    Sending,
    /// <summary>Waiting before retrying a transient failure (server down, 5xx, 429, timeout).</summary>
    Backoff,
    /// <summary>Stopped for good on an error that retrying cannot fix (401, 403, 404, 400): see <see cref="InfluxForwarderDiagnostics.LastError"/>.</summary>
    Failed,
}

/// <summary>How full the backlog is relative to <see cref="InfluxSinkSettings.MaxBacklogRows"/>.</summary>
public enum BacklogLevel : byte
{
    Normal,
    /// <summary>At or above <see cref="InfluxSinkSettings.BacklogWarnFraction"/> of the limit.</summary>
    Warning,
    /// <summary>At or above the limit. Nothing is dropped; see <see cref="InfluxSinkSettings.MaxBacklogRows"/>.</summary>
    Full,
}

/// <summary>What the forwarder has done; read at any time.</summary>
/// <param name="PointsWritten">Points the server acknowledged (re-sent points count again).</param>
/// <param name="Requests">Write requests sent, successful or not.</param>
/// <param name="Retries">Requests that failed transiently and were retried.</param>
/// <param name="BacklogStrides">Strides not yet acknowledged, as of the last check.</param>
public readonly record struct InfluxForwarderDiagnostics(
    ForwarderState State,
    long PointsWritten,
    long Requests,
    long Retries,
    long BacklogStrides,
    BacklogLevel Backlog,
    string? LastError);

public enum ForwarderEventLevel : byte { Information, Warning, Error }

/// <summary>An outcome worth telling the user about; raised on changes, not per batch.</summary>
public sealed class ForwarderEventArgs(ForwarderEventLevel level, string message) : EventArgs
{
    public ForwarderEventLevel Level { get; } = level;
    /// <summary>One line; never contains the token.</summary>
    public string Message { get; } = message;
}

/// <summary>
/// Store-and-forward to InfluxDB (or VictoriaMetrics): reads strides, bouts and sensor status committed in
/// <see cref="SqliteStore"/> after this sink's persisted cursor, writes them with <see cref="WriteApiAsync"/> in
/// batches, and advances the cursor only after the server acknowledged the batch.
/// </summary>
/// <remarks>
/// <para>Delivery is at-least-once and the points are idempotent (<see cref="InfluxLineProtocol"/>), so a crash
/// between the write and the cursor update, or a timeout after the server stored the batch, re-sends points that
/// then overwrite themselves: the server ends up with exactly the stored strides.</para>
/// <para><see cref="WriteApiAsync"/>, not the library's batching WriteApi: that one buffers in memory without limit
/// while the server is down, whereas here the buffer is the store on disk and memory holds one batch.</para>
/// <para>Transient failures (connection refused, timeouts, 5xx, 429) are retried forever with exponential backoff
/// and jitter, honouring Retry-After. 401/403/404 and 400 stop the forwarder with one error: retrying a wrong token,
/// bucket or payload only floods the server's log.</para>
/// </remarks>
public sealed class InfluxForwarder : IDisposable
{
    private readonly SqliteStore _store;
    private readonly InfluxSinkSettings _settings;
    private readonly InfluxDBClient _client;
    private readonly HttpClient _http;
    private readonly WriteApiAsync _write;
    private readonly Random _jitter = new();
    private long _pointsWritten, _requests, _retries, _backlogStrides;
    private volatile string? _lastError;
    private ForwarderState _state;
    private BacklogLevel _backlog;
    private int _batchSize;

    /// <summary>Test hook: runs after a batch was acknowledged and before the cursor moves (a crash there).</summary>
    internal Action<ForwardTable, long>? AfterWriteHook { get; set; }

    public InfluxForwarder(SqliteStore store, InfluxSinkSettings settings)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxBacklogRows, 1);
        _store = store;
        _settings = settings;
        _batchSize = settings.BatchSize;

        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (settings.Mode == InfluxMode.V1) handler = new V1WriteHandler(handler);
        _http = new HttpClient(handler) { Timeout = settings.RequestTimeout };
        var options = new InfluxDBClientOptions(settings.Url)
        {
            Org = settings.Org,
            Bucket = settings.Bucket,
            Timeout = settings.RequestTimeout,
            HttpClient = _http,
        };
        if (!string.IsNullOrEmpty(settings.Token)) options.Token = settings.Token;
        _client = new InfluxDBClient(options);
        _write = _client.GetWriteApiAsync();
    }

    public event EventHandler<ForwarderEventArgs>? Event;

    public InfluxForwarderDiagnostics Diagnostics => new(
        _state, Interlocked.Read(ref _pointsWritten), Interlocked.Read(ref _requests), Interlocked.Read(ref _retries),
        Interlocked.Read(ref _backlogStrides), _backlog, _lastError);

    /// <summary>
    /// Forwards until cancelled (returns normally) or until a permanent error (throws <see cref="StoreException"/>
    /// with the one-line message, after raising it as an event).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await ForwardPendingAsync(cancellationToken) == 0)
                    await Task.Delay(_settings.FlushInterval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends everything unforwarded at the time of the call (retrying transient errors) and returns the number of
    /// points sent. Throws <see cref="StoreException"/> on a permanent error.
    /// </summary>
    public async Task<int> ForwardPendingAsync(CancellationToken cancellationToken = default)
    {
        if (_state == ForwarderState.Failed) throw new StoreException(_lastError ?? "InfluxDB forwarding stopped");
        var total = 0;
        foreach (var table in Tables)
        {
            while (true)
            {
                var after = _store.GetForwardCursor(_settings.SinkName, table);
                var (lines, last) = Read(table, after, _batchSize);
                if (lines.Count == 0) break;
                if (!await SendAsync(lines, cancellationToken)) continue; // batch shrunk (HTTP 413): read again
                AfterWriteHook?.Invoke(table, last);
                _store.AdvanceForwardCursor(_settings.SinkName, table, last);
                total += lines.Count;
                if (table == ForwardTable.Strides) CheckBacklog();
                if (lines.Count < _batchSize) break;
            }
        }
        CheckBacklog();
        _state = ForwarderState.Idle;
        return total;
    }

    private static readonly ForwardTable[] Tables = [ForwardTable.Strides, ForwardTable.Bouts, ForwardTable.SensorStatus];

    private (List<string> Lines, long LastRowId) Read(ForwardTable table, long after, int limit)
    {
        var lines = new List<string>();
        long last = after;
        switch (table)
        {
            case ForwardTable.Strides:
                foreach (var r in _store.ReadStridesAfter(after, limit)) { lines.Add(InfluxLineProtocol.Stride(r)); last = r.Key.RowId; }
                break;
            case ForwardTable.Bouts:
                foreach (var r in _store.ReadBoutsAfter(after, limit)) { lines.Add(InfluxLineProtocol.Bout(r)); last = r.Key.RowId; }
                break;
            default:
                foreach (var r in _store.ReadSensorStatusAfter(after, limit)) { lines.Add(InfluxLineProtocol.SensorStatus(r)); last = r.Key.RowId; }
                break;
        }
        return (lines, last);
    }

    /// <summary>True when the server acknowledged; false when the batch must be re-read smaller.</summary>
    private async Task<bool> SendAsync(List<string> lines, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _state = ForwarderState.Sending;
            Interlocked.Increment(ref _requests);
            TimeSpan? retryAfter;
            string reason;
            try
            {
                await _write.WriteRecordsAsync(lines, WritePrecision.Ns, _settings.Bucket, _settings.Org, cancellationToken);
                Interlocked.Add(ref _pointsWritten, lines.Count);
                if (attempt > 1) Raise(ForwarderEventLevel.Information, $"InfluxDB at {_settings.Url} accepts writes again");
                _lastError = null;
                return true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (HttpException e) when (e.Status is 401 or 403 or 404 or 400)
            {
                var what = e.Status switch
                {
                    401 => "check the token (" + InfluxToken.EnvironmentVariable + " or the token file)",
                    403 => "the token may not write to this bucket",
                    404 => _settings.Mode == InfluxMode.V1 ? "does the database exist?" : "do the org and bucket exist? (InfluxDB 1.x needs --influx-mode v1)",
                    _ => "the server rejected the data",
                };
                var msg = $"InfluxDB at {_settings.Url} refused writes to bucket '{_settings.Bucket}': HTTP {e.Status} {OneLine(e.Message)}; {what}. " +
                          "Forwarding stopped; strides stay in the local store.";
                _lastError = msg;
                _state = ForwarderState.Failed;
                Raise(ForwarderEventLevel.Error, msg);
                throw new StoreException(msg, e);
            }
            catch (HttpException e) when (e.Status == 413 && lines.Count > 1)
            {
                // Too large for this server's limit: halve the batch for good and let the caller re-read.
                _batchSize = Math.Max(1, lines.Count / 2);
                Raise(ForwarderEventLevel.Warning, $"InfluxDB at {_settings.Url} refused {lines.Count} points as too large (HTTP 413); batches are now {_batchSize} points");
                return false;
            }
            catch (HttpException e) when (e.Status is 0 or 408 or 429 or >= 500)
            {
                retryAfter = e.RetryAfter is int s and >= 0 ? TimeSpan.FromSeconds(s) : null;
                reason = e.Status == 0 ? OneLine(e.InnerException?.Message ?? e.Message) : $"HTTP {e.Status} {OneLine(e.Message)}";
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                retryAfter = null;
                reason = e is OperationCanceledException ? $"no answer within {_settings.RequestTimeout.TotalSeconds:0.#} s" : OneLine(e.Message);
            }
            catch (HttpException e)
            {
                var msg = $"InfluxDB at {_settings.Url} refused writes: HTTP {e.Status} {OneLine(e.Message)}. Forwarding stopped; strides stay in the local store.";
                _lastError = msg;
                _state = ForwarderState.Failed;
                Raise(ForwarderEventLevel.Error, msg);
                throw new StoreException(msg, e);
            }

            Interlocked.Increment(ref _retries);
            var delay = RetryDelay(attempt, retryAfter);
            _state = ForwarderState.Backoff;
            var text = $"InfluxDB at {_settings.Url} write failed ({reason}); retry {attempt} in {delay.TotalSeconds:0.0} s";
            if (attempt == 1 || _lastError is null) Raise(ForwarderEventLevel.Warning, text); // once per outage, not per retry
            _lastError = text;
            CheckBacklog();
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>
    /// Retry-After when the server sent one, else RetryInitialDelay × factor^(attempt−1) capped at RetryMaxDelay;
    /// plus up to RetryJitter of that, at random.
    /// </summary>
    internal TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var s = _settings;
        var baseDelay = retryAfter ?? TimeSpan.FromSeconds(Math.Min(
            s.RetryMaxDelay.TotalSeconds,
            s.RetryInitialDelay.TotalSeconds * Math.Pow(s.RetryBackoffFactor, Math.Min(attempt - 1, 60))));
        return baseDelay + baseDelay * (s.RetryJitter * _jitter.NextDouble());
    }

    private void CheckBacklog()
    {
        var n = _store.CountUnforwarded(_settings.SinkName, ForwardTable.Strides);
        Interlocked.Exchange(ref _backlogStrides, n);
        var level = n >= _settings.MaxBacklogRows ? BacklogLevel.Full
            : n >= _settings.MaxBacklogRows * _settings.BacklogWarnFraction ? BacklogLevel.Warning
            : BacklogLevel.Normal;
        if (level == _backlog) return;
        var before = _backlog;
        _backlog = level;
        switch (level)
        {
            case BacklogLevel.Full:
                Raise(ForwarderEventLevel.Error,
                    $"InfluxDB backlog full: {n} strides not forwarded (limit {_settings.MaxBacklogRows}). Nothing is dropped: " +
                    "they stay in the local store and are sent oldest first when the server accepts writes.");
                break;
            case BacklogLevel.Warning when before == BacklogLevel.Normal:
                Raise(ForwarderEventLevel.Warning,
                    $"InfluxDB backlog at {100.0 * n / _settings.MaxBacklogRows:0} % of its limit: {n} strides not forwarded (limit {_settings.MaxBacklogRows})");
                break;
            case BacklogLevel.Normal:
                Raise(ForwarderEventLevel.Information, $"InfluxDB backlog back to {n} strides");
                break;
            default:
                break;
        }
    }

    private void Raise(ForwarderEventLevel level, string message) => Event?.Invoke(this, new ForwarderEventArgs(level, message));

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }
}
