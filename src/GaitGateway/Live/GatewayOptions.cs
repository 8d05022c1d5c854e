namespace GaitGateway.Live;

/// <summary>
/// The gateway's configuration: section "GaitGateway" of appsettings.json, environment variables GAITGW_… (double
/// underscore for nesting, e.g. GAITGW_Influx__Url; see Cli.GatewayConfiguration), and command-line flags, later ones
/// winning.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "GaitGateway";

    /// <summary>SQLite store; default: gaitgw.db in the user's data directory.</summary>
    public string? Store { get; set; }
    /// <summary>Where live sessions are recorded; default: "recordings" beside the store.</summary>
    public string? RecordingsDirectory { get; set; }
    /// <summary>D-Bus address of the bus BlueZ is on; default: $DBUS_SYSTEM_BUS_ADDRESS or the system bus.</summary>
    public string? BusAddress { get; set; }
    /// <summary>Bluetooth adapter ("hci0", "hci1"); null: the first BlueZ exports. A runner's own Adapter wins.</summary>
    public string? Adapter { get; set; }
    /// <summary>The allow-list: only these sensors are connected, each pair bound to a runner.</summary>
    public List<RunnerOptions> Runners { get; set; } = [];
    /// <summary>
    /// How long one search for a sensor runs before the attempt counts as failed (and is logged), s. Default 10 s;
    /// the link keeps searching after it, with backoff.
    /// </summary>
    public double DiscoveryTimeoutS { get; set; } = 10;
    /// <summary>
    /// A live recording's header carries what each sensor reported at connection (Device Information, negotiated
    /// rate and ranges, MTU), so it is written once every sensor of the runner connected, or after this many s
    /// (then with what is known; the notifications meanwhile are held in memory and written behind it). Default 20 s.
    /// </summary>
    public double RecordingHeaderWaitS { get; set; } = 20;
    /// <summary>At or below this battery level, %, the coach gets a "battery_low" cue (once per sensor). Default 15.</summary>
    public double LowBatteryPct { get; set; } = 15;
    /// <summary>How often each sensor's battery, link and packet counters are stored, s. Default 5 s.</summary>
    public double SensorStatusIntervalS { get; set; } = 5;
    /// <summary>
    /// The store writer commits a batch at the latest this long after its first stride, ms. Default 0: group commit,
    /// i.e. whatever is queued is committed as soon as the writer gets to it (under load batches form by themselves,
    /// up to 256 items). A live gateway writes a few strides per second per runner and a WAL commit with
    /// synchronous=NORMAL does not wait for the disk, so this costs little and keeps both the stride latency and what
    /// a SIGKILL can lose as small as they get. Raise it on storage where every transaction is expensive.
    /// </summary>
    public double StoreCommitDelayMs { get; set; }
    public InfluxOptions Influx { get; set; } = new();
    public DashboardOptions Dashboard { get; set; } = new();
    /// <summary>Instead of Bluetooth, stream this simulator plan for every runner in real time (a demo, a dry run,
    /// an end-to-end test): the same pipeline, store, recordings and dashboard.</summary>
    public string? Simulate { get; set; }
    /// <summary>With <see cref="Simulate"/>: how many times faster than real time. Default 1.</summary>
    public double SimulateTimeScale { get; set; } = 1;
    /// <summary>With <see cref="Simulate"/> and no runners configured: how many simulated runners. Default 1.</summary>
    public int SimulateRunners { get; set; } = 1;
}

/// <summary>The coach's web dashboard, served by the gateway process.</summary>
public sealed class DashboardOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Default loopback only. Binding to any other address requires <see cref="Token"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";
    public string? Token { get; set; }
    /// <summary>Host names the dashboard answers (';'-separated); default: loopback names and the hosts in
    /// <see cref="Urls"/>. See DashboardSettings.AllowedHosts.</summary>
    public string? AllowedHosts { get; set; }
    /// <summary>Idle lifetime of the dashboard's login cookie, minutes. Default 720.</summary>
    public int LoginLifetimeMinutes { get; set; } = 720;

    public GaitGateway.Dashboard.Hosting.DashboardSettings ToSettings() => new()
    {
        Urls = Urls, Token = Token, AllowedHosts = AllowedHosts, LoginLifetimeMinutes = LoginLifetimeMinutes,
    };
}

