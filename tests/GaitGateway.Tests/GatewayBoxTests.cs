using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using GaitGateway.Bluetooth.Tests;
using GaitGateway.Storage.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// Issue 13, "a gateway box": gaitgw run as a systemd Type=notify service, with a test NOTIFY_SOCKET in place of
/// systemd's (the protocol is one datagram per state change, sd_notify(3)).
/// </summary>
[Collection("live-bluez")]
public sealed class GatewayBoxTests(ITestOutputHelper output)
{
    private const string Left = "C0:FF:EE:00:30:01";
    private const string Right = "C0:FF:EE:00:30:02";

    [Fact]
    public async Task Ready_once_store_and_sensors_are_up_stopping_on_sigterm_and_the_store_closed_cleanly()
    {
        if (!SimEnvironment.DaemonAvailable)
        {
            output.WriteLine("SKIPPED: dbus-daemon not installed (apt-get install dbus)");
            return;
        }

        await using var sim = await SimEnvironment.StartAsync($"--clips 2 --footpods 0 --addresses {Left},{Right}");
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "box.db");
        var config = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(config, $$"""
            { "GaitGateway": { "Runners": [ { "Name": "box", "Left": "{{Left}}", "Right": "{{Right}}" } ] } }
            """);
        var notifyPath = Path.Combine(dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"), "run", "--config", config, "--bus", sim.BusAddress, "--store", store, "--no-dashboard" })
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Repo.TempDir();
        psi.Environment["NOTIFY_SOCKET"] = notifyPath;
        using var gaitgw = Process.Start(psi)!;
        var stdout = gaitgw.StandardOutput.ReadToEndAsync();
        var stderr = gaitgw.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(60)));
            // Ready means ready: the store holds the session and both clips are being connected.
            using (var s = SqliteStore.Open(store))
            {
                var session = Assert.Single(s.ListSessions());
                Assert.Null(session.EndedUtc);
            }

            await Task.Delay(4000);
            using (var kill = Process.Start("kill", ["-TERM", gaitgw.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(30)));
            await gaitgw.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!gaitgw.HasExited) gaitgw.Kill(true);
        }

        var log = await stdout;
        output.WriteLine(log);
        output.WriteLine(await stderr);
        Assert.Equal(0, gaitgw.ExitCode);
        // Journal format (systemd console formatter): "<6>" priority prefixes instead of "info:".
        Assert.Contains("<6>GaitGateway.Live.LiveGatewayService", log, StringComparison.Ordinal);
        // Closed cleanly: the session ended and SQLite checkpointed and removed its write-ahead log on the last close.
        Assert.False(File.Exists(store + "-wal"), "write-ahead log left behind");
        using var after = SqliteStore.Open(store);
        var ended = Assert.Single(after.ListSessions());
        Assert.NotNull(ended.EndedUtc);
        // and the recording is whole: every frame complete, no torn tail, data from both clips.
        using var recording = GaitGateway.Core.Recording.RecordingReader.Open(ended.RecordingPath!);
        var frames = new int[2];
        while (recording.TryReadNext(out var frame)) frames[frame.SensorIndex]++;
        Assert.Null(recording.TornTail);
        Assert.All(frames, n => Assert.True(n > 20, $"{n} frames"));
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(timeout);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n).Trim();
    }
}
