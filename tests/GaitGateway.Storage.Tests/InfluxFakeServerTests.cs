using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

/// <summary>
/// A scripted loopback HTTP server for the error-code tests only: real InfluxDB/VictoriaMetrics cannot be made to
/// answer 429 or 503 on cue, and counting requests needs a server we control. Everything about data goes to the
/// real servers (InfluxDb1Tests, VictoriaMetricsTests).
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<(int Status, string? RetryAfter)> _script;
    private readonly Task _loop;
    private int _requests;

    public ScriptedServer(params (int Status, string? RetryAfter)[] script)
    {
        _script = new Queue<(int, string?)>(script);
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public int Requests => Volatile.Read(ref _requests);
    public List<string> Paths { get; } = [];

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref _requests);
            lock (Paths) Paths.Add(ctx.Request.RawUrl ?? "");
            using (var body = new StreamReader(ctx.Request.InputStream)) await body.ReadToEndAsync();
            var (status, retryAfter) = _script.Count > 1 ? _script.Dequeue() : _script.Peek();
            ctx.Response.StatusCode = status;
            if (retryAfter is not null) ctx.Response.AddHeader("Retry-After", retryAfter);
            if (status >= 400)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes($$"""{"code":"x","message":"scripted {{status}}"}""");
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(bytes);
            }
            ctx.Response.Close();
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(5000); } catch (AggregateException) { }
    }
}

public sealed class InfluxFakeServerTests
{
    private static (SqliteStore Store, TempDir Dir) StoreWithStrides(int n)
    {
        var dir = new TempDir();
        var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        store.AppendStrides(id, TestData.Strides(n));
        return (store, dir);
    }

    // Central off: these tests count the requests of the stride batches; central mode adds one request for the
    // session points after them (tested against the real server in InfluxDb1Tests and CentralModeTests).
    private static InfluxSinkSettings Settings(string url) => new(url, "org", "gait", "s3cr3t-token")
    {
        Central = false,
        RetryInitialDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData(401, "check the token")]
    [InlineData(403, "may not write")]
    [InlineData(404, "do the org and bucket exist")]
    public async Task Auth_and_not_found_errors_stop_after_one_request_with_one_clear_error(int status, string hint)
    {
        using var server = new ScriptedServer((status, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url));
        var events = new List<ForwarderEventArgs>();
        fwd.Event += (_, e) => events.Add(e);

        var e = await Assert.ThrowsAsync<StoreException>(() => fwd.ForwardPendingAsync());
        Assert.Contains($"HTTP {status}", e.Message);
        Assert.Contains(hint, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("s3cr3t", e.Message);
        Assert.Equal(1, server.Requests);
        Assert.Equal(ForwarderState.Failed, fwd.Diagnostics.State);
        Assert.Single(events, x => x.Level == ForwarderEventLevel.Error);

        // Stopped for good: no retry storm, not even when asked again; nothing acknowledged.
        await Assert.ThrowsAsync<StoreException>(() => fwd.ForwardPendingAsync());
        await Assert.ThrowsAsync<StoreException>(() => fwd.RunAsync(CancellationToken.None));
        Assert.Equal(1, server.Requests);
        Assert.Equal(10, store.CountUnforwarded("influx", ForwardTable.Strides));
    }

    [Fact]
    public async Task Too_many_requests_honours_Retry_After_then_succeeds()
    {
        using var server = new ScriptedServer((429, "1"), (204, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url));
        var sw = Stopwatch.StartNew();
        Assert.Equal(10, await fwd.ForwardPendingAsync());
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1), $"retried after {sw.Elapsed}, before Retry-After: 1");
        Assert.Equal(2, server.Requests);
        Assert.Equal(1, fwd.Diagnostics.Retries);
        Assert.Equal(0, store.CountUnforwarded("influx", ForwardTable.Strides));
        Assert.StartsWith("/api/v2/write?org=org&bucket=gait&precision=ns", server.Paths[0]);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff()
    {
        using var server = new ScriptedServer((503, null), (500, null), (502, null), (204, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url));
        Assert.Equal(10, await fwd.ForwardPendingAsync());
        Assert.Equal(4, server.Requests);
        Assert.Equal(3, fwd.Diagnostics.Retries);
    }

