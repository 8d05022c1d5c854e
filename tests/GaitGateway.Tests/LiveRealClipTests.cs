using System.Globalization;
using GaitGateway.Bluetooth.Tests;
using GaitGateway.Storage.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// Issue 13 through the real <c>gaitgw run</c> process and the BlueZ simulator: what a new user with real clips meets.
/// </summary>
public sealed class LiveRealClipTests(ITestOutputHelper output)
{
    private const string Left = "C0:FF:EE:00:20:01";
    private const string Right = "C0:FF:EE:00:20:02";

    private static async Task<string> ConfigAsync(string dir, string runner)
    {
        var config = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "GaitGateway": {
                "SensorStatusIntervalS": 1,
                "DiscoveryTimeoutS": 1,
                "Runners": [ {{runner}} ]
              }
            }
            """);
        return config;
    }

    [Fact]
    public async Task A_clip_that_never_connects_is_logged_with_its_reason_and_counted_in_sensor_status()
    {
        if (!SimEnvironment.DaemonAvailable)
        {
            output.WriteLine("SKIPPED: dbus-daemon not installed (apt-get install dbus)");
            return;
        }

        // Only the left clip exists; the right one of the allow-list is never in range.
        await using var sim = await SimEnvironment.StartAsync($"--clips 1 --footpods 0 --addresses {Left}");
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "live.db");
        var config = await ConfigAsync(dir, $$"""{ "Name": "r1", "Left": "{{Left}}", "Right": "{{Right}}" }""");

        var run = Repo.Gaitgw("run", "--config", config, "--bus", sim.BusAddress, "--store", store, "--duration", "8", "--no-dashboard");
        output.WriteLine(run.Out);
        output.WriteLine(run.Err);
        Assert.Equal(0, run.Exit);

        var failures = run.Out.Split('\n').Where(l => l.Contains($"r1/right {Right}: connection attempt", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count >= 2, $"{failures.Count} failed attempts logged");
        Assert.All(failures, l => Assert.Contains("not found within 1 s", l, StringComparison.Ordinal));

        using var s = SqliteStore.Open(store);
        var session = Assert.Single(s.ListSessions());
        var status = s.GetSensorStatus(session.Id);
        var right = status.Where(r => r.SensorId == "r1/1").ToList();
        var left = status.Where(r => r.SensorId == "r1/0").ToList();
        Assert.NotEmpty(right);
        Assert.NotEmpty(left);
        var last = right[^1];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"right: {last}"));
        Assert.True(last.ConnectFailures >= 2, $"{last.ConnectFailures} failures stored");
        Assert.Equal(0, last.PacketsReceived);
        Assert.Contains("not found", last.LastError, StringComparison.Ordinal);
        Assert.Equal(0, left[^1].ConnectFailures);
        Assert.Equal(1, left[^1].ConnectAttempts);
        Assert.True(left[^1].PacketsReceived > 0);
    }
}
