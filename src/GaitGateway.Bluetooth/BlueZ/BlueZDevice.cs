using GaitGateway.Bluetooth.Abstractions;

namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>A remote device by address; its D-Bus object may come and go (discovery, removal, adapter reset).</summary>
public sealed class BlueZDevice : IBleDevice
{
    private readonly BlueZAdapter _adapter;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _appeared;
    private TaskCompletionSource? _resolved;
    // 1 while a link made by ConnectAsync is up; the exchange to 0 makes Disconnected fire exactly once per link
    // although BlueZ reports one loss several ways (Connected=false, InterfacesRemoved, Powered=false).
    private int _linkUp;
    private long _lastSeenTicks;
    private long _batteryTicks;

    internal BlueZDevice(BlueZAdapter adapter, string address)
    {
        _adapter = adapter;
        Address = address;
    }

    public string Address { get; }
    internal string Path => _adapter.DevicePath(Address);
    internal BlueZAdapter Adapter => _adapter;
    internal bool Exists => _adapter.Cache.Has(Path, BlueZNames.Device1);
    public DateTimeOffset? LastSeenUtc => Interlocked.Read(ref _lastSeenTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    public int? StackBatteryPercent => _adapter.Cache.GetByte(Path, BlueZNames.Battery1, BlueZNames.Props.Percentage);
    public DateTimeOffset? StackBatteryUpdatedUtc => Interlocked.Read(ref _batteryTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    internal void OnBatteryChanged() => Interlocked.Exchange(ref _batteryTicks, DateTime.UtcNow.Ticks);
    public bool IsPaired => _adapter.Cache.GetBool(Path, BlueZNames.Device1, BlueZNames.Props.Paired);

    public string? Name => _adapter.Cache.GetString(Path, BlueZNames.Device1, BlueZNames.Props.Name)
                           ?? _adapter.Cache.GetString(Path, BlueZNames.Device1, BlueZNames.Props.Alias);
    public short? RssiDbm => _adapter.Cache.GetInt16(Path, BlueZNames.Device1, BlueZNames.Props.Rssi);
    public IReadOnlyList<string> ServiceUuids => _adapter.Cache.GetStrings(Path, BlueZNames.Device1, BlueZNames.Props.Uuids);
    public bool IsConnected => _adapter.Cache.GetBool(Path, BlueZNames.Device1, BlueZNames.Props.Connected);
    private bool ServicesResolved => _adapter.Cache.GetBool(Path, BlueZNames.Device1, BlueZNames.Props.ServicesResolved);

    public event EventHandler<BleDisconnectedEventArgs>? Disconnected;

    public async Task<IGattServer> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Exists) throw new BleException(BleErrorKind.NotFound, $"{Address} is not known to BlueZ (discover it first)");
        if (!_adapter.IsAvailable) throw new BleException(BleErrorKind.NotReady, "adapter is off or absent");
        Task resolved;
        lock (_lock)
        {
            _resolved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            resolved = _resolved.Task;
        }

        try
        {
            await DBusCalls.CallAsync(_adapter.Connection, DBusCalls.Method(_adapter.Connection, Path, BlueZNames.Device1, BlueZNames.Members.Connect), timeout, cancellationToken);
        }
        catch (BleException e) when (e.StackErrorName == BlueZNames.Errors.AlreadyConnected)
        {
            // Quirk: returned when another client (or an earlier run of ours) holds the link; the link is usable.
        }

        // Quirk: Connect returns when the link is up, but the GATT objects are exported later, one InterfacesAdded at a
        // time; only ServicesResolved=true says the database is complete. It may also already be true (cached GATT db).
        if (!ServicesResolved)
        {
            try
            {
                await resolved.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException e)
            {
                throw new BleException(BleErrorKind.Timeout, $"{Address}: services not resolved within {timeout.TotalSeconds:0.#} s", null, e);
            }
        }

        if (!IsConnected) throw new BleException(BleErrorKind.NotConnected, $"{Address}: link dropped while resolving services");
        Volatile.Write(ref _linkUp, 1);
        return new BlueZGattServer(this);
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        var wasUp = Interlocked.Exchange(ref _linkUp, 0) == 1;
        try
        {
            if (Exists)
                await DBusCalls.CallAsync(_adapter.Connection, DBusCalls.Method(_adapter.Connection, Path, BlueZNames.Device1, BlueZNames.Members.Disconnect), _adapter.CallTimeout, cancellationToken);
        }
        catch (BleException)
        {
            // Already gone: the goal of a disconnect is met.
        }

        if (wasUp) Disconnected?.Invoke(this, new BleDisconnectedEventArgs(BleDisconnectReason.Requested));
    }

    internal Task WaitForAppearanceAsync()
    {
        lock (_lock)
        {
            _appeared ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _appeared.Task;
        }
    }

    internal void OnAppeared()
    {
        OnSeen();
        TaskCompletionSource? tcs;
        lock (_lock)
        {
            tcs = _appeared;
            _appeared = null;
        }

        tcs?.TrySetResult();
    }

    internal void OnSeen() => Interlocked.Exchange(ref _lastSeenTicks, DateTime.UtcNow.Ticks);

    internal void OnServicesResolvedChanged()
    {
        if (!ServicesResolved) return;
        TaskCompletionSource? tcs;
        lock (_lock) tcs = _resolved;
        tcs?.TrySetResult();
    }

    internal void OnLinkDown(BleDisconnectReason reason)
    {
        TaskCompletionSource? tcs;
        lock (_lock) tcs = _resolved;
        tcs?.TrySetException(new BleException(BleErrorKind.NotConnected, $"{Address}: {reason}"));
        if (Interlocked.Exchange(ref _linkUp, 0) == 1) Disconnected?.Invoke(this, new BleDisconnectedEventArgs(reason));
    }

    public override string ToString() => $"{Address} {Name}";
}
