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
/// Store-and-forward to InfluxDB (or VictoriaMetrics): reads strides, bouts, sensor status and (central mode,
/// <see cref="InfluxSinkSettings.Central"/>) alerts committed in <see cref="SqliteStore"/> after this sink's persisted
/// cursor, writes them as line protocol through InfluxDB.Client's <see cref="WriteApiAsync"/> (<c>/api/v2/write</c>,
/// rewritten to <c>/write</c> for <see cref="InfluxMode.V1"/> by <see cref="V1WriteHandler"/>) in batches, advances
/// the cursor only after the server acknowledged the batch, and (central mode) then sends a point for every session
/// that changed.
/// </summary>
/// <remarks>
/// <para>Delivery is at-least-once and the points are idempotent (<see cref="InfluxLineProtocol"/>), so a crash
/// between the write and the cursor update, or a timeout after the server stored the batch, re-sends points that
/// then overwrite themselves: the server ends up with exactly the stored strides.</para>
/// <para>Memory holds <see cref="InfluxSinkSettings.MaxRequestsInFlight"/> batches (on the wire) plus the next one
/// being read and built, never the backlog: the buffer is the store on disk. A batch is line protocol built into a
/// pooled buffer (<see cref="LineProtocolWriter"/>) and handed to <see cref="WriteApiAsync.WriteRecordsAsync(string[], WritePrecision, string, string, CancellationToken)"/>
/// as one record holding all its lines (the library joins records with '\n' and sends the result as one request
/// body), uncompressed (loopback and LAN: gzip costs more CPU than it saves). Not the library's batching WriteApi:
/// it buffers without limit while the server is down; the batching, the bound and the retries are ours.</para>
/// <para>Transient failures (connection refused, timeouts, 5xx, 429) are retried forever with exponential backoff
/// and jitter, honouring Retry-After. 401/403/404 and 400 stop the forwarder with one error: retrying a wrong token,
/// bucket or payload only floods the server's log.</para>
/// </remarks>
public sealed class InfluxForwarder : IDisposable
{
    private readonly SqliteStore _store;
    private readonly InfluxSinkSettings _settings;
    private readonly HttpClient _http;
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _write;
    private readonly string _org;
    private readonly List<ForwardStride> _strideRows = [];
    // Central mode's session points: the line last acknowledged per session, the sessions whose rows were forwarded
    // since their point was last sent, and those open at the last pass (so their end is sent too).
    private readonly Dictionary<long, string> _sentSessions = [];
    private readonly HashSet<long> _touchedSessions = [];
    private HashSet<long> _openSessions = [];
    private bool _sessionsListed;
    private long _lastTouched = -1;
    private readonly Stack<LineProtocolWriter> _buffers = new();
    private int _outage;
    private volatile bool _failed;
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
        if (string.IsNullOrEmpty(settings.Bucket)) // InfluxDB.Client would refuse it on every write
            throw new StoreException($"InfluxDB at {settings.DisplayUrl}: no bucket{(settings.Mode == InfluxMode.V1 ? " (database)" : "")} configured");

