using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;

namespace GaitGateway.Bluetooth.Links;

public enum SensorLinkState
{
    Idle,
    Searching,
    Connecting,
    Streaming,
    Backoff,
    Stopped,
}

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
    /// <summary>Why the last attempt or link ended, for diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>Runs until cancelled. Never throws for link problems; they are counted and retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var streamed = false;
                try
                {
                    streamed = await RunOnceAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    LastError = e.Message;
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
            _state = SensorLinkState.Stopped;
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

    private async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
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
        try
        {
            _state = SensorLinkState.Connecting;
            var gatt = await device.ConnectAsync(Options.ConnectTimeout, cancellationToken);
            connected = true;
            if (Interlocked.Increment(ref Counters.Connects) > 1) Interlocked.Increment(ref Counters.Reconnects);
            EmitLinkEvent(LinkEvent.Connected);

            Info = await ReadInfoAsync(device, gatt, cancellationToken);
            var service = await gatt.GetPrimaryServiceAsync(Options.ServiceUuid, cancellationToken);
            var data = await service.GetCharacteristicAsync(Options.DataUuid, cancellationToken);
            // Subscribe before Start: the first packet (the StreamStart one) must not fall into a gap.
            await using var subscription = await data.StartNotificationsAsync(OnNotification, Options.NotifyMode, cancellationToken);
            NotifyMode = subscription.Mode;
            if (Options.Kind == SensorKind.ShoeClip)
            {
                if (Options.Configuration is { } config)
                {
                    var cfgChar = await service.GetCharacteristicAsync(GattUuids.Configuration, cancellationToken);
                    var bytes = new byte[ShoeClipConfig.Bytes];
                    config.Encode(bytes);
                    await cfgChar.WriteValueAsync(bytes, GattWriteType.WithResponse, cancellationToken);
                }

                control = await service.GetCharacteristicAsync(GattUuids.Control, cancellationToken);
                await control.WriteValueAsync(new[] { (byte)ControlOpcode.StartStreaming }, GattWriteType.WithResponse, cancellationToken);
            }

            _state = SensorLinkState.Streaming;
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
            if (connected)
            {
                EmitLinkEvent(LinkEvent.Disconnected);
                await ShutdownLinkAsync(device, control, cancellationToken.IsCancellationRequested);
            }
        }

        return Interlocked.Read(ref Counters.Packets) > packetsBefore;
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
