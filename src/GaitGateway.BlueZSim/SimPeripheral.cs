using System.Diagnostics;
using System.Text;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using Tmds.DBus.Protocol;

namespace GaitGateway.BlueZSim;

internal enum PeripheralKind
{
    ShoeClip,
    RscFootpod,
}

/// <summary>Malformed notifications the simulator can inject between valid packets.</summary>
internal enum MalformedKind
{
    /// <summary>Shorter than the 12-byte header.</summary>
    Short,
    /// <summary>A valid layout with an unknown format version.</summary>
    Version,
    /// <summary>Header says N samples, the payload holds one byte less.</summary>
    Length,
}

/// <summary>
/// One simulated peripheral: its Device1 object, its GATT database (exported while connected, as bluetoothd does
/// for unpaired LE devices) and its firmware behaviour (control opcodes, streaming, battery, device information).
/// </summary>
internal sealed class SimPeripheral
{
    private readonly SimBus _bus;
    private readonly SimClock _clock;
    private readonly ClipSimulation? _simulation;
    private readonly List<(SimObject Service, List<SimCharacteristic> Chars)> _gatt = [];
    private readonly Queue<MalformedKind> _malformed = new();
    private ShoeClipConfig _config;
    private ShoeClipFeed? _feed;
    private double _sessionStartS; // simulated s (SimClock) when the current session's StartStreaming was written
    private bool _streaming;
    private bool _streamStartPending;
    private bool _timeSyncPending;
    private long _stalledUntil; // Stopwatch timestamp; while now < it the firmware's streaming task is hung
    private double _nextRscSeconds;
    private double _distanceM;

    /// <param name="simulation">Who wears the clip (required for shoe clips, ignored for footpods).</param>
    /// <param name="adapterPath">The adapter whose range it is in (its device object lives under it).</param>
    public SimPeripheral(SimBus bus, SimClock clock, PeripheralKind kind, string address, string name, int index, ShoeClipConfig config, ClipSimulation? simulation, string adapterPath = SimWorld.DefaultAdapterPath)
    {
        AdapterPath = adapterPath;
        if (kind == PeripheralKind.ShoeClip) ArgumentNullException.ThrowIfNull(simulation);
        _bus = bus;
        _clock = clock;
        Kind = kind;
        Address = address;
        Name = name;
        _config = config;
        _simulation = simulation;
        Rssi = (short)(-55 - (index * 4));
        BuildGatt();
    }

    /// <summary>Rates the clip's IMU can do exactly (--rates); any other written rate is rejected with ATT 0x80. Null: 100..1600.</summary>
    public IReadOnlyList<ushort>? SupportedRatesHz { get; init; }
    /// <summary>The clip rejects any write that changes its ranges (--fixed-ranges), as a ±16 g-only IMU must.</summary>
    public bool FixedRanges { get; init; }

    /// <summary>
    /// BlueZ's battery plugin owns the Battery service (--battery1): the level is org.bluez.Battery1.Percentage on
    /// the device while connected, and the Battery service is not in the GATT tree (BlueZ ≥ 5.48, a stock Pi).
    /// </summary>
    public bool Battery1 { get; init; }

    private byte _batteryPct = 87;

    /// <summary>The battery level changes: notified (GATT) or published (Battery1) as the clip would.</summary>
    public void SetBattery(byte pct)
    {
        _batteryPct = pct;
        if (!Connected || Device is null) return;
        if (Battery1) _bus.SetProps(Device, Names.Battery1, ("Percentage", VariantValue.Byte(pct)));
        else _gatt[1].Chars[0].Notify([pct]);
    }

    /// <summary>Paired with the adapter (--known): bluetoothd exports it at start, before any discovery.</summary>
    public bool Paired { get; set; }

