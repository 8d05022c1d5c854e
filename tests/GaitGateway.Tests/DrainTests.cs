using GaitGateway.Storage.Sqlite;
using GaitGateway.Storage.Tests;

namespace GaitGateway.Tests;

/// <summary>A gateway that stops cleanly leaves nothing unforwarded (issue 14 item 2).</summary>
public sealed class DrainTests
{
    private const string Db = "gaitgw";

    [RequiresBinaryFact(InfluxDb1Server.BinaryName, InfluxDb1Server.Package)]
    public async Task A_clean_stop_forwards_the_last_strides()
    {
        // Before: the forwarder was stopped before the gateway flushed its last strides, which stayed queued in the
        // store until the next start (two simulated gateways stopped with 315 and 320 of 322 strides in InfluxDB).
        using var server = new InfluxDb1Server();
        await server.CreateDatabaseAsync(Db);
        var store = Path.Combine(Repo.TempDir(), "s.db");
        // Stopped by --duration mid-session (80 of the plan's 148 s at 10×), while strides still arrive.
        var r = Repo.Gaitgw("run", "--simulate", "sample-walk-run", "--time-scale", "10", "--duration", "8", "--no-dashboard",
            "--store", store, "--influx-url", server.Url, "--influx-mode", "v1", "--influx-bucket", Db);
        Assert.True(r.Exit == 0, r.Out + r.Err);
        long stored;
        using (var s = SqliteStore.Open(store))
        {
            stored = s.GetStrides(Assert.Single(s.ListSessions()).Id).Count;
            Assert.Equal(0, s.CountUnforwarded("influx", ForwardTable.Strides));
        }

        var rows = await server.QueryAsync(Db, "SELECT count(ic_time_s) FROM stride");
        Assert.True(stored > 100, $"{stored} strides");
        Assert.Equal(stored, rows[0]["count"].GetInt64());
        Assert.Contains("points sent on stop; nothing left queued", r.Out + r.Err, StringComparison.Ordinal);
    }
}
