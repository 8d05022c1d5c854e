using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;

namespace GaitGateway.Bluetooth.Links;

public enum SensorLinkState
{
    Idle,
    Searching,
    Connecting,
    Streaming,
    Backoff,
    Stopped,
    /// <summary>The sensor cannot work with this gateway as it is (e.g. ATT MTU 23); the link gave up. See LastError.</summary>
    Unsupported,
}

/// <summary>A sensor that cannot stream with this gateway however often it is retried.</summary>
public sealed class SensorUnsupportedException : Exception
{
    public SensorUnsupportedException() { }
    public SensorUnsupportedException(string message) : base(message) { }
    public SensorUnsupportedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>What a <see cref="SensorReport"/> is about.</summary>
public enum SensorReportKind
{
    /// <summary>An attempt to find, connect and start the sensor ended before it streamed; the link retries.</summary>
    AttemptFailed,
    /// <summary>The sensor streams; the message says what was negotiated.</summary>
    Streaming,
    /// <summary>A streaming link ended (link loss, hang-up, watchdog); the link reconnects.</summary>
    LinkEnded,
    /// <summary>The sensor cannot work with this gateway as it is (e.g. ATT MTU 23); the link stops retrying.</summary>
    Unsupported,
    /// <summary>Something the coach or the firmware engineer should know, the link carries on (a foot mismatch, a rejected setting).</summary>
    Warning,
}

/// <summary>One thing that happened on a link, in words, for the log and the dashboard.</summary>
/// <param name="Attempt">The connection attempt it belongs to (1 = the first since the gateway started).</param>
public sealed record SensorReport(SensorReportKind Kind, string Message, long Attempt);

/// <summary>What the gateway read from a sensor when it connected.</summary>
public sealed record SensorInfo(string Address, string? Name, string? Manufacturer, string? Model, string? FirmwareRevision, int? BatteryPercent, ShoeClipConfig? Configuration);

/// <summary>
/// Keeps one allow-listed sensor streaming into a shared channel: find → connect → read device information,
/// battery and configuration → subscribe → write Start → forward every notification as a Core
/// <see cref="Notification"/>; on link loss, hang-up or watchdog, reconnect with exponential backoff and jitter.
/// </summary>
/// <remarks>Link events (connected, disconnected, watchdog) enter the channel too, as FrameKind.Link notifications.</remarks>
public sealed class SensorLink
{
    private readonly IBleAdapter _adapter;
    private readonly ChannelWriter<Notification> _output;
    private readonly SessionClock _clock;
    private readonly SequenceTracker _sequence = new();
    private long _lastPacketTimestamp;
    private int _slowWritePending;
    private volatile SensorLinkState _state;
    // Stopwatch timestamp since which the sensor has not streamed (start, or the end of the last streaming link).
    private long _downSince = Stopwatch.GetTimestamp();
    private volatile string? _lastError;
    private volatile IBleDevice? _device;
    private int _batteryPct = -1;
    private long _batteryUtcTicks;

    public SensorLink(IBleAdapter adapter, SensorLinkOptions options, ChannelWriter<Notification> output, SessionClock clock)
    {
        _adapter = adapter;
        Options = options;
        _output = output;
        _clock = clock;
    }

    public SensorLinkOptions Options { get; }
    public SensorCounters Counters { get; } = new();
    public SensorLinkState State => _state;
    /// <summary>Read at the last connection; null before the first.</summary>
    public SensorInfo? Info { get; private set; }
    /// <summary>The notification path in use on the current or last link.</summary>
    public GattNotifyMode? NotifyMode { get; private set; }
    /// <summary>
    /// Battery level, %: from org.bluez.Battery1 where BlueZ's battery plugin owns the Battery service (a stock Pi),
    /// else the GATT Battery Level read at connection and then notified. Null before the first reading.
    /// </summary>
    public int? BatteryPercent
    {
        get
        {
            RefreshStackBattery();
            var v = Volatile.Read(ref _batteryPct);
            return v >= 0 ? v : null;
        }
    }

