using GaitGateway.Core.Protocol;
using Tmds.DBus.Protocol;

namespace GaitGateway.BlueZSim;

/// <summary>
/// The simulated controller: the Adapter1 object with per-client discovery sessions, the peripherals in range, the
/// streaming and advertising loops, and the fault interface com.gaitgateway.Sim1 at /com/gaitgateway/sim.
/// </summary>
internal sealed class SimWorld
{
    public const string DefaultAdapterPath = "/org/bluez/hci0";
    private static readonly string[] DiscoveryFilterNames = ["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable", "Pattern"];

    // Discovery sessions per client (bluetoothd keeps one per D-Bus sender) with that client's UUID filter.
    private readonly Dictionary<string, string[]> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _filters = new(StringComparer.Ordinal);
    private readonly SimBus _bus;
    private readonly string _address;
    private readonly bool _exportSim;
    private SimObject? _adapter;

    /// <param name="peripherals">The peripherals in range of this adapter (and only of it).</param>
    /// <param name="adapterPath">Its object path, /org/bluez/hciN.</param>
    /// <param name="address">Its Bluetooth address.</param>
    /// <param name="exportSim">Whether this world serves com.gaitgateway.Sim1 (the first one does; it finds devices of every world).</param>
    public SimWorld(SimBus bus, IReadOnlyList<SimPeripheral> peripherals, string adapterPath = DefaultAdapterPath, string address = "00:1A:7D:DA:71:13", bool exportSim = true)
    {
        _bus = bus;
        Peripherals = peripherals;
        AdapterPath = adapterPath;
        _address = address;
        _exportSim = exportSim;
        foreach (var p in peripherals) p.World = this;
        All.Add(this);
    }

    /// <summary>Every adapter's world (--adapters N): a controller each, with the peripherals in its range.</summary>
    public static List<SimWorld> All { get; } = [];
    public string AdapterPath { get; }
    public IReadOnlyList<SimPeripheral> Peripherals { get; }
    public bool AdapterPowered => _adapter is not null && _adapter.Find(Names.Adapter1)!.Props["Powered"].GetBool();
    private bool Discovering => _sessions.Count > 0;

    public void Start()
    {
        lock (_bus.Gate)
        {
            AddAdapter();
            if (!_exportSim) return;
            var sim = new SimObject(Names.SimPath);
            sim.Interfaces.Add(new SimInterface(Names.Sim1) { Methods = HandleSim });
            _bus.Export(sim, announce: false);
        }
    }

    private void AddAdapter()
    {
        if (_adapter is not null) return;
        var a = new SimObject(AdapterPath);
        var i = new SimInterface(Names.Adapter1) { Methods = HandleAdapter, Setter = SetAdapterProperty };
        i.Props["Address"] = VariantValue.String(_address);
        i.Props["AddressType"] = VariantValue.String("public");
        i.Props["Name"] = VariantValue.String("gaitgateway-sim");
        i.Props["Alias"] = VariantValue.String("gaitgateway-sim");
        i.Props["Class"] = VariantValue.UInt32(0);
        i.Props["Powered"] = VariantValue.Bool(true);
        i.Props["Discoverable"] = VariantValue.Bool(false);
        i.Props["DiscoverableTimeout"] = VariantValue.UInt32(180);
        i.Props["Pairable"] = VariantValue.Bool(true);
        i.Props["PairableTimeout"] = VariantValue.UInt32(0);
        i.Props["Discovering"] = VariantValue.Bool(false);
        i.Props["UUIDs"] = VariantValue.Array(Array.Empty<string>());
        i.Props["Modalias"] = VariantValue.String("usb:v1D6Bp0246d0542");
        a.Interfaces.Add(i);
        _adapter = a;
        _bus.Export(a);
    }

    private void RemoveAdapter()
    {
        if (_adapter is null) return;
        SetPowered(false);
        foreach (var p in Peripherals) p.Forget();
        _bus.Unexport(AdapterPath);
        _adapter = null;
    }

    private bool SetAdapterProperty(string name, VariantValue value)
    {
        if (name != "Powered") return false;
        SetPowered(value.GetBool());
        return true;
    }

    private void SetPowered(bool on)
    {
        if (_adapter is null || AdapterPowered == on) return;
        if (!on)
        {
            // Power-off order as bluetoothd does it: discovery ends, links drop, then Powered=false.
            _sessions.Clear();
            _bus.SetProps(_adapter, Names.Adapter1, ("Discovering", VariantValue.Bool(false)));
            foreach (var p in Peripherals) p.DropLink();
        }

        _bus.SetProps(_adapter, Names.Adapter1, ("Powered", VariantValue.Bool(on)));
    }