    public PeripheralKind Kind { get; }
    public string AdapterPath { get; }
    /// <summary>The controller it is in range of (set by <see cref="SimWorld"/>).</summary>
    public SimWorld World { get; set; } = null!;
    public string Address { get; }
    public string Name { get; }
    public short Rssi { get; set; }
    public bool InRange { get; set; } = true;
    public SimObject? Device { get; private set; }
    public bool Exported => Device is not null;
    public bool Connected { get; private set; }
    public string[] AdvertisedUuids => Kind == PeripheralKind.ShoeClip ? [GattUuids.ShoeClipService] : [GattUuids.RunningSpeedCadenceService];
    public SimCharacteristic DataCharacteristic => _gatt[^1].Chars[0];

    public long PacketsProduced { get; private set; }
    /// <summary>Wall-clock time of true time 0 of the current session (its StartStreaming); meaningful at time scale 1.</summary>
    public DateTimeOffset? SessionStartUtc { get; private set; }
    /// <summary>True initial contacts of the current session's first pass, s after <see cref="SessionStartUtc"/>.</summary>
    public double[] TruthIcTimesS() => _feed?.TruthIcTimesS() ?? [];
    /// <summary>Configuration writes the clip accepted.</summary>
    public long ConfigWrites { get; private set; }
    public ShoeClipConfig Config => _config;
    public bool Stalled => Stopwatch.GetTimestamp() < _stalledUntil;
    public long Sent => DataCharacteristic.Sent;
    public long Dropped => DataCharacteristic.Dropped;

    public string DevicePath(string adapterPath) => adapterPath + "/dev_" + Address.Replace(':', '_');

    /// <summary>Exports the Device1 object (discovery saw an advertisement).</summary>
    public void Export(string adapterPath)
    {
        var dev = new SimObject(DevicePath(adapterPath));
        var i = new SimInterface(Names.Device1) { Methods = HandleDevice };
        i.Props["Address"] = VariantValue.String(Address);
        i.Props["AddressType"] = VariantValue.String("random");
        i.Props["Name"] = VariantValue.String(Name);
        i.Props["Alias"] = VariantValue.String(Name);
        i.Props["Paired"] = VariantValue.Bool(Paired);
        i.Props["Bonded"] = VariantValue.Bool(Paired);
        i.Props["Trusted"] = VariantValue.Bool(false);
        i.Props["Blocked"] = VariantValue.Bool(false);
        i.Props["LegacyPairing"] = VariantValue.Bool(false);
        i.Props["RSSI"] = VariantValue.Int16(Rssi);
        i.Props["Connected"] = VariantValue.Bool(false);
        i.Props["UUIDs"] = VariantValue.Array(AdvertisedUuids);
        i.Props["Adapter"] = VariantValue.ObjectPath(new ObjectPath(adapterPath));
        i.Props["ServicesResolved"] = VariantValue.Bool(false);
        dev.Interfaces.Add(i);
        Device = dev;
        _bus.Export(dev);
    }

    /// <summary>The object is gone from the tree (removal, adapter gone); the peripheral itself lives on.</summary>
    public void Forget()
    {
        if (Device is null) return;
        DropLink();
        _bus.Unexport(Device.Path);
        Device = null;
    }

    public void Advertise()
    {
        if (Device is null) return;
        // RSSI jitters by a dB or two between advertisements, which is what makes BlueZ emit PropertiesChanged.
        var jitter = (short)(Random.Shared.Next(3) - 1);
        _bus.SetProps(Device, Names.Device1, ("RSSI", VariantValue.Int16((short)(Rssi + jitter))));
    }

    /// <summary>
    /// Link loss as bluetoothd reports it for an unpaired LE device: ServicesResolved=false, the GATT objects removed,
    /// then Connected=false. Acquired notify sockets are closed, which the client sees as a hang-up.
    /// </summary>
    public void DropLink()
    {
        if (!Connected || Device is null) return;
        Connected = false;
        _streaming = false; // firmware stops streaming when the central goes away
        _stalledUntil = 0;  // and a hung streaming task is restarted with the next connection
        _bus.SetProps(Device, Names.Device1, ("ServicesResolved", VariantValue.Bool(false)));
        foreach (var (service, chars) in _gatt)
        {
            foreach (var c in chars) c.Reset();
            _bus.Unexport(service.Path);
        }

        if (Battery1) _bus.RemoveInterface(Device, Names.Battery1);
        _bus.SetProps(Device, Names.Device1, ("Connected", VariantValue.Bool(false)));
    }