    /// <summary>How old <see cref="BatteryPercent"/> is (since the clip last reported it); null without a reading.</summary>
    public TimeSpan? BatteryAge
    {
        get
        {
            RefreshStackBattery();
            var t = Interlocked.Read(ref _batteryUtcTicks);
            return t > 0 ? DateTimeOffset.UtcNow - new DateTimeOffset(t, TimeSpan.Zero) : null;
        }
    }

    /// <summary>Where the battery level comes from: "org.bluez.Battery1", "GATT notify", "GATT read"; null before.</summary>
    public string? BatterySource { get; private set; }

    private void SetBattery(int pct, DateTimeOffset atUtc)
    {
        Volatile.Write(ref _batteryPct, pct);
        Interlocked.Exchange(ref _batteryUtcTicks, atUtc.UtcTicks);
    }

    private void RefreshStackBattery()
    {
        // Battery1 disappears with the link; the last level (and its age) stays. It may also appear a moment after the
        // connection (the plugin probes the service after discovery): it is picked up whenever it is there.
        if (_device is { StackBatteryPercent: { } pct } d)
        {
            SetBattery(pct, d.StackBatteryUpdatedUtc ?? DateTimeOffset.UtcNow);
            BatterySource = "org.bluez.Battery1";
        }
    }

    /// <summary>ATT MTU of the current or last link as BlueZ reports it (AcquireNotify, GattCharacteristic1.MTU); 0 when unknown.</summary>
    public int Mtu { get; private set; }
    /// <summary>How the configuration was negotiated on the current or last link (shoe clips); null before.</summary>
    public ShoeClipNegotiation? Negotiation { get; private set; }
    /// <summary>Why the last attempt or link ended, for diagnostics.</summary>
    public string? LastError { get => _lastError; private set => _lastError = value; }

    /// <summary>
    /// Raised for every failed attempt, every start of streaming and every end of a link, with the reason in words,
    /// on the link's own task. Handlers must be quick; an exception from one is swallowed.
    /// </summary>
    public event EventHandler<SensorReport>? Reported;