/// <summary>One runner and the sensors on their shoes (Bluetooth addresses).</summary>
public sealed class RunnerOptions
{
    public string Name { get; set; } = "runner";
    public string? Left { get; set; }
    public string? Right { get; set; }
    /// <summary>A Running Speed and Cadence footpod (Stryd, Polar, Zwift RunPod), used when no clip is present.</summary>
    public string? Footpod { get; set; }
    /// <summary>
    /// Adapter this runner's sensors connect through ("hci1"); null: GaitGateway:Adapter. A controller holds roughly
    /// 7–20 links, so a club session spreads runners over several USB dongles.
    /// </summary>
    public string? Adapter { get; set; }
    /// <summary>
    /// IMU rate asked of this runner's clips, Hz (100..1600). Default 400. A clip that cannot do it exactly (an
    /// LSM6DSx offers 416/833/1666) rejects it and streams at its own rate, which is logged and shown on the tile.
    /// </summary>
    public int SampleRateHz { get; set; } = 400;
    /// <summary>
    /// Accelerometer range asked of the clips, ±g: 32 (default) or 16. A clip that cannot do ±32 g streams at its own
    /// ±16 g and says so on the tile; why ±32 g: <see cref="GaitGateway.Bluetooth.Links.ShoeClipRequest.RunningDefault"/>.
    /// </summary>
    public int AccRangeG { get; set; } = 32;
    /// <summary>Gyroscope range asked of the clips, ±°/s: 2000 (default) or 4000 (sprinting).</summary>
    public int GyroRangeDps { get; set; } = 2000;

    /// <summary>What this runner asks of a clip on <paramref name="foot"/>; bad values are input errors.</summary>
    public GaitGateway.Bluetooth.Links.ShoeClipRequest ClipRequest(GaitGateway.Core.Samples.Foot? foot)
    {
        if (SampleRateHz is < GaitGateway.Core.Protocol.ImuPacket.MinSampleRateHz or > GaitGateway.Core.Protocol.ImuPacket.MaxSampleRateHz)
            throw new GaitGateway.Pipeline.InputException($"runner '{Name}': SampleRateHz {SampleRateHz}: use 100 to 1600");
        var acc = AccRangeG switch
        {
            16 => GaitGateway.Core.Protocol.AccRange.G16,
            32 => GaitGateway.Core.Protocol.AccRange.G32,
            _ => throw new GaitGateway.Pipeline.InputException($"runner '{Name}': AccRangeG {AccRangeG}: use 16 or 32"),
        };
        var gyro = GyroRangeDps switch
        {
            2000 => GaitGateway.Core.Protocol.GyroRange.Dps2000,
            4000 => GaitGateway.Core.Protocol.GyroRange.Dps4000,
            _ => throw new GaitGateway.Pipeline.InputException($"runner '{Name}': GyroRangeDps {GyroRangeDps}: use 2000 or 4000"),
        };
        return new GaitGateway.Bluetooth.Links.ShoeClipRequest((ushort)SampleRateHz, acc, gyro, foot);
    }
}

/// <summary>InfluxDB sink; disabled unless <see cref="Url"/> is set. The token comes from GAITGW_INFLUX_TOKEN or
/// <see cref="TokenFile"/>, never from this file or the command line, and is never logged.</summary>
public sealed class InfluxOptions
{
    public string? Url { get; set; }
    public string Org { get; set; } = "";
    public string Bucket { get; set; } = "gaitgw";
    /// <summary>"v2" (default: /api/v2/write, InfluxDB 2.x/3.x and compatibles) or "v1" (/write?db=, InfluxDB 1.x).</summary>
    public string Mode { get; set; } = "v2";
    public string? TokenFile { get; set; }
    /// <summary>Points per write request, at most. Default 5000 (InfluxDB's recommendation); VictoriaMetrics and
    /// InfluxDB 1.x on fast links drain a backlog faster with larger batches (README: measured figures).</summary>
    public int BatchSize { get; set; } = 5000;
    /// <summary>Write requests on the wire at once. Default 2.</summary>
    public int MaxRequestsInFlight { get; set; } = 2;
    /// <summary>
    /// This gateway's name in InfluxDB (tag <c>gateway</c> on every point): sessions of several gateways forwarding to
    /// one database stay apart (each store numbers its sessions from 1). Default: the host name — set it when two
    /// gateways share a host.
    /// </summary>
    public string? GatewayId { get; set; }
    /// <summary>
    /// Central mode: forward sessions, cues and live tiles too, so <c>gaitgw serve --influx-url</c> shows this
    /// gateway's runners. Default true; false for VictoriaMetrics (it cannot serve the dashboard: no InfluxQL, and it
    /// makes junk series of string fields).
    /// </summary>
    public bool Central { get; set; } = true;
    /// <summary>On a clean stop, how long the gateway keeps forwarding what it stored last, s. Default 10 (well
    /// inside the host's 30-s shutdown timeout); what is still unsent then is logged and sent by the next start.</summary>
    public double DrainTimeoutS { get; set; } = 10;
}
