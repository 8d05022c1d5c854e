namespace GaitGateway.Bluetooth.Abstractions;

// A transport abstraction shaped like Web Bluetooth (navigator.bluetooth → BluetoothDevice → gatt → getPrimaryService →
// getCharacteristic → startNotifications), so that BlueZ (Linux, here) and an InTheHand.BluetoothLE transport
// (Windows/macOS, later) can sit behind the same SensorLink. UUIDs are 128-bit lowercase strings as in GattUuids.

/// <summary>A local Bluetooth LE adapter (BlueZ: one hciN).</summary>
public interface IBleAdapter : IAsyncDisposable
{
    /// <summary>True while the adapter exists and is powered.</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Runs LE discovery for <paramref name="duration"/> and returns devices advertising any of
    /// <paramref name="serviceUuids"/> (all devices when empty): those seen during the scan, connected ones, and
    /// those the stack already knew (paired, or cached from an earlier discovery) even when not seen now.
    /// </summary>
    Task<IReadOnlyList<IBleDevice>> ScanAsync(IReadOnlyCollection<string> serviceUuids, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the device with <paramref name="address"/> (AA:BB:CC:DD:EE:FF), discovering until it appears or
    /// <paramref name="timeout"/> passes (then null).
    /// </summary>
    Task<IBleDevice?> FindDeviceAsync(string address, IReadOnlyCollection<string> serviceUuids, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Why a link ended, as far as the transport can tell.</summary>
public enum BleDisconnectReason
{
    /// <summary>The stack reported the link down (BlueZ: Device1.Connected became false).</summary>
    LinkLost,
    /// <summary>The device object disappeared (BlueZ: InterfacesRemoved on the device path).</summary>
    DeviceRemoved,
    /// <summary>The adapter was powered off or removed, or the Bluetooth daemon went away.</summary>
    AdapterGone,
    /// <summary>The gateway asked for it.</summary>
    Requested,
}

public sealed class BleDisconnectedEventArgs(BleDisconnectReason reason) : EventArgs
{
    public BleDisconnectReason Reason { get; } = reason;
}

/// <summary>A remote device as last seen by the adapter.</summary>
public interface IBleDevice
{
    /// <summary>Bluetooth address, upper-case, colon-separated.</summary>
    string Address { get; }
    string? Name { get; }
    /// <summary>Last advertising RSSI in dBm; null when not seen during the current discovery.</summary>
    short? RssiDbm { get; }
    /// <summary>Advertised (before connection) or resolved (after) service UUIDs.</summary>
    IReadOnlyList<string> ServiceUuids { get; }
    bool IsConnected { get; }
    /// <summary>Paired (bonded) with this adapter: the stack keeps it across restarts.</summary>
    bool IsPaired { get; }
    /// <summary>
    /// Battery level the stack itself publishes for the connected device (BlueZ: org.bluez.Battery1.Percentage, when
    /// its battery plugin owns the Battery service), %; null when it does not. Kept current by the stack.
    /// </summary>
    int? StackBatteryPercent { get; }
    /// <summary>When <see cref="StackBatteryPercent"/> last appeared or changed; null when never.</summary>
    DateTimeOffset? StackBatteryUpdatedUtc { get; }
    /// <summary>When an advertisement (an RSSI update) was last seen by this process; null when not since it started.</summary>
    DateTimeOffset? LastSeenUtc { get; }

    /// <summary>Raised once per link when the link ends, from whatever thread noticed it.</summary>
    event EventHandler<BleDisconnectedEventArgs>? Disconnected;

    /// <summary>Connects and waits until the GATT database is resolved.</summary>
    Task<IGattServer> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken);

    Task DisconnectAsync(CancellationToken cancellationToken);
}

/// <summary>The remote GATT server of a connected device.</summary>
public interface IGattServer
{
    IBleDevice Device { get; }
    /// <summary>Throws <see cref="BleException"/> (NotFound) when the device has no such service.</summary>
    Task<IGattService> GetPrimaryServiceAsync(string serviceUuid, CancellationToken cancellationToken);
    Task<IReadOnlyList<IGattService>> GetPrimaryServicesAsync(CancellationToken cancellationToken);
}

public interface IGattService
{
    string Uuid { get; }
    /// <summary>Throws <see cref="BleException"/> (NotFound) when the service has no such characteristic.</summary>
    Task<IGattCharacteristic> GetCharacteristicAsync(string characteristicUuid, CancellationToken cancellationToken);
}

[Flags]
public enum GattCharacteristicProperties
{
    None = 0,
    Read = 1,
    WriteWithoutResponse = 2,
    Write = 4,
    Notify = 8,
    Indicate = 16,
}

/// <summary>How notifications reach the gateway.</summary>
public enum GattNotifyMode
{
    /// <summary>A socket per characteristic where available (BlueZ AcquireNotify), otherwise the fallback.</summary>
    PreferSocket,
    /// <summary>One D-Bus PropertiesChanged(Value) message per notification (BlueZ StartNotify).</summary>
    PropertiesChanged,
}

/// <summary>
/// Receives one notification. The span is valid only during the call (it points into a reused receive buffer).
/// Return a completed ValueTask on the fast path; a pending one applies backpressure where the transport can
/// (socket path: the next datagram is read only after it completes).
/// </summary>
public delegate ValueTask GattNotificationHandler(ReadOnlySpan<byte> value);

/// <summary>An active notification subscription; dispose to stop notifications.</summary>
public interface IGattNotificationSubscription : IAsyncDisposable
{
    /// <summary>The path actually used (socket or PropertiesChanged).</summary>
    GattNotifyMode Mode { get; }
    /// <summary>ATT MTU reported by the stack (socket path), else 0.</summary>
    int Mtu { get; }
    /// <summary>Completes when the stream ends on its own (socket hang-up on link loss) or the subscription is disposed.</summary>
    Task Completion { get; }
}

public enum GattWriteType
{
    /// <summary>Write request (acknowledged).</summary>
    WithResponse,
    /// <summary>Write command (unacknowledged).</summary>
    WithoutResponse,
}

public interface IGattCharacteristic
{
    string Uuid { get; }
    GattCharacteristicProperties Properties { get; }
    /// <summary>
    /// The link's negotiated ATT MTU as the stack reports it (BlueZ ≥ 5.62: GattCharacteristic1.MTU); 0 when unknown.
    /// A notification carries at most MTU − 3 bytes.
    /// </summary>
    int Mtu { get; }
    Task<byte[]> ReadValueAsync(CancellationToken cancellationToken);
    Task WriteValueAsync(ReadOnlyMemory<byte> value, GattWriteType writeType, CancellationToken cancellationToken);
    Task<IGattNotificationSubscription> StartNotificationsAsync(GattNotificationHandler handler, GattNotifyMode mode, CancellationToken cancellationToken);
}

public enum BleErrorKind
{
    Failed,
    NotFound,
    NotConnected,
    NotReady,
    InProgress,
    NotPermitted,
    NotSupported,
    Timeout,
}

/// <summary>A transport error, with the stack's own error name (e.g. org.bluez.Error.Failed) when there is one.</summary>
public sealed class BleException : Exception
{
    public BleException() { }
    public BleException(string message) : base(message) { }
    public BleException(string message, Exception innerException) : base(message, innerException) { }
    public BleException(BleErrorKind kind, string message, string? stackErrorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StackErrorName = stackErrorName;
    }

    public BleErrorKind Kind { get; }
    public string? StackErrorName { get; }
}
