using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;
using GaitGateway.Storage.Tests;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// Central mode end to end (issue 14): two simulated gateways (two <c>gaitgw run</c> processes, runners ann and bob)
/// forward to one real InfluxDB 1.6 and one <c>gaitgw serve --influx-url</c> reads it: live tiles of both within 2 s
/// of each gateway's own, and Sessions, Session, History (and the exports) answering for each session exactly what
/// the dashboard answers over that gateway's own store.
/// </summary>
public sealed class CentralModeTests(ITestOutputHelper output)
{
    private const string Db = "gait";

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Serve_over_InfluxDB_shows_two_gateways_live_and_their_sessions_as_their_own_stores_do()
    {
        // Before: serve had no --influx-url (exit 1, unrecognised option), and gateways forwarded neither sessions,
        // alerts nor live tiles, nor a gateway tag (two gateways' session 1 would be one series).
        var total = Stopwatch.StartNew();
        using var influx = new InfluxDb1Server();
        await influx.CreateDatabaseAsync(Db);
        var dir = Repo.TempDir();
        var gateways = new[] { (Id: "gw-a", Runner: "ann"), (Id: "gw-b", Runner: "bob") };
        var running = gateways.Select(g => Background.StartWithEnv(
            new Dictionary<string, string> { ["GAITGW_Runners__0__Name"] = g.Runner },
            "run", "--simulate", "sample-walk-run", "--time-scale", "10", "--store", Path.Combine(dir, g.Id + ".db"),
            "--influx-url", influx.Url, "--influx-mode", "v1", "--influx-bucket", Db, "--gateway-id", g.Id,
            "--dashboard-urls", "http://127.0.0.1:0")).ToArray();
        using var serve = Background.Start("serve", "--influx-url", influx.Url, "--influx-mode", "v1", "--influx-bucket", Db, "--dashboard-urls", "http://127.0.0.1:0");
        try
        {
            const string listening = @"Dashboard on (?<url>http://127\.0\.0\.1:\d+)";
            using var central = new HttpClient { BaseAddress = new Uri((await serve.WaitForAsync(listening, TimeSpan.FromSeconds(60))).Groups["url"].Value) };
            var own = new HttpClient[gateways.Length];
            for (var i = 0; i < gateways.Length; i++) own[i] = new HttpClient { BaseAddress = new Uri((await running[i].WaitForAsync(listening, TimeSpan.FromSeconds(60))).Groups["url"].Value) };

            // Live: each gateway's tile as its own dashboard shows it now, then the central one until it has caught up.
            var lags = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < gateways.Length; i++)
                {
                    var mine = await Tile(own[i], gateways[i].Runner, TimeSpan.FromSeconds(30));
                    var strides = mine!["strides"]!.GetValue<long>();
                    var sw = Stopwatch.StartNew();
                    JsonNode? theirs = null;
                    while (sw.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        theirs = await Tile(central, gateways[i].Runner, TimeSpan.Zero);
                        if (theirs is not null && theirs["strides"]!.GetValue<long>() >= strides) break;
                        await Task.Delay(50);
                    }

                    lags.Add(sw.Elapsed.TotalSeconds);
                    Assert.True(theirs is not null && theirs["strides"]!.GetValue<long>() >= strides, $"central tile of {gateways[i].Runner}: {theirs}\n{serve.Log}");
                    var localId = mine["sessionId"]!.GetValue<long>();
                    Assert.Equal(InfluxSessionReader.CentralId(gateways[i].Id, localId), theirs!["sessionId"]!.GetValue<long>());
                    Assert.Equal(gateways[i].Id, theirs["gateway"]!.GetValue<string>());
                }

                await Task.Delay(700);
            }

            output.WriteLine($"central tile behind the gateway's own: {string.Join(", ", lags.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)))} s");
            Assert.All(lags, l => Assert.True(l < 2, $"central tile {l:0.00} s behind the gateway's own (all: {string.Join(", ", lags)})"));
            var during = JsonNode.Parse(await central.GetStringAsync("/api/sessions"))!.AsArray();
            Assert.All(gateways, g => Assert.Contains(during, s => s!["gateway"]!.GetValue<string>() == g.Id && s["live"]!.GetValue<bool>()));

