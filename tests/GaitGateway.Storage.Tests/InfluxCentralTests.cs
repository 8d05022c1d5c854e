using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

/// <summary>
/// Central mode (issue 14) against a real InfluxDB 1.6: what gateways forward reads back through our InfluxQL client
/// as exactly what their stores hold, without duplicates when sent again, apart per gateway, and injection-safe.
/// </summary>
public sealed class InfluxCentralTests
{
    private const string Db = "gait";

    private static InfluxSinkSettings Settings(InfluxDb1Server server, string gateway) => new(server.Url, "", Db, null, InfluxMode.V1)
    {
        GatewayId = gateway,
        BatchSize = 100,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(5),
        PlanWeekRun = p => p == "c25k-w6r2" ? (6, 2) : null,
    };

    /// <summary>A runner name and texts that would break a query built by concatenation, or line protocol escaped badly.</summary>
    private const string Tricky = "o'brien \" OR ''='";

    private static (SqliteStore Store, long Id) Fill(string path, string runner, int strides, int seed)
    {
        var store = SqliteStore.Open(path);
        var id = store.BeginSession(TestData.Session(runner) with { Plan = "c25k-w6r2", Name = "W6R2 \"evening\"\nsecond line \\ end" });
        store.AppendStrides(id, TestData.Strides(strides, seed));
        store.AppendBouts(id, TestData.Bouts());
        store.AppendAlert(id, new AlertRecord(12.5, "overstride", "Shorten your stride,\nplease \"now\" \\ ok", "overstride_index", 2.4, "index 2.4 = strike 1.6 + cadence 0.8", Baseline: 0.25));
        // Both clips' battery in one tick: same kind, same time — two alerts, never one overwriting the other.
        store.AppendAlert(id, new AlertRecord(20, "battery_low", "Low battery on the left clip: 12 %.", "battery_pct", 12));
        store.AppendAlert(id, new AlertRecord(20, "battery_low", "Low battery on the right clip: 14 %.", "battery_pct", 14));
        store.AppendSensorStatus(id, new SensorStatusRecord("AA:BB:CC:00:00:01", 5, 88.5, 520, 2, "connected", 3, 1, "not found within 10 s"));
        store.EndSession(id, TestData.Start.AddMinutes(10));
        return (store, id);
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Two_gateways_sessions_read_back_through_InfluxQL_exactly_as_each_store_holds_them()
    {
        // Before issue 14 only strides, bouts and status were forwarded, untagged by gateway: no session, no alert, and
        // two gateways' session 1 were one series.
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        var (a, aId) = Fill(dir.File("a.db"), Tricky, 300, 1);
        var (b, bId) = Fill(dir.File("b.db"), "bob", 200, 2);
        using (a)
        using (b)
        {
            Assert.Equal(aId, bId); // both stores call it session 1
            using (var fa = new InfluxForwarder(a, Settings(server, "gw-a"))) await fa.ForwardPendingAsync();
            using (var fb = new InfluxForwarder(b, Settings(server, "gw-b"))) await fb.ForwardPendingAsync();

            using var client = new InfluxQueryClient(new InfluxQuerySettings(server.Url, Db, null));
            var reader = new InfluxSessionReader(client);
            var sessions = await reader.ListSessionsAsync();
            Assert.Equal(2, sessions.Count);
            foreach (var (store, gateway) in new[] { (a, "gw-a"), (b, "gw-b") })
            {
                var local = Assert.Single(store.ListSessions());
                var central = Assert.Single(sessions, s => s.Origin!.Gateway == gateway);
                Assert.Equal(InfluxSessionReader.CentralId(gateway, local.Id), central.Id);
                Assert.Equal(local.Id, central.Origin!.GatewaySessionId);
                AssertSameSession(local, central);
                AssertSameSession(local, (await reader.GetSessionAsync(central.Id))!);
                Assert.Equal(store.GetStrides(local.Id), await reader.GetStridesAsync(central.Id)); // commit order, bit-exact (NaN = NaN)
                Assert.Equal(store.GetBouts(local.Id), await reader.GetBoutsAsync(central.Id));
                Assert.Equal(store.GetAlerts(local.Id), await reader.GetAlertsAsync(central.Id));
            }

            Assert.NotEqual(sessions[0].Id, sessions[1].Id);
            Assert.Null(await reader.GetSessionAsync(InfluxSessionReader.CentralId("gw-c", 1)));
            Assert.Empty(await reader.GetStridesAsync(InfluxSessionReader.CentralId("gw-c", 1)));
            var week = await server.QueryAsync(Db, "SELECT c25k_week, c25k_run FROM \"session\" GROUP BY gateway");
            Assert.All(week, r => Assert.Equal((6, 2), (r["c25k_week"].L(), r["c25k_run"].L())));
            var status = Assert.Single(await server.QueryAsync(Db, "SELECT * FROM sensor_status WHERE gateway = 'gw-a'"));
            Assert.Equal("not found within 10 s", status["last_error"].S());
            Assert.Equal(3, status["connect_attempts"].L());

            // Sent again from scratch (another sink name: every row and session again): no point more.
            var before = await Counts(server);
            using (var again = new InfluxForwarder(a, Settings(server, "gw-a") with { SinkName = "again" })) await again.ForwardPendingAsync();
            Assert.Equal(before, await Counts(server));
            Assert.Equal(2, (await reader.ListSessionsAsync()).Count);
        }
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task A_session_point_follows_the_session_until_it_ends_and_stays_one_point()
    {
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session("ann"));
        using var fwd = new InfluxForwarder(store, Settings(server, "gw"));
        using var client = new InfluxQueryClient(new InfluxQuerySettings(server.Url, Db, null));
        var reader = new InfluxSessionReader(client);

        await fwd.ForwardPendingAsync();
        var open = Assert.Single(await reader.ListSessionsAsync());
        Assert.Null(open.EndedUtc);
        Assert.Equal(0, open.StrideCount);

        store.AppendStrides(id, TestData.Strides(50));
        await fwd.ForwardPendingAsync();
        Assert.Equal(50, Assert.Single(await reader.ListSessionsAsync()).StrideCount);

        store.EndSession(id, TestData.Start.AddMinutes(3));
        await fwd.ForwardPendingAsync(); // no row changed, only the end: sent because the session was open before
        var ended = Assert.Single(await reader.ListSessionsAsync());
        AssertSameSession(store.GetSession(id)!, ended);
        Assert.Single(await server.QueryAsync(Db, "SELECT * FROM \"session\""));
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Query_values_are_bound_parameters_and_literals_are_refused()
    {
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var client = new InfluxQueryClient(new InfluxQuerySettings(server.Url, Db, null));
        // A value that would widen a concatenated WHERE clause finds nothing as a bound parameter.
        using var dir = new TempDir();
        var (store, _) = Fill(dir.File("a.db"), "ann", 10, 1);
        using (store)
        using (var fwd = new InfluxForwarder(store, Settings(server, "gw"))) await fwd.ForwardPendingAsync();
        var none = await client.QueryAsync("SELECT * FROM \"stride\" WHERE \"runner\" = $r", new Dictionary<string, object> { ["r"] = "x' OR runner =~ /.*/ OR runner = 'y" });
        Assert.Empty(none);
        var ann = await client.QueryAsync("SELECT * FROM \"stride\" WHERE \"runner\" = $r", new Dictionary<string, object> { ["r"] = "ann" });
        Assert.Equal(10, ann.Sum(s => s.Values.Count));
        await Assert.ThrowsAsync<ArgumentException>(() => client.QueryAsync("SELECT * FROM \"stride\" WHERE \"runner\" = 'ann'"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.QueryAsync("SELECT * FROM \"stride\"; DROP DATABASE gait"));
        var e = await Assert.ThrowsAsync<StoreException>(() => client.QueryAsync("SELECT * FROM \"stride\" WHERE"));
        Assert.Contains("query failed", e.Message, StringComparison.Ordinal);
    }

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task Two_gateway_names_whose_ids_collide_are_reported_not_mixed()
    {
        // The central id keeps 21 bits of the name's hash: among a few thousand names two share them.
        var seen = new Dictionary<long, string>();
        string? x = null, y = null;
        for (var i = 0; x is null; i++)
        {
            var name = "gw-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var prefix = InfluxSessionReader.CentralId(name, 0) >> 32;
            if (seen.TryGetValue(prefix, out var other)) (x, y) = (other, name);
            else seen[prefix] = name;
        }

        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        using var dir = new TempDir();
        foreach (var name in new[] { x, y! })
        {
            using var store = SqliteStore.Open(dir.File(name + ".db"));
            store.BeginSession(TestData.Session(name));
            using var fwd = new InfluxForwarder(store, Settings(server, name));
            await fwd.ForwardPendingAsync();
        }

        using var client = new InfluxQueryClient(new InfluxQuerySettings(server.Url, Db, null));
        var e = await Assert.ThrowsAsync<StoreException>(() => new InfluxSessionReader(client).ListSessionsAsync());
        Assert.Contains($"'{x}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{y}'", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(int, int, int, int, int)> Counts(InfluxDb1Server server)
    {
        async Task<int> N(string m) => (await server.QueryAsync(Db, $"SELECT * FROM \"{m}\"")).Count;
        return (await N("stride"), await N("bout"), await N("alert"), await N("sensor_status"), await N("session"));
    }

    private static void AssertSameSession(StoredSession local, StoredSession central)
    {
        Assert.Equal(local with { Id = central.Id, Origin = central.Origin, Sensors = central.Sensors }, central);
        Assert.Equal(local.Sensors, central.Sensors);
    }
}
