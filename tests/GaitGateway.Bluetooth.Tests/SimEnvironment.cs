using System.Diagnostics;
using GaitGateway.Bluetooth.BlueZ;
using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>
/// A private dbus-daemon (the Debian "dbus" package) with the BlueZ simulator owning org.bluez on it. Nothing here
/// needs Bluetooth in the kernel or a system bus.
/// </summary>
public sealed class SimEnvironment : IAsyncDisposable
{
    public const string LeftClip = "C0:FF:EE:00:00:01";
    public const string RightClip = "C0:FF:EE:00:00:02";
    public const string Footpod = "F0:0D:00:00:00:01";

    private readonly string _dir;
    private Process? _daemon;
    private Process? _sim;
    private DBusConnection? _control;

    private SimEnvironment(string dir) => _dir = dir;

    /// <summary>Whether the Debian "dbus" package is installed (dbus-daemon and its session configuration).</summary>
    public static bool DaemonAvailable =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(p => File.Exists(Path.Combine(p, "dbus-daemon")))
        && File.Exists("/usr/share/dbus-1/session.conf");

    public string BusAddress { get; private set; } = "";
    public Process SimProcess => _sim!;

    public static async Task<SimEnvironment> StartAsync(string simArgs = "")
    {
        var dir = Path.Combine(Path.GetTempPath(), "gaitgw-bluez-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var env = new SimEnvironment(dir);
        try
        {
            await env.StartDaemonAsync();
            await env.StartSimAsync(simArgs);
            env._control = new DBusConnection(env.BusAddress);
            await env._control.ConnectAsync();
            return env;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    public Task<BlueZAdapter> ConnectAdapterAsync() => BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = BusAddress });

    private async Task StartDaemonAsync()
    {
        var psi = new ProcessStartInfo("dbus-daemon")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--config-file=/usr/share/dbus-1/session.conf", $"--address=unix:path={_dir}/bus", "--nofork", "--print-address" })
            psi.ArgumentList.Add(a);
        _daemon = Process.Start(psi) ?? throw new InvalidOperationException("dbus-daemon did not start (apt-get install dbus)");
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginErrorReadLine();
        var line = await _daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        BusAddress = line?.Trim() ?? throw new InvalidOperationException("dbus-daemon printed no address");
    }

    private async Task StartSimAsync(string simArgs)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(SimDll());
        psi.ArgumentList.Add("--bus");
        psi.ArgumentList.Add(BusAddress);
        foreach (var a in simArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries)) psi.ArgumentList.Add(a);
        _sim = Process.Start(psi) ?? throw new InvalidOperationException("simulator did not start");
        _sim.ErrorDataReceived += (_, _) => { };
        _sim.BeginErrorReadLine();
        while (true)
        {
            var line = await _sim.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                       ?? throw new InvalidOperationException("simulator exited before READY");
            if (line.StartsWith("READY", StringComparison.Ordinal)) break;
        }

