using System.Globalization;
using GaitGateway.BlueZSim;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;
using Tmds.DBus.Protocol;

// gaitgateway-bluezsim: a stand-in for bluetoothd on a private bus.
//   --bus ADDRESS          D-Bus address (default $DBUS_SYSTEM_BUS_ADDRESS)
//   --clips N              shoe clips (default 2). Paired: clip 2r is the left and 2r+1 the right foot of runner r
//   --footpods N           RSC footpods (default 1)
//   --plan NAME            session plan every runner runs (default run-steady; SessionPlans.Names)
//   --seed N               runner r uses seed N + r (default 1): same seed, same bytes
//   --speed M/S            running speed of plans that run at the runner's pace (run-steady, c25k-*, overstride-test;
//                          default 2.6)
//   --duration S           length of run-steady and standing, s (default 300 and 600; 10..86400)
//   --strike PATTERN       rearfoot|midfoot|forefoot, the runner's own running strike (default rearfoot)
//   --loss P               probability 0..1 that a notification is lost on air (default 0: zero loss, exact streams)
//   --rate HZ              IMU sample rate (default 400)
//   --samples-per-packet N samples per notification (default 19)
//   --time-scale X         simulated seconds per wall second (default 1); packets and timestamps stay exact
//   --addresses A,B,..     clip addresses (default C0:FF:EE:00:00:01, ..02, ..)
//   --rates R1,R2,..       the only rates the clips' IMUs can do (e.g. 416,833,1666 for an LSM6DSx): other rate
//                          writes are rejected with ATT 0x80; a --rate not in the list starts at the first of it
//   --fixed-ranges true    the clips reject writes that change their ranges (a ±16 g / ±2000 °/s-only IMU)
//   --right-foot-byte F    what the right clips' foot byte holds at start: right (default), left, none
//   --latency-min-ms MS    shortest BLE delivery latency after a packet's last sample (default 5; real stacks 1-3)
//   --latency-max-ms MS    longest (default 30)
//   --battery1 true        BlueZ's battery plugin: the level is org.bluez.Battery1.Percentage on the connected device
//                          and the Battery service is not in the GATT tree (a stock Raspberry Pi)
//   --adapters N           controllers hci0..hciN-1 (default 1); each sees only its own peripherals
//   --clip-adapters A,B,.. adapter index of each clip (default 0 for all; footpods are on hci0)
//   --known true           every device is paired and in the object tree from the start, as bluetoothd exports bonded
//                          devices (and, for ~30 s, those another client's scan found) before any discovery
//   --mtu N                ATT MTU of every link (default 247; 23 and 185 occur); notifications are cut to N − 3
// The shoe clips stream GaitGateway.Sensors.Simulation's packets byte for byte (its sequence numbers, sensor clock,
// latency and loss), each paced by its host time from the moment the client wrote StartStreaming. The runner keeps
// running while the link is down; when the plan ends it starts again, the stream continuing (ShoeClipFeed).
// Prints "READY <unique-name>" once org.bluez is owned. Faults: com.gaitgateway.Sim1 at /com/gaitgateway/sim, or
// stdin commands (type "help").
var opts = ParseArgs(args);
var address = opts.GetValueOrDefault("bus") ?? Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
if (string.IsNullOrEmpty(address))
{
    Console.Error.WriteLine("no bus: pass --bus ADDRESS or set DBUS_SYSTEM_BUS_ADDRESS");
    return 2;
}

var clips = int.Parse(opts.GetValueOrDefault("clips") ?? "2", CultureInfo.InvariantCulture);
var footpods = int.Parse(opts.GetValueOrDefault("footpods") ?? "1", CultureInfo.InvariantCulture);
var rate = ushort.Parse(opts.GetValueOrDefault("rate") ?? "400", CultureInfo.InvariantCulture);
var spp = byte.Parse(opts.GetValueOrDefault("samples-per-packet") ?? "19", CultureInfo.InvariantCulture);
var supportedRates = opts.GetValueOrDefault("rates") is { } rl
    ? rl.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => ushort.Parse(x, CultureInfo.InvariantCulture)).ToArray()
    : null;