        HttpMessageHandler handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (settings.Mode == InfluxMode.V1) handler = new V1WriteHandler(handler);
        _http = new HttpClient(handler) { Timeout = settings.RequestTimeout };
        // InfluxDB.Client refuses an empty org ("Expecting a non-empty string for 'org'"). V1WriteHandler drops the
        // org; VictoriaMetrics and InfluxDB 1.8's v2 API ignore it; InfluxDB 2.x answers 404 for an org it does not
        // know, which stops the forwarder with a hint to set one (see InfluxSinkSettings.NoOrgPlaceholder).
        _org = string.IsNullOrEmpty(settings.Org) ? InfluxSinkSettings.NoOrgPlaceholder : settings.Org;
        var options = new InfluxDBClientOptions(settings.Url)
        {
            Org = _org,
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
        _failed ? ForwarderState.Failed : _state, Interlocked.Read(ref _pointsWritten), Interlocked.Read(ref _requests), Interlocked.Read(ref _retries),
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
        if (_failed) throw new StoreException(_lastError ?? "InfluxDB forwarding stopped");
        var total = 0;
        foreach (var table in _settings.Central ? CentralTables : Tables)
        {
            var after = _store.GetForwardCursor(_settings.SinkName, table);
            var readFrom = after;
            var more = true;
            // Up to MaxRequestsInFlight batches on the wire at once (the servers ingest on several cores), the next
            // one read and built while they are; the cursor still moves strictly in order, over acknowledged
            // batches only, so a crash or failure re-sends (idempotent points) but never skips.
            var inFlight = new Queue<(Task<bool> Sent, LineProtocolWriter Buffer, int Count, long Last)>();
            using var sends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                while (true)
                {
                    while (more && inFlight.Count < Math.Max(1, _settings.MaxRequestsInFlight))
                    {
                        var buffer = _buffers.Count > 0 ? _buffers.Pop() : new LineProtocolWriter();
                        buffer.Gateway = _settings.GatewayId;
                        buffer.Strings = _settings.Central;
                        var (count, last) = Read(table, readFrom, _batchSize, buffer);
                        if (count == 0)
                        {
                            _buffers.Push(buffer);
                            more = false;
                            break;
                        }
                        inFlight.Enqueue((SendAsync(buffer.ToString(), buffer.Lines, sends.Token), buffer, count, last));
                        readFrom = last;
                        if (count < _batchSize) more = false;
                    }
                    if (inFlight.Count == 0) break;

                    var head = inFlight.Dequeue();
                    var sent = await head.Sent.ConfigureAwait(false);
                    _buffers.Push(head.Buffer);
                    if (!sent)
                    {
                        // Batch shrunk (HTTP 413): let the others finish, then read again after the cursor.
                        await DrainAsync(inFlight).ConfigureAwait(false);
                        if (_failed) throw new StoreException(_lastError ?? "InfluxDB forwarding stopped");
                        readFrom = after;
                        more = true;
                        continue;
                    }
                    AfterWriteHook?.Invoke(table, head.Last);
                    _store.AdvanceForwardCursor(_settings.SinkName, table, head.Last);
                    after = head.Last;
                    total += head.Count;
                    if (table == ForwardTable.Strides) CheckBacklog();
                }
            }
            finally
            {
                // Cancelled or failed: stop the batches still on the wire (the cursor stays where the last in-order
                // acknowledgement put it; whatever they delivered is re-sent later and overwrites itself).
                if (inFlight.Count > 0) await sends.CancelAsync().ConfigureAwait(false);
                await DrainAsync(inFlight).ConfigureAwait(false);
            }
        }
        if (_settings.Central) await ForwardSessionsAsync(cancellationToken).ConfigureAwait(false);
        CheckBacklog();
        _state = ForwarderState.Idle;
        return total;
    }

    /// <summary>
    /// Central mode: one point per session (<see cref="LineProtocolWriter.AppendSession"/>), sent when it changed
    /// since it was last acknowledged — its first pass sends every session (idempotent: the same series and
    /// timestamp overwrite), later passes look only at sessions that are or were open and those whose rows were just
    /// forwarded, so a large store costs one read of a few sessions a second. Not counted in the points returned.
    /// </summary>
    private async Task ForwardSessionsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredSession> candidates;
        if (!_sessionsListed)
        {
            candidates = _store.ListSessions();
        }
        else
        {
            var ids = new SortedSet<long>(_touchedSessions);
            ids.UnionWith(_openSessions);
            ids.UnionWith(_store.OpenSessionIds());
            candidates = ids.Select(_store.GetSession).OfType<StoredSession>().ToList();
        }

        var changed = new List<(long Id, string Line)>();
        using (var w = new LineProtocolWriter(1024) { Gateway = _settings.GatewayId, Strings = true })
        {
            foreach (var session in candidates)
            {
                w.Clear();
                w.AppendSession(session, CentralJson.Sensors(session.Sensors), _settings.PlanWeekRun?.Invoke(session.Plan));
                var line = w.ToString();
                if (!_sentSessions.TryGetValue(session.Id, out var sent) || sent != line) changed.Add((session.Id, line));
            }
        }

        for (var i = 0; i < changed.Count; i += _batchSize)
        {
            var batch = changed.Skip(i).Take(_batchSize).ToList();
            if (!await SendAsync(string.Join('\n', batch.Select(b => b.Line)), batch.Count, cancellationToken).ConfigureAwait(false)) return; // 413: next pass
            foreach (var (id, line) in batch) _sentSessions[id] = line;
        }

        foreach (var session in candidates) _touchedSessions.Remove(session.Id);
        _openSessions = candidates.Where(x => x.EndedUtc is null).Select(x => x.Id).ToHashSet();
        _sessionsListed = true;
    }

    private void Touch(long sessionId)
    {
        if (sessionId == _lastTouched) return;
        _lastTouched = sessionId;
        _touchedSessions.Add(sessionId);
    }

    private async Task DrainAsync(Queue<(Task<bool> Sent, LineProtocolWriter Buffer, int Count, long Last)> inFlight)
    {
        while (inFlight.TryDequeue(out var x))
        {
            try { await x.Sent.ConfigureAwait(false); }
            catch (Exception e) when (e is StoreException or OperationCanceledException) { }
            _buffers.Push(x.Buffer);
        }
    }

    private static readonly ForwardTable[] Tables = [ForwardTable.Strides, ForwardTable.Bouts, ForwardTable.SensorStatus];
    private static readonly ForwardTable[] CentralTables = [.. Tables, ForwardTable.Alerts];

    /// <summary>Reads up to <paramref name="limit"/> rows after <paramref name="after"/> into <paramref name="into"/> as line protocol.</summary>
    private (int Count, long Last) Read(ForwardTable table, long after, int limit, LineProtocolWriter into)
    {
        into.Clear();
        long last = after;
        switch (table)
        {
            case ForwardTable.Strides:
                _strideRows.Clear();
                _store.ReadStridesAfter(after, limit, _strideRows);
                foreach (ref readonly var r in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_strideRows))
                {
                    into.AppendStride(r);
                    last = r.Key.RowId;
                    Touch(r.Key.SessionId);
                }
                _strideRows.Clear();
                break;
            case ForwardTable.Bouts:
                foreach (var r in _store.ReadBoutsAfter(after, limit)) { into.AppendBout(r); last = r.Key.RowId; Touch(r.Key.SessionId); }
                break;
            case ForwardTable.Alerts:
                foreach (var r in _store.ReadAlertsAfter(after, limit)) { into.AppendAlert(r); last = r.Key.RowId; }
                break;
            default:
                foreach (var r in _store.ReadSensorStatusAfter(after, limit)) { into.AppendSensorStatus(r); last = r.Key.RowId; }
                break;
        }
        return (into.Lines, last);
    }

    /// <summary>True when the server acknowledged; false when the batch must be re-read smaller.</summary>
    private async Task<bool> SendAsync(string body, int lines, CancellationToken cancellationToken)
    {
        // One record holding the whole batch ('\n'-separated lines, as WriteRecordAsync documents: "considered as
        // one batch unit"): one string per request instead of one per point.
        string[] records = [body];
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _state = ForwarderState.Sending;
            Interlocked.Increment(ref _requests);
            TimeSpan? retryAfter = null;
            string reason;
            try
            {
                await _write.WriteRecordsAsync(records, WritePrecision.Ns, _settings.Bucket, _org, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _pointsWritten, lines);
                if (Interlocked.Exchange(ref _outage, 0) == 1) Raise(ForwarderEventLevel.Information, $"InfluxDB at {_settings.DisplayUrl} accepts writes again");
                _lastError = null;
                return true;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // The library may report a cancelled request as an HttpException (status 0) rather than rethrow.
                throw new OperationCanceledException(cancellationToken);
            }
            catch (HttpException e) when (e.Status is 401 or 403 or 404 or 400)
            {
                var what = e.Status switch
                {
                    401 => "check the token (" + InfluxToken.EnvironmentVariable + " or the token file)",
                    403 => "the token may not write to this bucket",
                    404 when _settings.Mode == InfluxMode.V1 => "does the database exist?",
                    404 when string.IsNullOrEmpty(_settings.Org) => "no org is set: InfluxDB 2.x needs one (--influx-org); InfluxDB 1.x needs --influx-mode v1",
                    404 => "do the org and bucket exist? (InfluxDB 1.x needs --influx-mode v1)",
                    _ => "the server rejected the data",
                };
                throw Fail($"InfluxDB at {_settings.DisplayUrl} refused writes to bucket '{_settings.Bucket}': HTTP {e.Status} {OneLine(e.Message)}; {what}. " +
                           "Forwarding stopped; strides stay in the local store.", e);
            }
            catch (HttpException e) when (e.Status == 413 && lines > 1)
            {
                // Too large for this server's limit: halve the batch for good and let the caller re-read.
                _batchSize = Math.Max(1, lines / 2);
                Raise(ForwarderEventLevel.Warning, $"InfluxDB at {_settings.DisplayUrl} refused {lines} points as too large (HTTP 413); batches are now {_batchSize} points");
                return false;
            }
            catch (HttpException e) when (e.Status is 0 or 408 or 429 or >= 500)
            {
                // Status 0: no HTTP answer (refused, reset, timed out), reported by the library as an HttpException.
                retryAfter = e.RetryAfter is int s and >= 0 ? TimeSpan.FromSeconds(s) : null;
                reason = e.Status == 0 ? NoAnswer(e) : $"HTTP {e.Status} {OneLine(e.Message)}";
            }
            catch (HttpException e)
            {
                throw Fail($"InfluxDB at {_settings.DisplayUrl} refused writes: HTTP {e.Status} {OneLine(e.Message)}. Forwarding stopped; strides stay in the local store.", e);
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException or InfluxException)
            {
                reason = NoAnswer(e);
            }
            catch (FormatException e)
            {
                // InfluxDB.Client parses Retry-After as whole seconds only; an HTTP-date there throws while it builds
                // the exception for a 429/503. Still a transient answer: back off by the computed delay.
                reason = "unreadable error answer (" + OneLine(e.Message) + ")";
            }

            var delay = RetryDelay(attempt, retryAfter);
            Interlocked.Increment(ref _retries);
            _state = ForwarderState.Backoff;
            var text = $"InfluxDB at {_settings.DisplayUrl} write failed ({reason}); retry {attempt} in {delay.TotalSeconds:0.0} s";
            if (Interlocked.Exchange(ref _outage, 1) == 0) Raise(ForwarderEventLevel.Warning, text); // once per outage, not per retry or batch
            _lastError = text;
            CheckBacklog();
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private string NoAnswer(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            // Our token is not cancelled here (filtered before), so a cancellation is the request timeout (HttpClient's
            // or RestSharp's own).
            if (x is TimeoutException or OperationCanceledException)
                return $"no answer within {_settings.RequestTimeout.TotalSeconds:0.#} s";
        }
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return OneLine(string.IsNullOrEmpty(inner.Message) ? e.Message : inner.Message);
    }

    private StoreException Fail(string msg, Exception? cause = null)
    {
        _lastError = msg;
        _failed = true;
        _state = ForwarderState.Failed;
        Raise(ForwarderEventLevel.Error, msg);
        return cause is null ? new StoreException(msg) : new StoreException(msg, cause);
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
        return baseDelay + baseDelay * (s.RetryJitter * Random.Shared.NextDouble());
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
        while (_buffers.TryPop(out var b)) b.Dispose();
    }
}