    private bool HandleAdapter(MethodContext context, string member)
    {
        var sender = context.Request.SenderAsString ?? "";
        switch (member)
        {
            case "SetDiscoveryFilter":
            {
                var filter = context.Request.GetBodyReader().ReadDictionaryOfStringToVariantValue();
                var uuids = filter.TryGetValue("UUIDs", out var u) ? SimCharacteristic.Unwrap(u).GetArray<string>() : [];
                if (filter.TryGetValue("Transport", out var t) && SimCharacteristic.Unwrap(t).GetString() is not ("le" or "auto" or "bredr"))
                    throw new SimDBusError(Names.ErrInvalidArguments, "Invalid arguments in method call");
                _filters[sender] = uuids.Select(x => x.ToLowerInvariant()).ToArray();
                if (_sessions.ContainsKey(sender)) _sessions[sender] = _filters[sender];
                SimCharacteristic.Reply(context);
                return true;
            }

            case "StartDiscovery":
                if (!AdapterPowered) throw new SimDBusError(Names.ErrNotReady, "Resource Not Ready");
                if (_sessions.ContainsKey(sender)) throw new SimDBusError(Names.ErrInProgress, "Operation already in progress");
                _sessions[sender] = _filters.GetValueOrDefault(sender) ?? [];
                _bus.SetProps(_adapter!, Names.Adapter1, ("Discovering", VariantValue.Bool(true)));
                SimCharacteristic.Reply(context);
                AdvertiseTick();
                return true;

            case "StopDiscovery":
                if (!AdapterPowered) throw new SimDBusError(Names.ErrNotReady, "Resource Not Ready");
                if (!_sessions.Remove(sender)) throw new SimDBusError(Names.ErrFailed, "No discovery started");
                if (!Discovering) _bus.SetProps(_adapter!, Names.Adapter1, ("Discovering", VariantValue.Bool(false)));
                SimCharacteristic.Reply(context);
                return true;

            case "RemoveDevice":
            {
                var path = context.Request.GetBodyReader().ReadObjectPathAsString();
                var p = Peripherals.FirstOrDefault(x => x.Device?.Path == path) ?? throw new SimDBusError(Names.ErrDoesNotExist, "Does Not Exist");
                p.Forget();
                SimCharacteristic.Reply(context);
                return true;
            }

            case "GetDiscoveryFilters":
            {
                using var w = context.CreateReplyWriter("as");
                w.WriteArray(DiscoveryFilterNames);
                context.Reply(w.CreateMessage());
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>One advertising interval: new devices in range appear, known ones update RSSI. Call under the gate.</summary>
    public void AdvertiseTick()
    {
        if (!Discovering || !AdapterPowered) return;
        var all = _sessions.Values.Any(f => f.Length == 0);
        var wanted = _sessions.Values.SelectMany(f => f).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in Peripherals)
        {
            if (!p.InRange || p.Connected) continue; // a connected peripheral stops advertising
            if (!all && !p.AdvertisedUuids.Any(wanted.Contains)) continue;
            if (!p.Exported) p.Export(AdapterPath);
            else p.Advertise();
        }
    }

    private static SimPeripheral Find(string address)
        => All.SelectMany(w => w.Peripherals).FirstOrDefault(p => string.Equals(p.Address, address, StringComparison.OrdinalIgnoreCase))
           ?? throw new SimDBusError(Names.ErrDoesNotExist, $"no simulated device {address}");

    private bool HandleSim(MethodContext context, string member)
    {
        var r = context.Request.GetBodyReader();
        switch (member)
        {
            case "LinkLoss":
                Find(r.ReadString()).DropLink();
                break;
            case "Vanish":
            {
                var p = Find(r.ReadString());
                var outOfRangeMs = r.ReadUInt32();
                Vanish(p, outOfRangeMs);
                break;
            }

            case "Stall":
            {
                var p = Find(r.ReadString());
                p.Stall(r.ReadUInt32());
                break;
            }

            case "SetPowered":
                SetPowered(r.ReadBool());
                break;
            case "RemoveAdapter":
                RemoveAdapter();
                break;
            case "AddAdapter":
                AddAdapter();
                break;
            case "InjectMalformed":
            {
                var p = Find(r.ReadString());
                var kind = Enum.Parse<MalformedKind>(r.ReadString(), ignoreCase: true);
                p.InjectMalformed(kind, (int)r.ReadUInt32());
                break;
            }

            case "SetAcquireNotifySupported":
            {
                var supported = r.ReadBool();
                foreach (var p in Peripherals) p.DataCharacteristic.AcquireNotifySupported = supported;
                break;
            }

            case "SetBattery":
            {
                var p = Find(r.ReadString());
                p.SetBattery(r.ReadByte());
                break;
            }

            case "GetConfig":
            {
                // The clip's persisted configuration and how many writes it accepted: what a test checks was (not) overwritten.
                var p = Find(r.ReadString());
                var bytes = new byte[ShoeClipConfig.Bytes];
                p.Config.Encode(bytes);
                using var w = context.CreateReplyWriter("ayt");
                w.WriteArray(bytes);
                w.WriteUInt64((ulong)p.ConfigWrites);
                context.Reply(w.CreateMessage());
                return true;
            }

            case "GetTruth":
            {
                // Ground truth for absolute-time tests: UTC (ns since the Unix epoch) of the session's true time 0
                // and the true initial contacts of this clip's foot, s after it.
                var p = Find(r.ReadString());
                var start = p.SessionStartUtc ?? throw new SimDBusError(Names.ErrNotReady, "the clip has not streamed yet");
                using var w = context.CreateReplyWriter("xad");
                w.WriteInt64((start - DateTimeOffset.UnixEpoch).Ticks * 100);
                w.WriteArray(p.TruthIcTimesS());
                context.Reply(w.CreateMessage());
                return true;
            }

            case "GetStats":
            {
                var p = Find(r.ReadString());
                using var w = context.CreateReplyWriter("ttt");
                w.WriteUInt64((ulong)p.PacketsProduced);
                w.WriteUInt64((ulong)p.Sent);
                w.WriteUInt64((ulong)p.Dropped);
                context.Reply(w.CreateMessage());
                return true;
            }

            default:
                return false;
        }

        SimCharacteristic.Reply(context);
        return true;
    }

    /// <summary>The device walks out of range: link lost, object removed; back in range after the delay.</summary>
    public void Vanish(SimPeripheral p, uint outOfRangeMs)
    {
        p.InRange = false;
        p.Forget();
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(outOfRangeMs));
            lock (_bus.Gate) p.InRange = true;
        });
    }

    /// <summary>Text commands on stdin, for manual use: the same faults as the D-Bus interface.</summary>
    public string Command(string line)
    {
        var a = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (a.Length == 0) return "";
        lock (_bus.Gate)
        {
            try
            {
                switch (a[0].ToLowerInvariant())
                {
                    case "linkloss": Find(a[1]).DropLink(); return "ok";
                    case "vanish": Vanish(Find(a[1]), a.Length > 2 ? uint.Parse(a[2]) : 2000); return "ok";
                    case "stall": Find(a[1]).Stall(a.Length > 2 ? uint.Parse(a[2]) : 10_000); return "ok";
                    case "power": SetPowered(a[1] == "on"); return "ok";
                    case "adapter": if (a[1] == "remove") RemoveAdapter(); else AddAdapter(); return "ok";
                    case "malformed": Find(a[1]).InjectMalformed(Enum.Parse<MalformedKind>(a[2], true), a.Length > 3 ? int.Parse(a[3]) : 1); return "ok";
                    case "stats":
                        return string.Join("\n", Peripherals.Select(p => $"{p.Address} {p.Kind} connected={p.Connected} stalled={p.Stalled} produced={p.PacketsProduced} sent={p.Sent} dropped={p.Dropped}"));
                    default: return "commands: linkloss ADDR | vanish ADDR [ms] | stall ADDR [ms] | power on|off | adapter remove|add | malformed ADDR short|version|length [n] | stats";
                }
            }
            catch (Exception e)
            {
                return "error: " + e.Message;
            }
        }
    }

    /// <summary>Real-time emission: every peripheral sends what its sample clock says is due, every few ms.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var packet = new byte[ImuPacket.MaxPacketBytes];
        var samples = new RawImuCounts[ImuPacket.MaxSamples];
        var lastAdvertise = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            lock (_bus.Gate)
            {
                foreach (var p in Peripherals) p.Pump(packet, samples);
                if (DateTime.UtcNow - lastAdvertise > TimeSpan.FromMilliseconds(200))
                {
                    lastAdvertise = DateTime.UtcNow;
                    AdvertiseTick();
                }
            }

            try { await Task.Delay(2, cancellationToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