    /// <summary>
    /// One line for the dashboard tile: why the sensor is not streaming and for how long ("not found within 10 s;
    /// no data for 42 s"), or null while it streams.
    /// </summary>
    public string? Detail
    {
        get
        {
            if (_state == SensorLinkState.Streaming)
                return Negotiation is { Notes.Count: > 0 } n ? string.Join("; ", n.Notes) : null;
            if (_state == SensorLinkState.Unsupported) return LastError;
            var down = Stopwatch.GetElapsedTime(Volatile.Read(ref _downSince));
            var error = LastError;
            return error is null
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_state.ToString().ToLowerInvariant()} for {down.TotalSeconds:0} s")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{error}; no data for {down.TotalSeconds:0} s");
        }
    }

    /// <summary>Runs until cancelled. Never throws for link problems; they are counted and retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var streamed = false;
                var number = Interlocked.Increment(ref Counters.ConnectAttempts);
                try
                {
                    streamed = await RunOnceAsync(number, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SensorUnsupportedException e)
                {
                    // Retrying cannot help (the MTU or the firmware must change): say so once and stop, instead of
                    // connecting in a loop.
                    LastError = e.Message;
                    Interlocked.Increment(ref Counters.ConnectFailures);
                    _state = SensorLinkState.Unsupported;
                    Report(SensorReportKind.Unsupported, e.Message, number);
                    return;
                }
                catch (Exception e)
                {
                    LastError = e.Message;
                }

                if (cancellationToken.IsCancellationRequested) break;
                if (streamed)
                {
                    Volatile.Write(ref _downSince, Stopwatch.GetTimestamp());
                    Report(SensorReportKind.LinkEnded, LastError ?? "link ended", number);
                }
                else
                {
                    Interlocked.Increment(ref Counters.ConnectFailures);
                    Report(SensorReportKind.AttemptFailed, LastError ?? "attempt failed", number);
                }

                // A link that delivered data was healthy: the next loss starts the backoff from the beginning.
                attempt = streamed ? 0 : attempt + 1;
                _state = SensorLinkState.Backoff;
                await Task.Delay(BackoffDelay(attempt), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutdown is not an error
        }
        finally
        {
            if (_state != SensorLinkState.Unsupported) _state = SensorLinkState.Stopped;
        }
    }

    /// <summary>Delay before attempt number <paramref name="attempt"/> (0 = right after a healthy link ended).</summary>
    public TimeSpan BackoffDelay(int attempt)
    {
        var baseMs = Options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var ms = Math.Min(baseMs, Options.ReconnectMaxDelay.TotalMilliseconds);
        var jitter = 1 + (Options.ReconnectJitter * ((Random.Shared.NextDouble() * 2) - 1));
        return TimeSpan.FromMilliseconds(ms * jitter);
    }

    private void Report(SensorReportKind kind, string message, long attempt)
    {
        try
        {
            Reported?.Invoke(this, new SensorReport(kind, message, attempt));
        }
        catch (Exception)
        {
            // a logging handler's bug must not end the link
        }
    }

    private async Task<bool> RunOnceAsync(long attempt, CancellationToken cancellationToken)
    {
        _state = SensorLinkState.Searching;
        var device = await _adapter.FindDeviceAsync(Options.Address, [Options.ServiceUuid], Options.DiscoveryTimeout, cancellationToken)
                     ?? throw new BleException(BleErrorKind.NotFound, $"{Options.Address} not found within {Options.DiscoveryTimeout.TotalSeconds:0.#} s");
        var lost = new TaskCompletionSource<BleDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnDisconnected(object? sender, BleDisconnectedEventArgs e) => lost.TrySetResult(e.Reason);
        device.Disconnected += OnDisconnected;
        var connected = false;
        var packetsBefore = Interlocked.Read(ref Counters.Packets);
        IGattCharacteristic? control = null;
        IGattNotificationSubscription? battery = null;
        try
        {
            _state = SensorLinkState.Connecting;
            var gatt = await device.ConnectAsync(Options.ConnectTimeout, cancellationToken);
            connected = true;
            if (Interlocked.Increment(ref Counters.Connects) > 1) Interlocked.Increment(ref Counters.Reconnects);
            EmitLinkEvent(LinkEvent.Connected);

            Info = await ReadInfoAsync(device, gatt, cancellationToken);
            battery = await StartBatteryAsync(device, gatt, cancellationToken);
            Info = Info with { BatteryPercent = BatteryPercent };
            var service = await gatt.GetPrimaryServiceAsync(Options.ServiceUuid, cancellationToken);
            var data = await service.GetCharacteristicAsync(Options.DataUuid, cancellationToken);
            // Subscribe before Start: the first packet (the StreamStart one) must not fall into a gap.
            await using var subscription = await data.StartNotificationsAsync(OnNotification, Options.NotifyMode, cancellationToken);
            NotifyMode = subscription.Mode;
            Mtu = subscription.Mtu > 0 ? subscription.Mtu : data.Mtu;
            if (Options.Kind == SensorKind.ShoeClip)
            {
                var cfgChar = await service.GetCharacteristicAsync(GattUuids.Configuration, cancellationToken);
                Negotiation = await NegotiateAsync(cfgChar, Info.Configuration, cancellationToken);
                Info = Info with { Configuration = Negotiation.Configuration };
                foreach (var note in Negotiation.Notes) Report(SensorReportKind.Warning, note, attempt);

                control = await service.GetCharacteristicAsync(GattUuids.Control, cancellationToken);
                await control.WriteValueAsync(new[] { (byte)ControlOpcode.StartStreaming }, GattWriteType.WithResponse, cancellationToken);
            }

            _state = SensorLinkState.Streaming;
            LastError = null;
            Report(SensorReportKind.Streaming, DescribeStreaming(), attempt);
            Volatile.Write(ref _lastPacketTimestamp, Stopwatch.GetTimestamp());
            using var linkCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watchdog = WatchdogAsync(linkCts.Token);
            var ended = await Task.WhenAny(lost.Task, subscription.Completion, watchdog, Task.Delay(Timeout.Infinite, cancellationToken));
            await linkCts.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (ended == watchdog)
            {
                Interlocked.Increment(ref Counters.WatchdogTimeouts);
                EmitLinkEvent(LinkEvent.WatchdogTimeout);
                LastError = $"no notification for {Options.WatchdogTimeout.TotalSeconds:0.#} s";
            }
            else
            {
                Interlocked.Increment(ref Counters.LinkLosses);
                LastError = lost.Task.IsCompleted ? $"link lost: {lost.Task.Result}" : "notification stream hung up";
            }
        }
        finally
        {
            device.Disconnected -= OnDisconnected;
            if (battery is not null)
            {
                try { await battery.DisposeAsync(); }
                catch (Exception) { /* the link may be gone */ }
            }

            if (connected)
            {
                EmitLinkEvent(LinkEvent.Disconnected);
                await ShutdownLinkAsync(device, control, cancellationToken.IsCancellationRequested);
            }
        }

        return Interlocked.Read(ref Counters.Packets) > packetsBefore;
    }

    /// <summary>
    /// Battery: BlueZ's own Battery1 when its plugin took the service (then the GATT service is invisible), else the
    /// GATT Battery Level, subscribed so that the dashboard's value is minutes old at most, not as old as the link.
    /// </summary>
    private async Task<IGattNotificationSubscription?> StartBatteryAsync(IBleDevice device, IGattServer gatt, CancellationToken cancellationToken)
    {
        _device = device;
        if (device.StackBatteryPercent is not null)
        {
            RefreshStackBattery();
            return null;
        }

        if (Info?.BatteryPercent is { } read)
        {
            SetBattery(read, DateTimeOffset.UtcNow);
            BatterySource = "GATT read";
        }

        try
        {
            var bas = await gatt.GetPrimaryServiceAsync(GattUuids.BatteryService, cancellationToken);
            var level = await bas.GetCharacteristicAsync(GattUuids.BatteryLevel, cancellationToken);
            if (!level.Properties.HasFlag(GattCharacteristicProperties.Notify)) return null;
            // One notification a minute at most: the D-Bus signal path is the right one (no socket per battery).
            var sub = await level.StartNotificationsAsync(OnBatteryNotification, GattNotifyMode.PropertiesChanged, cancellationToken);
            BatterySource = "GATT notify";
            return sub;
        }
        catch (BleException e) when (e.Kind is BleErrorKind.NotFound or BleErrorKind.NotSupported or BleErrorKind.NotPermitted or BleErrorKind.Failed)
        {
            return null; // Battery is optional in the profile: no level is not a failed connection
        }
    }

    private ValueTask OnBatteryNotification(ReadOnlySpan<byte> value)
    {
        if (value.Length > 0 && value[0] <= 100) SetBattery(value[0], DateTimeOffset.UtcNow);
        return default;
    }

    /// <summary>
    /// Reads what the clip has, writes only what the request changes, and on a rejected write falls back to the
    /// next candidate (<see cref="ShoeClipNegotiation.Candidates"/>): a clip that cannot do 400 Hz streams at its
    /// own rate, and that is reported, not retried.
    /// </summary>
    private async Task<ShoeClipNegotiation> NegotiateAsync(IGattCharacteristic cfgChar, ShoeClipConfig? read, CancellationToken cancellationToken)
    {
        // MTU unknown (PropertiesChanged path on a BlueZ without the MTU property): assume the 247 the clip requests.
        var maxSpp = Mtu > 0 ? ShoeClipNegotiation.SamplesPerPacketFor(Mtu) : ImuPacket.MaxSamples;
        if (maxSpp < 1)
        {
            throw new SensorUnsupportedException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ATT MTU {Mtu} is too small: one IMU packet needs at least {ImuPacket.PacketBytes(1) + ShoeClipNegotiation.AttNotificationHeaderBytes} (firmware-notes/gatt-profile.md: unsupported); not streaming, not retrying"));
        }

        var request = Options.Request ?? new ShoeClipRequest();
        // A clip whose configuration cannot be read is treated as having the running default, so everything is written.
        var current = read ?? ShoeClipConfig.RunningDefault(request.Foot ?? Foot.Left) with { Foot = null, SamplesPerPacket = 0 };
        ShoeClipConfig? granted = null;
        var rejected = false;
        var wrote = false;
        string? lastRejection = null;
        foreach (var candidate in ShoeClipNegotiation.Candidates(current, request, maxSpp))
        {
            if (read is not null && candidate == current)
            {
                granted = current;
                break;
            }

            var bytes = new byte[ShoeClipConfig.Bytes];
            candidate.Encode(bytes);
            try
            {
                await cfgChar.WriteValueAsync(bytes, GattWriteType.WithResponse, cancellationToken);
                granted = candidate;
                wrote = true;
                break;
            }
            catch (BleException e) when (e.Kind is BleErrorKind.Failed or BleErrorKind.NotPermitted or BleErrorKind.NotSupported)
            {
                // ATT error 0x80 "value not accepted" comes as org.bluez.Error.Failed: the clip said no; try the next.
                rejected = true;
                lastRejection = e.Message;
            }
        }

        if (granted is null)
        {
            if (read is { } r && r.SamplesPerPacket <= maxSpp) granted = r;
            else throw new SensorUnsupportedException($"the clip rejected every configuration (last: {lastRejection}) and its own does not fit ATT MTU {Mtu}");
        }

        var streaming = granted.Value;
        if (wrote)
        {
            // Believe the clip, not what was written: the configuration it reports is what its packets will carry.
            var value = await cfgChar.ReadValueAsync(cancellationToken);
            if (ShoeClipConfig.TryDecode(value, out var back)) streaming = back;
        }

        var notes = ShoeClipNegotiation.Explain(current, request, streaming, rejected);
        if (wrote && streaming != granted.Value) notes.Add("the clip reports a different configuration than was written");
        return new ShoeClipNegotiation(streaming, notes, wrote);
    }

    private string DescribeStreaming()
    {
        var c = Info?.Configuration;
        var what = c is { } x
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x.SampleRateHz} Hz, ±{ImuScale.AccFullScaleG(x.AccRange)} g, ±{ImuScale.GyroFullScaleDps(x.GyroRange)} °/s, {x.SamplesPerPacket} samples per packet")
            : "streaming";
        var mtu = Mtu > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", ATT MTU {Mtu}") : "";
        return $"streaming ({what}{mtu}) via {NotifyMode}";
    }

    /// <summary>Best effort, bounded: on shutdown tell the clip to stop, then drop the link so a fresh connect starts clean.</summary>
    private static async Task ShutdownLinkAsync(IBleDevice device, IGattCharacteristic? control, bool stopStreaming)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (stopStreaming && control is not null && device.IsConnected)
                await control.WriteValueAsync(new[] { (byte)ControlOpcode.StopStreaming }, GattWriteType.WithResponse, cts.Token);
        }
        catch (Exception)
        {
            // the link may already be gone
        }

        try
        {
            await device.DisconnectAsync(cts.Token);
        }
        catch (Exception)
        {
            // as above
        }
    }

    private async Task WatchdogAsync(CancellationToken cancellationToken)
    {
        // Returns only on timeout; cancellation ends it through the exception, which nobody awaits after WhenAny.
        var period = Options.WatchdogTimeout / 4;
        while (true)
        {
            await Task.Delay(period, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastPacketTimestamp)) > Options.WatchdogTimeout) return;
        }
    }

    private async Task<SensorInfo> ReadInfoAsync(IBleDevice device, IGattServer gatt, CancellationToken cancellationToken)
    {
        string? manufacturer = null, model = null, firmware = null;
        int? battery = null;
        ShoeClipConfig? config = null;
        // Device Information and Battery are optional in the profiles: a missing one is not a failed connection.
        try
        {
            var dis = await gatt.GetPrimaryServiceAsync(GattUuids.DeviceInformationService, cancellationToken);
            manufacturer = await ReadStringAsync(dis, GattUuids.ManufacturerName, cancellationToken);
            model = await ReadStringAsync(dis, GattUuids.ModelNumber, cancellationToken);
            firmware = await ReadStringAsync(dis, GattUuids.FirmwareRevision, cancellationToken);
        }
        catch (BleException e) when (e.Kind == BleErrorKind.NotFound)
        {
        }

        try
        {
            var bas = await gatt.GetPrimaryServiceAsync(GattUuids.BatteryService, cancellationToken);
            var level = await (await bas.GetCharacteristicAsync(GattUuids.BatteryLevel, cancellationToken)).ReadValueAsync(cancellationToken);
            if (level.Length > 0) battery = level[0];
        }
        catch (BleException e) when (e.Kind == BleErrorKind.NotFound)
        {
        }

        if (Options.Kind == SensorKind.ShoeClip)
        {
            var service = await gatt.GetPrimaryServiceAsync(GattUuids.ShoeClipService, cancellationToken);
            var value = await (await service.GetCharacteristicAsync(GattUuids.Configuration, cancellationToken)).ReadValueAsync(cancellationToken);
            if (ShoeClipConfig.TryDecode(value, out var c)) config = c;
        }

        return new SensorInfo(device.Address, device.Name, manufacturer, model, firmware, battery, config);
    }

    private static async Task<string?> ReadStringAsync(IGattService service, string uuid, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await (await service.GetCharacteristicAsync(uuid, cancellationToken)).ReadValueAsync(cancellationToken);
            return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
        }
        catch (BleException e) when (e.Kind == BleErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>The hot path: validate, count, copy into an inline-bytes Notification, enqueue. No allocation.</summary>
    private ValueTask OnNotification(ReadOnlySpan<byte> value)
    {
        var hostTimeUs = _clock.NowUs;
        Volatile.Write(ref _lastPacketTimestamp, Stopwatch.GetTimestamp());
        FrameKind kind;
        if (Options.Kind == SensorKind.ShoeClip)
        {
            var error = ImuPacket.TryDecodeHeader(value, out var header);
            if (error != ImuPacketError.None)
            {
                Interlocked.Increment(ref Counters.Malformed);
                Volatile.Write(ref Counters.LastMalformedError, (int)error);
                return default;
            }

            var missing = _sequence.Observe(header);
            if (missing > 0)
            {
                Interlocked.Increment(ref Counters.SequenceGaps);
                Interlocked.Add(ref Counters.LostPackets, missing);
            }
            else if (missing < 0)
            {
                Interlocked.Increment(ref (header.Flags & ImuPacketFlags.StreamStart) != 0 ? ref Counters.StreamRestarts : ref Counters.OutOfOrder);
            }

            kind = FrameKind.ImuData;
        }
        else
        {
            if (value.Length > Notification.MaxBytes || !RscMeasurement.TryDecode(value, out _))
            {
                Interlocked.Increment(ref Counters.Malformed);
                return default;
            }

            kind = FrameKind.RscMeasurement;
        }

        Interlocked.Increment(ref Counters.Packets);
        var notification = Notification.Create(Options.SensorIndex, kind, hostTimeUs, value);
        // While an earlier notification waits for room, later ones must not overtake it (the PropertiesChanged path
        // cannot wait in line): they are dropped and counted instead of reordered.
        if (Volatile.Read(ref _slowWritePending) == 0 && _output.TryWrite(notification)) return default;
        return WriteSlowAsync(notification);
    }

    private async ValueTask WriteSlowAsync(Notification notification)
    {
        if (Interlocked.Exchange(ref _slowWritePending, 1) == 1)
        {
            Interlocked.Increment(ref Counters.ChannelFullDrops);
            return;
        }

        Interlocked.Increment(ref Counters.ChannelFullWaits);
        using var cts = new CancellationTokenSource(Options.ChannelFullTimeout);
        try
        {
            while (await _output.WaitToWriteAsync(cts.Token))
            {
                if (_output.TryWrite(notification)) return;
            }

            Interlocked.Increment(ref Counters.ChannelFullDrops); // channel completed: the hub is shutting down
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref Counters.ChannelFullDrops);
        }
        finally
        {
            Volatile.Write(ref _slowWritePending, 0);
        }
    }

    private void EmitLinkEvent(LinkEvent e)
    {
        // Link events never wait: they are rare, and a full channel already says the consumer is behind.
        if (!_output.TryWrite(Notification.Create(Options.SensorIndex, FrameKind.Link, _clock.NowUs, [(byte)e])))
            Interlocked.Increment(ref Counters.ChannelFullDrops);
    }
}