    [Fact]
    public async Task Batches_in_flight_together_move_the_cursor_in_row_order_over_acknowledged_batches_only()
    {
        // The second request fails once: batches behind it may be acknowledged first, yet the cursor waits for it.
        using var server = new ScriptedServer((204, null), (503, null), (204, null));
        var (store, dir) = StoreWithStrides(50);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url) with { BatchSize = 10, MaxRequestsInFlight = 3 });
        var cursorMoves = new List<long>();
        fwd.AfterWriteHook = (table, last) => { if (table == ForwardTable.Strides) cursorMoves.Add(last); };
        Assert.Equal(50, await fwd.ForwardPendingAsync());
        Assert.Equal([10L, 20, 30, 40, 50], cursorMoves);
        Assert.Equal(6, server.Requests);
        Assert.Equal(1, fwd.Diagnostics.Retries);
        Assert.Equal(50, fwd.Diagnostics.PointsWritten);
        Assert.Equal(0, store.CountUnforwarded("influx", ForwardTable.Strides));
    }

    [Fact]
    public async Task An_empty_org_is_sent_as_the_documented_placeholder()
    {
        // VictoriaMetrics and InfluxDB 1.x have no org; `gaitgw replay --influx-url` without --influx-org sends "".
        // InfluxDB.Client refuses an empty org, so the placeholder goes out (VictoriaMetrics and 1.8 ignore it).
        using var server = new ScriptedServer((204, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url) with { Org = "" });
        Assert.Equal(10, await fwd.ForwardPendingAsync());
        Assert.StartsWith($"/api/v2/write?org={InfluxSinkSettings.NoOrgPlaceholder}&bucket=gait&precision=ns", server.Paths[0]);
    }

    [Fact]
    public async Task An_empty_org_in_v1_mode_never_reaches_the_server()
    {
        using var server = new ScriptedServer((204, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url) with { Org = "", Mode = InfluxMode.V1 });
        Assert.Equal(10, await fwd.ForwardPendingAsync());
        Assert.Equal("/write?db=gait&precision=n", server.Paths[0]);
    }

    [Fact]
    public async Task An_empty_org_refused_by_InfluxDB_2_stops_with_a_hint_to_set_one()
    {
        // InfluxDB 2.x answers 404 for an org it does not know (here: the placeholder).
        using var server = new ScriptedServer((404, null));
        var (store, dir) = StoreWithStrides(10);
        using var _ = dir;
        using var __ = store;
        using var fwd = new InfluxForwarder(store, Settings(server.Url) with { Org = "" });
        var e = await Assert.ThrowsAsync<StoreException>(() => fwd.ForwardPendingAsync());
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains("no org is set", e.Message);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_with_bounded_jitter()
    {
        var dir = new TempDir();
        using var _ = dir;
        using var store = SqliteStore.Open(dir.File("s.db"));
        using var fwd = new InfluxForwarder(store, new InfluxSinkSettings("http://127.0.0.1:1", "o", "b", null));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var expected = Math.Min(60, Math.Pow(2, attempt - 1));
            var d = fwd.RetryDelay(attempt, null).TotalSeconds;
            Assert.InRange(d, expected, expected * 1.2);
        }
        Assert.InRange(fwd.RetryDelay(9, TimeSpan.FromSeconds(3)).TotalSeconds, 3, 3.6); // Retry-After wins
    }

    [Fact]
    public async Task A_write_without_answer_times_out_and_is_retried()
    {
        var (store, dir) = StoreWithStrides(5);
        using var _ = dir;
        using var __ = store;
        using var silent = new TcpListener(IPAddress.Loopback, 0); // accepts connections, never answers
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        using var fwd = new InfluxForwarder(store, Settings(url) with { RequestTimeout = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fwd.ForwardPendingAsync(cts.Token));
        var d = fwd.Diagnostics;
        Assert.True(d.Retries >= 2, $"retries {d.Retries}");
        Assert.True(d.LastError?.Contains("no answer within 0.2 s", StringComparison.Ordinal), d.LastError);
        Assert.Equal(5, store.CountUnforwarded("influx", ForwardTable.Strides));
    }

    [Fact]
    public async Task Unreachable_server_is_retried_and_the_backlog_is_reported_not_dropped()
    {
        var (store, dir) = StoreWithStrides(12);
        using var _ = dir;
        using var __ = store;
        var url = $"http://127.0.0.1:{ScriptedServer.FreePort()}"; // nothing listens: connection refused
        using var fwd = new InfluxForwarder(store, Settings(url) with { MaxBacklogRows = 10 });
        var events = new List<ForwarderEventArgs>();
        fwd.Event += (_, e) => { lock (events) events.Add(e); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fwd.ForwardPendingAsync(cts.Token));
        var d = fwd.Diagnostics;
        Assert.True(d.Retries >= 3, $"retries {d.Retries}");
        Assert.Equal(BacklogLevel.Full, d.Backlog);
        Assert.Equal(12, d.BacklogStrides);
        Assert.Single(events, e => e.Level == ForwarderEventLevel.Warning && e.Message.Contains("write failed", StringComparison.Ordinal)); // once per outage
        Assert.Contains(events, e => e.Level == ForwarderEventLevel.Error && e.Message.Contains("Nothing is dropped", StringComparison.Ordinal));
        Assert.Equal(12, store.GetStrides(1).Count);
    }
}