    /// <summary>
    /// A firmware hang: the link stays up (no Disconnected, no PropertiesChanged) but no notification is sent for
    /// <paramref name="wallMs"/> of wall time, or until the link is dropped: what the gateway's watchdog exists for.
    /// The samples due meanwhile are lost, so the stream resumes with a sequence and sensor-time gap.
    /// </summary>
    public void Stall(uint wallMs) => _stalledUntil = Stopwatch.GetTimestamp() + (long)(wallMs / 1000.0 * Stopwatch.Frequency);

    public void InjectMalformed(MalformedKind kind, int count)
    {
        for (var i = 0; i < count; i++) _malformed.Enqueue(kind);
    }

    private bool HandleDevice(MethodContext context, string member)
    {
        switch (member)
        {
            case "Connect":
                if (Connected) throw new SimDBusError(Names.ErrAlreadyConnected, "Already Connected");
                if (!InRange || !World.AdapterPowered) throw new SimDBusError(Names.ErrFailed, "le-connection-abort-by-local");
                Connected = true;
                _bus.SetProps(Device!, Names.Device1, ("Connected", VariantValue.Bool(true)));
                SimCharacteristic.Reply(context);
                // bluetoothd resolves the GATT database after the link is up, exporting objects one by one and
                // setting ServicesResolved last; clients must wait for it.
                _ = ResolveServicesAsync();
                return true;

            case "Disconnect":
                DropLink();
                SimCharacteristic.Reply(context);
                return true;

            default:
                return false;
        }
    }

    private async Task ResolveServicesAsync()
    {
        await Task.Delay(30);
        lock (_bus.Gate)
        {
            if (!Connected || Device is null) return;
            foreach (var (service, chars) in _gatt)
            {
                if (Battery1 && chars[0].Uuid == GattUuids.BatteryLevel) continue; // the plugin claimed it
                _bus.Export(service);
                foreach (var c in chars) _bus.Export(c.Object);
            }

            if (Battery1)
            {
                var battery = new SimInterface(Names.Battery1);
                battery.Props["Percentage"] = VariantValue.Byte(_batteryPct);
                battery.Props["Source"] = VariantValue.String("GATT Battery Service");
                _bus.AddInterface(Device, battery);
            }

            _bus.SetProps(Device, Names.Device1, ("ServicesResolved", VariantValue.Bool(true)));
        }
    }