if (supportedRates is { Length: > 0 } && !supportedRates.Contains(rate)) rate = supportedRates[0];
var adapterCount = int.Parse(opts.GetValueOrDefault("adapters") ?? "1", CultureInfo.InvariantCulture);
var clipAdapters = (opts.GetValueOrDefault("clip-adapters") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
if (adapterCount < 1 || clipAdapters.Any(a => a < 0 || a >= adapterCount))
{
    Console.Error.WriteLine("--clip-adapters: each index must be below --adapters");
    return 2;
}

static string AdapterPathOf(int k) => $"/org/bluez/hci{k}";
var battery1 = bool.Parse(opts.GetValueOrDefault("battery1") ?? "false");
var fixedRanges = bool.Parse(opts.GetValueOrDefault("fixed-ranges") ?? "false");
Foot? rightFootByte = (opts.GetValueOrDefault("right-foot-byte") ?? "right") switch { "left" => Foot.Left, "none" => null, _ => Foot.Right };
SimCharacteristic.Mtu = ushort.Parse(opts.GetValueOrDefault("mtu") ?? "247", CultureInfo.InvariantCulture);
var timeScale = double.Parse(opts.GetValueOrDefault("time-scale") ?? "1", CultureInfo.InvariantCulture);
var addresses = (opts.GetValueOrDefault("addresses") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
var plan = opts.GetValueOrDefault("plan") ?? "run-steady";
var seed = int.Parse(opts.GetValueOrDefault("seed") ?? "1", CultureInfo.InvariantCulture);
var runner = new SimulationSettings
{
    RunSpeedMps = double.Parse(opts.GetValueOrDefault("speed") ?? "2.6", CultureInfo.InvariantCulture),
    StrikePattern = StrideCsv.ParsePattern(opts.GetValueOrDefault("strike") ?? "rearfoot"),
    PacketLossProbability = double.Parse(opts.GetValueOrDefault("loss") ?? "0", CultureInfo.InvariantCulture),
    PlanDurationS = opts.GetValueOrDefault("duration") is { } d ? double.Parse(d, CultureInfo.InvariantCulture) : null,
};
if (opts.GetValueOrDefault("latency-min-ms") is { } lmin) runner = runner with { LatencyMinMs = double.Parse(lmin, CultureInfo.InvariantCulture) };
if (opts.GetValueOrDefault("latency-max-ms") is { } lmax) runner = runner with { LatencyMaxMs = double.Parse(lmax, CultureInfo.InvariantCulture) };
try
{
    // Fail at start, not at the first StartStreaming: every runner's settings and plan must be valid.
    for (var r = 0; r < (clips + 1) / 2; r++)
    {
        _ = ShoeClipFeed.Create(new(plan, runner with { Seed = seed + r }, Foot.Left),
            ShoeClipConfig.RunningDefault(Foot.Left) with { SampleRateHz = rate, SamplesPerPacket = spp });
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var connection = new DBusConnection(address);
await connection.ConnectAsync();
var bus = new SimBus(connection);
var clock = new SimClock(timeScale);
var peripherals = new List<SimPeripheral>();
for (var i = 0; i < clips; i++)
{
    var foot = i % 2 == 0 ? Foot.Left : Foot.Right;
    var addr = i < addresses.Length ? addresses[i].ToUpperInvariant() : $"C0:FF:EE:00:00:{i + 1:X2}";
    var config = ShoeClipConfig.RunningDefault(foot) with { SampleRateHz = rate, SamplesPerPacket = spp, Foot = foot == Foot.Left ? Foot.Left : rightFootByte };
    var wearer = new ClipSimulation(plan, runner with { Seed = seed + (i / 2) }, foot);
    peripherals.Add(new SimPeripheral(bus, clock, PeripheralKind.ShoeClip, addr, $"GaitClip {(foot == Foot.Left ? "L" : "R")}{i / 2 + 1}",
        i, config, wearer, AdapterPathOf(i < clipAdapters.Length ? clipAdapters[i] : 0)) { SupportedRatesHz = supportedRates, FixedRanges = fixedRanges, Battery1 = battery1 });
}

for (var i = 0; i < footpods; i++)
{
    peripherals.Add(new SimPeripheral(bus, clock, PeripheralKind.RscFootpod, $"F0:0D:00:00:00:{i + 1:X2}", $"Footpod {i + 1}",
        clips + i, ShoeClipConfig.RunningDefault(Foot.Left), null));
}

var worlds = Enumerable.Range(0, adapterCount)
    .Select(k => new SimWorld(bus, peripherals.Where(p => p.AdapterPath == AdapterPathOf(k)).ToList(), AdapterPathOf(k),
        $"00:1A:7D:DA:71:{0x13 + k:X2}", exportSim: k == 0))
    .ToList();
var world = worlds[0];
foreach (var w in worlds) w.Start();
if (bool.Parse(opts.GetValueOrDefault("known") ?? "false"))
{
    lock (bus.Gate)
    {
        foreach (var p in peripherals)
        {
            p.Paired = true;
            p.Export(p.AdapterPath);
        }
    }
}
connection.AddMethodHandler(bus);
await connection.RequestNameAsync("org.bluez", RequestNameOptions.Default);
Console.WriteLine($"READY {connection.UniqueName}");
Console.Out.Flush();

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var pump = Task.WhenAll(worlds.Select(w => w.RunAsync(cts.Token)));
var disconnected = connection.DisconnectedAsync();
var stdin = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } line)
    {
        if (line.Trim() == "quit") break;
        Console.WriteLine(world.Command(line));
    }
});
// Ends on quit, on stdin closing with the parent, on Ctrl-C, or when the bus goes away.
await Task.WhenAny(stdin, disconnected, Task.Delay(Timeout.Infinite, cts.Token).ContinueWith(_ => { }, TaskScheduler.Default));
await cts.CancelAsync();
await pump;
return 0;

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
        d[args[i][2..]] = args[i + 1];
    }

    return d;
}