            foreach (var g in running) await g.StopAsync(); // SIGTERM: sessions end, the forwarder drains
            Assert.All(running, g => Assert.True(g.ExitCode == 0, g.Log));
            await Task.Delay(1200); // the serve's next poll sees the ended tiles

            // Sessions, Session, History and the exports: serve over InfluxDB against the dashboard over each store.
            var list = JsonNode.Parse(await central.GetStringAsync("/api/sessions"))!.AsArray();
            Assert.Equal(gateways.Length, list.Count);
            for (var i = 0; i < gateways.Length; i++)
            {
                using var store = SqliteStore.OpenReadOnly(Path.Combine(dir, gateways[i].Id + ".db"));
                await using var server = new DashboardServer(new LiveBoard(), store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
                await server.StartAsync();
                using var local = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
                var localList = JsonNode.Parse(await local.GetStringAsync("/api/sessions"))!.AsArray();
                var localSession = Assert.Single(localList)!;
                var id = localSession["id"]!.GetValue<long>();
                var centralSession = Assert.Single(list, s => s!["gateway"]!.GetValue<string>() == gateways[i].Id)!;
                var cid = centralSession["id"]!.GetValue<long>();
                Assert.Equal(id, centralSession["gatewaySessionId"]!.GetValue<long>());
                Assert.Equal(InfluxSessionReader.CentralId(gateways[i].Id, id), cid);
                var ids = new Dictionary<long, long> { [cid] = id };
                AssertSameJson(localSession, AsLocal(centralSession, ids));
                AssertSameJson(JsonNode.Parse(await local.GetStringAsync($"/api/sessions/{id}")), AsLocal(JsonNode.Parse(await central.GetStringAsync($"/api/sessions/{cid}")), ids));
                Assert.True(localSession["strideCount"]!.GetValue<long>() > 100, localSession.ToJsonString());
                foreach (var part in new[] { "strides", "bouts", "analysis" })
                    Assert.Equal(await local.GetStringAsync($"/api/sessions/{id}/{part}"), await central.GetStringAsync($"/api/sessions/{cid}/{part}"));
                foreach (var part in new[] { "export.tcx", "export.fit" })
                    Assert.Equal(await local.GetByteArrayAsync($"/api/sessions/{id}/{part}"), await central.GetByteArrayAsync($"/api/sessions/{cid}/{part}"));
                var runner = Uri.EscapeDataString(gateways[i].Runner);
                AssertSameJson(JsonNode.Parse(await local.GetStringAsync($"/api/history/{runner}")), AsLocal(JsonNode.Parse(await central.GetStringAsync($"/api/history/{runner}")), ids));
                var cues = JsonNode.Parse(await central.GetStringAsync("/api/live/cues"))!.AsArray();
                Assert.Equal(store.GetAlerts(id).Count, cues.Count(c => c!["sessionId"]!.GetValue<long>() == cid));
            }

            output.WriteLine($"whole test {total.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            output.WriteLine(serve.Log);
            foreach (var g in running) output.WriteLine(g.Log);
            throw;
        }
        finally
        {
            foreach (var g in running) g.Dispose();
        }
    }

    private static async Task<JsonNode?> Tile(HttpClient http, string runner, TimeSpan wait)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var tiles = JsonNode.Parse(await http.GetStringAsync("/api/live"))!["tiles"]!.AsArray();
            var tile = tiles.FirstOrDefault(t => t!["runner"]!.GetValue<string>() == runner && t["strides"]!.GetValue<long>() > 0);
            if (tile is not null || sw.Elapsed >= wait) return tile;
            await Task.Delay(100);
        }
    }

    /// <summary>A central answer as the gateway's store would give it: central ids mapped back, origin fields dropped.</summary>
    private static JsonNode AsLocal(JsonNode? node, Dictionary<long, long> ids)
    {
        var copy = node!.DeepClone();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    o.Remove("gateway");
                    o.Remove("gatewaySessionId");
                    if (o["id"] is JsonValue v && v.TryGetValue<long>(out var id) && ids.TryGetValue(id, out var local)) o["id"] = local;
                    foreach (var (_, child) in o.ToList()) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }

        Walk(copy);
        return copy;
    }

    private static void AssertSameJson(JsonNode? expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\nactual   {actual.ToJsonString()}");
}
