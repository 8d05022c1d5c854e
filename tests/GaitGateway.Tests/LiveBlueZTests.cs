using System.Diagnostics;
using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Storage.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// The whole live path through BlueZ's D-Bus API, as a user runs it: a private dbus-daemon, the BlueZ simulator
/// streaming two shoe clips (one runner) and the real <c>gaitgw run</c> process with a generated configuration.
/// </summary>
public sealed class LiveBlueZTests(ITestOutputHelper output)
{
    private const string Left = "C0:FF:EE:00:10:01";
    private const string Right = "C0:FF:EE:00:10:02";

    [Fact]
    public async Task Gaitgw_run_through_BlueZ_stores_records_and_replays_both_feet()
    {
        if (!BlueZSimHost.DaemonAvailable)
        {
            output.WriteLine("SKIPPED: dbus-daemon not installed (apt-get install dbus); the live BlueZ path was not tested");
            return;
        }

        await using var sim = await BlueZSimHost.StartAsync($"--clips 2 --footpods 0 --rate 400 --time-scale 1 --plan run-steady --addresses {Left},{Right}");
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

/// <summary>
/// A private dbus-daemon (the Debian "dbus" package) with the BlueZ simulator owning org.bluez on it — the start-up
/// part of tests/GaitGateway.Bluetooth.Tests/SimEnvironment.cs, without the fault calls.
/// </summary>
internal sealed class BlueZSimHost : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _daemon;
    private Process? _sim;

    private BlueZSimHost(string dir) => _dir = dir;

    public static bool DaemonAvailable =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, "dbus-daemon")))
        && File.Exists("/usr/share/dbus-1/session.conf");

    public string BusAddress { get; private set; } = "";

    public static async Task<BlueZSimHost> StartAsync(string simArgs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gaitgw-bluez-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var env = new BlueZSimHost(dir);
        try
        {
            var daemon = new ProcessStartInfo("dbus-daemon") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--config-file=/usr/share/dbus-1/session.conf", $"--address=unix:path={dir}/bus", "--nofork", "--print-address" })
                daemon.ArgumentList.Add(a);
            env._daemon = Process.Start(daemon) ?? throw new InvalidOperationException("dbus-daemon did not start");
            env._daemon.ErrorDataReceived += (_, _) => { };
            env._daemon.BeginErrorReadLine();
            env.BusAddress = (await env._daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)))?.Trim()
                             ?? throw new InvalidOperationException("dbus-daemon printed no address");

            var sim = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            sim.ArgumentList.Add(SimDll());
            sim.ArgumentList.Add("--bus");
            sim.ArgumentList.Add(env.BusAddress);
            foreach (var a in simArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)) sim.ArgumentList.Add(a);
            env._sim = Process.Start(sim) ?? throw new InvalidOperationException("simulator did not start");
            env._sim.ErrorDataReceived += (_, _) => { };
            env._sim.BeginErrorReadLine();
            while (true)
            {
                var line = await env._sim.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                           ?? throw new InvalidOperationException("simulator exited before READY");
                if (line.StartsWith("READY", StringComparison.Ordinal)) break;
            }

            // Keep draining its stdout so the simulator never blocks on a full pipe.
            _ = env._sim.StandardOutput.ReadToEndAsync();
            return env;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    /// <summary>The simulator's dll: GAITGATEWAY_BLUEZSIM_DLL, else src/GaitGateway.BlueZSim/bin/&lt;Configuration&gt;/&lt;tfm&gt;
    /// (built first through this project's ReferenceOutputAssembly=false reference).</summary>
    private static string SimDll()
    {
        if (Environment.GetEnvironmentVariable("GAITGATEWAY_BLUEZSIM_DLL") is { Length: > 0 } overridden) return overridden;
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Repo.Root, "src", "GaitGateway.BlueZSim", "bin", here.Parent!.Name, here.Name, "GaitGateway.BlueZSim.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("BlueZ simulator not built (dotnet build src/GaitGateway.BlueZSim)", dll);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in new[] { _sim, _daemon })
        {
            if (p is null) continue;
            try
            {
                if (!p.HasExited) p.Kill();
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // best effort
            }

            p.Dispose();
        }

        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
