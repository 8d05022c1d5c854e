using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Dashboard.Tests;

public sealed class ServerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-dash-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.3.4.5:80", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://gateway.local:5080", false)]
    public void Loopback_is_recognised(string url, bool loopback) => Assert.Equal(loopback, DashboardServer.IsLoopback(url));

    [Fact]
    public async Task Refuses_to_listen_beyond_loopback_without_a_token()
    {
        await using var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = "http://127.0.0.1:0;http://0.0.0.0:0" });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.Contains("0.0.0.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_token_the_api_needs_it_and_the_page_does_not()
    {
        await using var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = "http://127.0.0.1:0", Token = "s3cret" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/live")).StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/live"))
        {
            wrong.Headers.Authorization = new("Bearer", "s3cre");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }

        // A token in the URL is not accepted any more: URLs end up in logs and browser history.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/live?token=s3cret")).StatusCode);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        req.Headers.Authorization = new("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        var js = await http.GetAsync("/vendor/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.StartsWith("text/javascript", js.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nope.js")).StatusCode);
        using var sessions = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        sessions.Headers.Authorization = new("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.SendAsync(sessions)).StatusCode);
    }

    [Fact]
    public async Task Api_serves_the_stored_session_its_tcx_and_the_stream_sends_tiles_every_second()
    {
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var board = new LiveBoard();
        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };

        var id = await LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 1000, CancellationToken.None);
        var strides = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{id}/strides");
        Assert.Equal(store.GetStrides(id).Count, strides.GetArrayLength());
        Assert.True(strides.GetArrayLength() > 250);
        var bouts = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{id}/bouts");
        Assert.Equal(store.GetBouts(id).Count, bouts.GetArrayLength());
        var analysis = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{id}/analysis");
        Assert.Contains(analysis.GetProperty("stretches").EnumerateArray(), s => s.GetProperty("kind").GetString() == "overstride");

        var tcx = await http.GetAsync($"/api/sessions/{id}/export.tcx");
        Assert.Equal("application/vnd.garmin.tcx+xml", tcx.Content.Headers.ContentType!.MediaType);
        var doc = XDocument.Parse(await tcx.Content.ReadAsStringAsync());
        Assert.Equal(strides.GetArrayLength(), doc.Descendants(XName.Get("Trackpoint", "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2")).Count());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/sessions/999/strides")).StatusCode);

        // The live tile kept the last values; the overstride cue is on it.
        var live = await http.GetFromJsonAsync<JsonElement>("/api/live");
        var tile = live.GetProperty("tiles")[0];
        Assert.Equal("ann", tile.GetProperty("runner").GetString());
        Assert.Equal("ended", tile.GetProperty("gait").GetString());
        Assert.Contains(tile.GetProperty("cues").EnumerateArray(), c => c.GetProperty("kind").GetString() == "overstride");
        Assert.Equal(id, tile.GetProperty("sessionId").GetInt64());

        // SSE: nothing changes now, yet tiles keep coming at least once a second.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var stream = await http.GetStreamAsync("/api/live/stream", cts.Token);
        using var reader = new StreamReader(stream);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var tiles = 0;
        while (tiles < 3)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            if (line == "event: tiles") tiles++;
        }

        Assert.InRange(sw.Elapsed.TotalSeconds, 1.5, 3.5); // first at once, then ~1/s
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Json_is_compressed_for_clients_that_accept_it_and_the_stream_is_not(string encoding)
    {
        // Before: no response compression (1.6 MB of stride JSON for a 28-minute session went out as it was).
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var board = new LiveBoard();
        await using var server = new DashboardServer(board, store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        var id = await LiveRun.StreamAsync(board, store, "ann", "sample-walk-run", 1000, CancellationToken.None);
        using var plain = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        var identity = await plain.GetByteArrayAsync($"/api/sessions/{id}/strides");

        using var raw = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri(server.Addresses[0]) };
        using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}/strides");
        req.Headers.AcceptEncoding.ParseAdd(encoding);
        using var res = await raw.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal([encoding], res.Content.Headers.ContentEncoding);
        var packed = await res.Content.ReadAsByteArrayAsync();
        await using var unpacked = encoding == "br"
            ? (Stream)new System.IO.Compression.BrotliStream(new MemoryStream(packed), System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(new MemoryStream(packed), System.IO.Compression.CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await unpacked.CopyToAsync(copy);
        Assert.Equal(identity, copy.ToArray());
        Assert.True(packed.Length * 2 < identity.Length, $"{encoding}: {packed.Length} of {identity.Length} bytes");

        // The live stream stays uncompressed and unbuffered: events arrive as they are written.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var sse = new HttpRequestMessage(HttpMethod.Get, "/api/live/stream");
        sse.Headers.AcceptEncoding.ParseAdd(encoding);
        using var streamRes = await raw.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Empty(streamRes.Content.Headers.ContentEncoding);
        using var reader = new StreamReader(await streamRes.Content.ReadAsStreamAsync(cts.Token));
        var tiles = 0;
        while (tiles < 2) if (await reader.ReadLineAsync(cts.Token) == "event: tiles") tiles++;
    }

    [Fact]
    public void Board_keeps_bounded_memory_and_sensor_state()
    {
        var board = new LiveBoard(new LiveBoardSettings { StrideRing = 16 });
        var sink = board.SinkFor("zoe");
        for (var i = 0; i < 1000; i++)
            sink.OnStride(new StrideMetrics { Foot = (Foot)(i % 2), IcTimeS = i * 0.38, StrideTimeS = 0.76, NextIcTimeS = (i * 0.38) + 0.76, CadenceSpm = 158, SpeedMps = 2.8, StrideLengthM = 2.1, ContactTimeS = 0.23, Gait = Gait.Run, OverstrideIndex = 0.95, CalfLoad = 1 });
        board.UpdateSensor("zoe", Foot.Right, 41, "reconnecting", 2.5);
        var t = Assert.Single(board.Snapshot());
        Assert.Equal(1000, t.Strides);
        Assert.Equal(16, t.RecentCadenceSpm.Count);
        Assert.Equal(158, t.CadenceSpm!.Value, 6);
        Assert.Equal(1000 / 2.8, t.PaceSPerKm!.Value, 6);
        Assert.Equal("run", t.Gait);
        var right = t.Sensors.Single(s => s.Foot == "right");
        Assert.Equal((41.0, "reconnecting", 2.5), (right.BatteryPct!.Value, right.LinkState, right.PacketLossPct!.Value));
        Assert.Equal(1000 * 2.1 / 2, t.DistanceM!.Value, 6);
    }

    [Fact]
    public void The_gait_badge_describes_the_tile_window_not_the_last_stride()
    {
        // Before: the badge was the last stride's gait ("walk" beside a 10-s running average).
        var board = new LiveBoard();
        var sink = board.SinkFor("zoe");
        var t = 0.0;
        for (; t < 9.5; t += 0.38) sink.OnStride(new StrideMetrics { IcTimeS = t, CadenceSpm = 158, SpeedMps = 2.8, Gait = Gait.Run });
        sink.OnStride(new StrideMetrics { IcTimeS = t, CadenceSpm = 120, SpeedMps = 1.5, Gait = Gait.Walk });
        Assert.Equal("run", board.Tile("zoe")!.Gait);
        for (var i = 0; i < 30; i++) sink.OnStride(new StrideMetrics { IcTimeS = t += 0.5, CadenceSpm = 116, SpeedMps = 1.4, Gait = Gait.Walk });
        Assert.Equal("walk", board.Tile("zoe")!.Gait);
    }

    [Fact]
    public void A_new_session_for_the_same_runner_replaces_the_old_sink()
    {
        var board = new LiveBoard();
        var old = board.SinkFor("zoe");
        var fresh = board.SinkFor("zoe");
        old.OnStride(new StrideMetrics { IcTimeS = 1, Gait = Gait.Run });
        Assert.Equal(0, board.Tile("zoe")!.Strides);
        fresh.OnStride(new StrideMetrics { IcTimeS = 1, Gait = Gait.Run });
        Assert.Equal(1, board.Tile("zoe")!.Strides);
    }
}