    private void BuildGatt()
    {
        // Paths are only known once exported under an adapter; all BlueZ paths here are under hci0.
        var devicePath = DevicePath(AdapterPath);
        var model = Kind == PeripheralKind.ShoeClip ? "ShoeClip-Sim" : "Footpod-Sim";
        AddService(devicePath, 0x0010, GattUuids.DeviceInformationService,
            (0x0011, GattUuids.ManufacturerName, ["read"], Encoding.UTF8.GetBytes("GaitGateway")),
            (0x0013, GattUuids.ModelNumber, ["read"], Encoding.UTF8.GetBytes(model)),
            (0x0015, GattUuids.FirmwareRevision, ["read"], Encoding.UTF8.GetBytes("0.9.0-sim")));
        AddService(devicePath, 0x0020, GattUuids.BatteryService,
            (0x0021, GattUuids.BatteryLevel, ["read", "notify"], [87]));
        _gatt[^1].Chars[0].OnRead = () => [_batteryPct];
        if (Kind == PeripheralKind.ShoeClip)
        {
            var cfg = new byte[ShoeClipConfig.Bytes];
            _config.Encode(cfg);
            AddService(devicePath, 0x0030, GattUuids.ShoeClipService,
                (0x0031, GattUuids.ImuData, ["notify"], []),
                (0x0034, GattUuids.Configuration, ["read", "write"], cfg),
                (0x0036, GattUuids.Control, ["write", "write-without-response"], []));
            var chars = _gatt[^1].Chars;
            chars[1].OnRead = () =>
            {
                var b = new byte[ShoeClipConfig.Bytes];
                _config.Encode(b);
                return b;
            };
            chars[1].OnWrite = value =>
            {
                // What bluetoothd returns for an ATT error response to a write request (src/gatt-client.c).
                const string Rejected = "Operation failed with ATT error: 0x80";
                if (!ShoeClipConfig.TryDecode(value, out var c)) throw new SimDBusError(Names.ErrFailed, Rejected);
                if (SupportedRatesHz is { } rates && !rates.Contains(c.SampleRateHz)) throw new SimDBusError(Names.ErrFailed, Rejected);
                if (FixedRanges && (c.AccRange != _config.AccRange || c.GyroRange != _config.GyroRange)) throw new SimDBusError(Names.ErrFailed, Rejected);
                ConfigWrites++;
                _config = c;
            };
            chars[2].OnWrite = OnControl;
        }
        else
        {
            AddService(devicePath, 0x0030, GattUuids.RunningSpeedCadenceService,
                (0x0031, GattUuids.RscMeasurement, ["notify"], []),
                (0x0034, "00002a54-0000-1000-8000-00805f9b34fb", ["read"], [0x03, 0x00])); // RSC Feature: stride + distance
        }
    }

    private void AddService(string devicePath, int handle, string uuid, params (int Handle, string Uuid, string[] Flags, byte[] Value)[] chars)
    {
        var service = new SimObject($"{devicePath}/service{handle:x4}");
        var i = new SimInterface(Names.GattService1);
        i.Props["UUID"] = VariantValue.String(uuid);
        i.Props["Device"] = VariantValue.ObjectPath(new ObjectPath(devicePath));
        i.Props["Primary"] = VariantValue.Bool(true);
        i.Props["Includes"] = VariantValue.Array(Array.Empty<ObjectPath>());
        i.Props["Handle"] = VariantValue.UInt16((ushort)handle);
        service.Interfaces.Add(i);
        _gatt.Add((service, chars.Select(c => new SimCharacteristic(_bus, service.Path, c.Handle, c.Uuid, c.Flags, c.Value)).ToList()));
    }

    private void OnControl(byte[] value)
    {
        if (value.Length == 0) throw new SimDBusError(Names.ErrFailed, "0x80");
        switch ((ControlOpcode)value[0])
        {
            case ControlOpcode.StartStreaming:
                if (_streaming) return;
                _streaming = true;
                _streamStartPending = true;
                if (_feed is null || !SameSensorSettings(_feed.Config, _config)) StartSession();
                break;
            case ControlOpcode.StopStreaming:
                _streaming = false;
                break;
            case ControlOpcode.TimeSync:
                _timeSyncPending = true;
                break;
            default:
                throw new SimDBusError(Names.ErrFailed, "0x81");
        }
    }

    private static bool SameSensorSettings(ShoeClipConfig a, ShoeClipConfig b) =>
        a.SampleRateHz == b.SampleRateHz && a.AccRange == b.AccRange && a.GyroRange == b.GyroRange && a.SamplesPerPacket == b.SamplesPerPacket;

    /// <summary>
    /// The runner starts the plan now (the first StartStreaming, or the first after a configuration change, which
    /// the clip can only apply by starting over, like a reboot: the simulator's sequence and clock start again).
    /// </summary>
    private void StartSession()
    {
        try
        {
            _feed = ShoeClipFeed.Create(_simulation!, _config);
        }
        catch (ArgumentException e)
        {
            throw new SimDBusError(Names.ErrFailed, "0x80: " + e.Message);
        }

        _feed.MoveNext();
        _sessionStartS = _clock.VirtualSeconds;
        SessionStartUtc = _clock.UtcAt(_sessionStartS);
    }

