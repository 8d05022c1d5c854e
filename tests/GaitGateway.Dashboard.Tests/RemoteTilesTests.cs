using System.Net;
using System.Text.Json;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Influx;

namespace GaitGateway.Dashboard.Tests;

/// <summary>Central mode on the serve side: tiles from other gateways on the board, their new cues to the streams.</summary>
public sealed class RemoteTilesTests
{
    private static RunnerTile Tile(string runner, long session, string gait, params CueView[] cues) => new(
        runner, session, null, 1, 10, gait, 20, 30, 160, 3, 333, 1.1, 0.25, 0.1, "rearfoot", 12, 0.5, 0.4, 0, 10, 9, 111, 50, 1, 1, true,
        [160.0], [new SensorTile("left", "a", 90, "connected", 0), new SensorTile("right", "b", 90, "connected", 0)], cues);

    private static CueView Cue(string runner, long session, double t, string kind) =>
        new(runner, session, t, kind, "words", "calf_load_per_min", 12, null, DateTimeOffset.UnixEpoch.AddSeconds(t));

    [Fact]
    public void Remote_tiles_show_beside_the_board_and_only_their_new_cues_are_streamed()
    {
        var board = new LiveBoard();
        using var sub = board.Subscribe();
        var v0 = board.Version;
        board.ShowRemote([Tile("ann", 7, "run", Cue("ann", 7, 5, "calf_load"))], "1");
        Assert.Equal("ann", Assert.Single(board.Snapshot()).Runner);
        Assert.Contains(7L, board.LiveSessionIds());
        Assert.True(board.Version > v0);
        Assert.False(sub.Reader.TryRead(out _)); // the first view's cues are the stored ones the page loads itself

        var v1 = board.Version;
        board.ShowRemote([Tile("ann", 7, "run", Cue("ann", 7, 5, "calf_load"))], "1");
        Assert.Equal(v1, board.Version); // same content: nothing moved

        board.ShowRemote([Tile("ann", 7, "ended", Cue("ann", 7, 9, "overstride"), Cue("ann", 7, 5, "calf_load")), Tile("bob", 8, "walk")], "2");
        Assert.True(sub.Reader.TryRead(out var fresh));
        Assert.Equal(("overstride", 9.0), (fresh.Kind, fresh.TimeS));
        Assert.False(sub.Reader.TryRead(out _));
        Assert.Equal(["ann", "bob"], board.Snapshot().Select(t => t.Runner));
        Assert.Equal([8L], board.LiveSessionIds()); // ann's session ended
    }

    [Fact]
    public async Task Over_an_InfluxDB_that_does_not_answer_the_api_says_so_with_503()
    {
        // Port 1 on loopback: nothing listens.
        using var client = new InfluxQueryClient(new InfluxQuerySettings("http://127.0.0.1:1", "gait", null) { RequestTimeout = TimeSpan.FromSeconds(2) });
        await using var server = new DashboardServer(new LiveBoard(), new InfluxSessionReader(client), new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        foreach (var path in new[] { "/api/sessions", "/api/sessions/5", "/api/history/ann" })
        {
            using var r = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            Assert.Contains("no answer to a query", doc.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