        // Keep draining its stdout so the simulator never blocks on a full pipe.
        _ = _sim.StandardOutput.ReadToEndAsync();
    }

    private static string SimDll()
    {
        if (Environment.GetEnvironmentVariable("GAITGATEWAY_BLUEZSIM_DLL") is { Length: > 0 } overridden) return overridden;
        // tests/GaitGateway.Bluetooth.Tests/bin/<Configuration>/net10.0 → src/GaitGateway.BlueZSim/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var repo = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repo, "src", "GaitGateway.BlueZSim", "bin", configuration, tfm, "GaitGateway.BlueZSim.dll");
    }

    // ---- faults, through com.gaitgateway.Sim1 ----

    public Task LinkLossAsync(string address) => CallAsync("LinkLoss", "s", w => w.WriteString(address));
    public Task VanishAsync(string address, uint outOfRangeMs) => CallAsync("Vanish", "su", w => { w.WriteString(address); w.WriteUInt32(outOfRangeMs); });
    public Task StallAsync(string address, uint wallMs) => CallAsync("Stall", "su", w => { w.WriteString(address); w.WriteUInt32(wallMs); });
    public Task SetPoweredAsync(bool on) => CallAsync("SetPowered", "b", w => w.WriteBool(on));
    public Task RemoveAdapterAsync() => CallAsync("RemoveAdapter", null, _ => { });
    public Task AddAdapterAsync() => CallAsync("AddAdapter", null, _ => { });
    public Task SetBatteryAsync(string address, byte pct) => CallAsync("SetBattery", "sy", w => { w.WriteString(address); w.WriteByte(pct); });
    public Task SetAcquireNotifySupportedAsync(bool supported) => CallAsync("SetAcquireNotifySupported", "b", w => w.WriteBool(supported));
    public Task InjectMalformedAsync(string address, string kind, uint count)
        => CallAsync("InjectMalformed", "ssu", w => { w.WriteString(address); w.WriteString(kind); w.WriteUInt32(count); });

    /// <summary>Packets the sim produced while streaming, sent, and dropped on a full socket.</summary>
    public Task<(ulong Produced, ulong Sent, ulong Dropped)> GetStatsAsync(string address)
    {
        var msg = Build(_control!, "GetStats", "s", address);
        return _control!.CallMethodAsync(msg, static (m, _) =>
        {
            var r = m.GetBodyReader();
            return (r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64());
        });

        static MessageBuffer Build(DBusConnection c, string member, string sig, string address)
        {
            using var w = c.GetMessageWriter();
            w.WriteMethodCallHeader(destination: "org.bluez", path: "/com/gaitgateway/sim", @interface: "com.gaitgateway.Sim1", member: member, signature: sig);
            w.WriteString(address);
            return w.CreateMessage();
        }
    }

    /// <summary>
    /// The clip's ground truth: UTC of its session's true time 0 (its StartStreaming, time scale 1) and its foot's true
    /// initial contacts, s after that.
    /// </summary>
    public Task<(DateTimeOffset StartUtc, double[] IcTimesS)> GetTruthAsync(string address)
    {
        using var w = _control!.GetMessageWriter();
        w.WriteMethodCallHeader(destination: "org.bluez", path: "/com/gaitgateway/sim", @interface: "com.gaitgateway.Sim1", member: "GetTruth", signature: "s");
        w.WriteString(address);
        return _control!.CallMethodAsync(w.CreateMessage(), static (m, _) =>
        {
            var r = m.GetBodyReader();
            var ns = r.ReadInt64();
            return (DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(ns / 100), r.ReadArrayOfDouble());
        });
    }

    /// <summary>The clip's configuration as it holds it now, and how many configuration writes it accepted.</summary>
    public Task<(byte[] Config, ulong Writes)> GetConfigAsync(string address)
    {
        using var w = _control!.GetMessageWriter();
        w.WriteMethodCallHeader(destination: "org.bluez", path: "/com/gaitgateway/sim", @interface: "com.gaitgateway.Sim1", member: "GetConfig", signature: "s");
        w.WriteString(address);
        return _control!.CallMethodAsync(w.CreateMessage(), static (m, _) =>
        {
            var r = m.GetBodyReader();
            return (r.ReadArrayOfByte(), r.ReadUInt64());
        });
    }

    private Task CallAsync(string member, string? signature, Action<Body> body)
    {
        var b = new Body();
        body(b);
        return _control!.CallMethodAsync(Build(_control!, member, signature, b));

        static MessageBuffer Build(DBusConnection c, string member, string? sig, Body b)
        {
            using var w = c.GetMessageWriter();
            w.WriteMethodCallHeader(destination: "org.bluez", path: "/com/gaitgateway/sim", @interface: "com.gaitgateway.Sim1", member: member, signature: sig);
            foreach (var item in b.Items)
            {
                switch (item)
                {
                    case string s: w.WriteString(s); break;
                    case uint u: w.WriteUInt32(u); break;
                    case bool x: w.WriteBool(x); break;
                    case byte y: w.WriteByte(y); break;
                }
            }

            return w.CreateMessage();
        }
    }

    /// <summary>Arguments collected first: MessageWriter is a ref struct and cannot be captured by a lambda.</summary>
    private sealed class Body
    {
        public List<object> Items { get; } = [];
        public void WriteString(string s) => Items.Add(s);
        public void WriteUInt32(uint u) => Items.Add(u);
        public void WriteBool(bool b) => Items.Add(b);
        public void WriteByte(byte b) => Items.Add(b);
    }

    public async ValueTask DisposeAsync()
    {
        _control?.Dispose();
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