    /// <summary>
    /// Sends whatever is due; called by the streaming loop under the bus gate. Returns packets sent.
    /// </summary>
    /// <remarks>
    /// Once a session has started the runner keeps running whether or not anyone listens: packets fall due by their
    /// host time (simulated µs since the session's StartStreaming) and are discarded while the link is down or
    /// streaming is stopped. So after a reconnection the sequence and sensor clock continue, with a gap that the
    /// sensor clock accounts for, and the first packet after StartStreaming carries StreamStart, as the firmware does.
    /// </remarks>
    public int Pump(Span<byte> packet, Span<RawImuCounts> samples)
    {
        if (Kind == PeripheralKind.RscFootpod) return Connected ? PumpRsc(packet) : 0;
        DataCharacteristic.Flush();
        if (_feed is null) return 0;
        var nowUs = (_clock.VirtualSeconds - _sessionStartS) * 1e6;
        var send = Connected && _streaming && !Stalled;
        var n = 0;
        while (_feed.HostTimeUs <= nowUs)
        {
            if (send)
            {
                while (_malformed.TryDequeue(out var bad)) SendMalformed(bad, packet, samples);
                var p = _feed.Packet;
                if (_streamStartPending) p[1] |= (byte)ImuPacketFlags.StreamStart;
                if (_timeSyncPending) p[1] |= (byte)ImuPacketFlags.TimeSync;
                _streamStartPending = _timeSyncPending = false;
                PacketsProduced++;
                DataCharacteristic.Notify(p);
                n++;
            }

            _feed.MoveNext();
        }

        return n;
    }

    private void SendMalformed(MalformedKind kind, Span<byte> packet, Span<RawImuCounts> samples)
    {
        samples[0] = default;
        var header = new ImuPacketHeader(ImuPacket.FormatVersion, ImuPacketFlags.None, 0, 0, _config.SampleRateHz, _config.AccRange, _config.GyroRange, 1);
        var length = ImuPacket.Encode(header, samples[..1], packet);
        switch (kind)
        {
            case MalformedKind.Short:
                length = 5;
                break;
            case MalformedKind.Version:
                packet[0] = 0x7E;
                break;
            case MalformedKind.Length:
                length--;
                break;
        }

        DataCharacteristic.Notify(packet[..length]);
    }

    private int PumpRsc(Span<byte> packet)
    {
        if (!DataCharacteristic.IsSubscribed) return 0;
        const double PeriodS = 0.5; // footpods notify at 1-2 Hz
        var now = _clock.VirtualSeconds;
        if (_nextRscSeconds == 0) _nextRscSeconds = now;
        var n = 0;
        while (_nextRscSeconds <= now)
        {
            _nextRscSeconds += PeriodS;
            var speed = 3.2 + (0.2 * Math.Sin(_nextRscSeconds / 10)); // m/s
            _distanceM += speed * PeriodS;
            var m = new RscMeasurement(speed, 172, 1.12, _distanceM, true);
            var length = m.Encode(packet);
            PacketsProduced++;
            DataCharacteristic.Notify(packet[..length]);
            n++;
        }

        return n;
    }
}

/// <summary>Simulated time: wall time since start multiplied by a time scale (packets stay protocol-exact).</summary>
internal sealed class SimClock(double timeScale)
{
    // Wall clock and stopwatch read together once: UTC of a simulated instant is this anchor plus stopwatch time.
    private readonly DateTimeOffset _startUtc = DateTimeOffset.UtcNow;
    private readonly Stopwatch _sw = Stopwatch.StartNew();
    public double TimeScale { get; } = timeScale;
    public double VirtualSeconds => _sw.Elapsed.TotalSeconds * TimeScale;

    /// <summary>Wall-clock time at which the simulated clock read <paramref name="virtualSeconds"/>.</summary>
    public DateTimeOffset UtcAt(double virtualSeconds) => _startUtc + TimeSpan.FromSeconds(virtualSeconds / TimeScale);
}
