using System.Globalization;
using GaitGateway.Bluetooth.Tests;
using GaitGateway.Core.Samples;
using GaitGateway.Storage.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// The whole live path through BlueZ's D-Bus API, as a user runs it: a private dbus-daemon, the BlueZ simulator
/// streaming two shoe clips (one runner) and the real <c>gaitgw run</c> process with a generated configuration.
/// </summary>
// One live BlueZ run at a time (each is a dbus-daemon, the simulator and gaitgw): on 2 cores, runs side by side
// skew each other's timing, which the absolute-time test measures.
[Collection("live-bluez")]
public sealed class LiveBlueZTests(ITestOutputHelper output)
{
    private const string Left = "C0:FF:EE:00:10:01";
    private const string Right = "C0:FF:EE:00:10:02";

    [Fact]
    public async Task Gaitgw_run_through_BlueZ_stores_records_and_replays_both_feet()
    {
        if (!SimEnvironment.DaemonAvailable)
        {
            output.WriteLine("SKIPPED: dbus-daemon not installed (apt-get install dbus); the live BlueZ path was not tested");
            return;
        }

        await using var sim = await SimEnvironment.StartAsync($"--clips 2 --footpods 0 --rate 400 --time-scale 1 --plan run-steady --addresses {Left},{Right}");
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "live.db");
        var config = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "GaitGateway": {
                "SensorStatusIntervalS": 2,
                "Runners": [ { "Name": "e2e", "Left": "{{Left}}", "Right": "{{Right}}" } ]
              }
            }
            """);

        var run = Repo.Gaitgw("run", "--config", config, "--bus", sim.BusAddress, "--store", store, "--duration", "30", "--no-dashboard");
        output.WriteLine(run.Out);
        output.WriteLine(run.Err);
        Assert.Equal(0, run.Exit);
        // End-to-end latency (sensor timestamp of the closing sample → stride committed) was measured for every
        // stride a sample closed, i.e. all but the few that the stop released.
        var latency = System.Text.RegularExpressions.Regex.Match(run.Out,
            @"from sensor timestamp to stored p50 (?<p50>[0-9.]+) ms, p99 (?<p99>[0-9.]+) ms \((?<n>\d+) strides\)");
        Assert.True(latency.Success, "no latency line in the log");
        var p50 = double.Parse(latency.Groups["p50"].Value, CultureInfo.InvariantCulture);
        var p99 = double.Parse(latency.Groups["p99"].Value, CultureInfo.InvariantCulture);
        var measured = int.Parse(latency.Groups["n"].Value, CultureInfo.InvariantCulture);
        Assert.True(p50 > 0 && p50 <= p99, $"p50 {p50} ms, p99 {p99} ms");

        using (var s = SqliteStore.Open(store))
        {
            var session = Assert.Single(s.ListSessions());
            Assert.Equal("e2e", session.Runner);
            Assert.NotNull(session.EndedUtc);
            var strides = s.GetStrides(session.Id);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{strides.Count} strides stored"));
            // 30 s in real time (sensor clocks must run at wall-clock speed for the latency to mean anything): ~27 s of
            // running after the lead-in at ~80 strides/min per foot, well over 50.
            Assert.True(strides.Count > 50, $"only {strides.Count} strides");
            Assert.InRange(measured, strides.Count - 4, strides.Count);
            Assert.Contains(strides, x => x.Foot == Foot.Left);
            Assert.Contains(strides, x => x.Foot == Foot.Right);
            // The runner default asks ±32 g of clips that can do it (ShoeClipRequest.RunningDefault says why); the
            // simulated clips start at their own ±16 g.
            Assert.Equal(2, session.Sensors.Count);
            Assert.All(session.Sensors, x => Assert.Equal(32, x.AccRangeG));

            var status = s.GetSensorStatus(session.Id);
            Assert.Contains(status, r => r.SensorId == "e2e/0" && r.PacketsReceived > 0);
            Assert.Contains(status, r => r.SensorId == "e2e/1" && r.PacketsReceived > 0);
            Assert.All(status, r => Assert.Equal(0, r.PacketsLost));

            // The recording of the live session replays through the same pipeline to the same strides (the last
            // stride or two may differ: the recording is cut where the run stopped).
            Assert.NotNull(session.RecordingPath);
            Assert.True(File.Exists(session.RecordingPath), session.RecordingPath);
            var export = Path.Combine(dir, "replay.csv");
            var replay = Repo.Gaitgw("replay", session.RecordingPath!, "--no-store", "--quiet", "--export", export);
            Assert.True(replay.Exit == 0, replay.Err);
            var replayed = File.ReadAllLines(export).Length - 1;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{replayed} strides replayed"));
            Assert.InRange(replayed, strides.Count - 2, strides.Count + 2);
        }
    }
}
