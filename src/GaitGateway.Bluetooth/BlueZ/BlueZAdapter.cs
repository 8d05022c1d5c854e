using System.Collections.Concurrent;
using GaitGateway.Bluetooth.Abstractions;
using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>Settings of the BlueZ transport.</summary>
public sealed record BlueZOptions
{
    /// <summary>D-Bus address; null: $DBUS_SYSTEM_BUS_ADDRESS, else the standard system bus socket.</summary>
    public string? BusAddress { get; init; }
    /// <summary>Adapter name ("hci0"); null: the first adapter BlueZ exports.</summary>
    public string? AdapterName { get; init; }
    /// <summary>Timeout of one D-Bus call. Default 25 s, the libdbus default BlueZ's own tools assume.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(25);

    internal string ResolveBusAddress()
        => BusAddress
           ?? Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS")
           ?? DBusAddress.System
           ?? "unix:path=/var/run/dbus/system_bus_socket";
}

/// <summary>
/// BlueZ over D-Bus: one bus connection, one object-tree cache, one adapter. Devices are kept per address so that
/// a link can hold its <see cref="IBleDevice"/> across the device object vanishing and reappearing.
/// </summary>
public sealed class BlueZAdapter : IBleAdapter
{
    private readonly BlueZOptions _options;
    private readonly ConcurrentDictionary<string, BlueZDevice> _devices = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _discoveryGate = new(1, 1);
    private readonly HashSet<string> _discoveryUuids = new(StringComparer.OrdinalIgnoreCase);
    private int _discoveryUsers;

    private BlueZAdapter(BlueZOptions options, DBusConnection connection, BlueZObjectCache cache)
    {
        _options = options;
        Connection = connection;
        Cache = cache;
        cache.InterfaceAdded += OnInterfaceAdded;
        cache.InterfacesRemoved += OnInterfacesRemoved;
        cache.PropertiesChanged += OnPropertiesChanged;
        // Quirk: devices BlueZ already knows (paired, or cached for ~30 s after another process's scan) are in the
        // snapshot, not announced by InterfacesAdded; without a device object their RSSI updates were dropped and a
        // scan listed none of them (issue 13).
        foreach (var path in cache.FindPaths(BlueZNames.Device1, AdapterPath is { } ap ? ap + "/" : null))
        {
            if (cache.GetString(path, BlueZNames.Device1, BlueZNames.Props.Address) is { } address) GetDevice(address);
        }
    }

    internal DBusConnection Connection { get; }
    internal BlueZObjectCache Cache { get; }
    internal TimeSpan CallTimeout => _options.CallTimeout;

    /// <summary>Raised when <see cref="IsAvailable"/> may have changed.</summary>
    public event EventHandler? AvailabilityChanged;

    public static async Task<BlueZAdapter> ConnectAsync(BlueZOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BlueZOptions();
        var connection = new DBusConnection(options.ResolveBusAddress());
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(options.CallTimeout, cancellationToken);
            var cache = await BlueZObjectCache.CreateAsync(connection, options.CallTimeout, cancellationToken);
            return new BlueZAdapter(options, connection, cache);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>D-Bus path of the adapter in use, or null when there is none.</summary>
    public string? AdapterPath
    {
        get
        {
            if (_options.AdapterName is { } name)
            {
                var path = "/org/bluez/" + name;
                return Cache.Has(path, BlueZNames.Adapter1) ? path : null;
            }

            var all = Cache.FindPaths(BlueZNames.Adapter1);
            return all.Count > 0 ? all[0] : null;
        }
    }

    public bool IsAvailable => AdapterPath is { } p && Cache.GetBool(p, BlueZNames.Adapter1, BlueZNames.Props.Powered);

    public async Task<IReadOnlyList<IBleDevice>> ScanAsync(IReadOnlyCollection<string> serviceUuids, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var session = await AcquireDiscoveryAsync(serviceUuids, cancellationToken);
        try
        {
            await Task.Delay(duration, cancellationToken);
        }
        finally
        {
            await session.DisposeAsync();
        }

        var adapter = AdapterPath;
        if (adapter is null) return [];
        var result = new List<IBleDevice>();
        foreach (var path in Cache.FindPaths(BlueZNames.Device1, adapter + "/"))
        {
            var address = Cache.GetString(path, BlueZNames.Device1, BlueZNames.Props.Address);
            if (address is null) continue;
            var device = GetDevice(address);
            // Quirk: BlueZ keeps devices from earlier discoveries (for about 30 s, paired ones forever), so "in the tree"
            // does not mean "in range": every known device is listed, and LastSeenUtc (an RSSI update during this
            // scan) or IsConnected (a connected peripheral stops advertising) tell whether it is here now.
            if (serviceUuids.Count > 0 && !device.ServiceUuids.Any(u => serviceUuids.Contains(u, StringComparer.OrdinalIgnoreCase))) continue;
            result.Add(device);
        }

        return result;
    }

    public async Task<IBleDevice?> FindDeviceAsync(string address, IReadOnlyCollection<string> serviceUuids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var device = GetDevice(address);
        if (device.Exists) return device;
        var appeared = device.WaitForAppearanceAsync();
        var session = await AcquireDiscoveryAsync(serviceUuids, cancellationToken);
        try
        {
            if (device.Exists) return device;
            await appeared.WaitAsync(timeout, cancellationToken);
            return device;
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>The device object for an address, whether or not BlueZ currently exports it.</summary>
    public BlueZDevice GetDevice(string address) => _devices.GetOrAdd(address.ToUpperInvariant(), a => new BlueZDevice(this, a));

    internal string DevicePath(string address)
        => (AdapterPath ?? "/org/bluez/" + (_options.AdapterName ?? "hci0")) + "/dev_" + address.Replace(':', '_');

    /// <summary>
    /// Discovery is a per-client session in BlueZ: a second StartDiscovery from the same connection fails with
    /// InProgress, and the filter is per client. So sessions are reference-counted here and the filter is the union
    /// of what every current user asked for.
    /// </summary>
    private async Task<IAsyncDisposable> AcquireDiscoveryAsync(IReadOnlyCollection<string> uuids, CancellationToken cancellationToken)
    {
        var adapter = AdapterPath ?? throw new BleException(BleErrorKind.NotReady,
            _options.AdapterName is { } name ? $"no Bluetooth adapter {name} (BlueZ has: {string.Join(", ", Cache.FindPaths(BlueZNames.Adapter1).Select(p => p[(p.LastIndexOf('/') + 1)..]))})" : "no Bluetooth adapter");
        await _discoveryGate.WaitAsync(cancellationToken);
        try
        {
            var grew = false;
            foreach (var u in uuids) grew |= _discoveryUuids.Add(u);
            if (_discoveryUsers == 0 || grew)
            {
                await DBusCalls.CallAsync(Connection, DBusCalls.SetDiscoveryFilter(Connection, adapter, _discoveryUuids), CallTimeout, cancellationToken);
            }

            if (_discoveryUsers == 0)
            {
                try
                {
                    await DBusCalls.CallAsync(Connection, DBusCalls.Method(Connection, adapter, BlueZNames.Adapter1, BlueZNames.Members.StartDiscovery), CallTimeout, cancellationToken);
                }
                catch (BleException e) when (e.Kind == BleErrorKind.InProgress)
                {
                    // Our own earlier session is still being torn down; BlueZ keeps it, which is what we want.
                }
            }

            _discoveryUsers++;
            return new DiscoverySession(this, adapter);
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    private async Task ReleaseDiscoveryAsync(string adapter)
    {
        await _discoveryGate.WaitAsync();
        try
        {
            if (--_discoveryUsers > 0) return;
            _discoveryUuids.Clear();
            try
            {
                await DBusCalls.CallAsync(Connection, DBusCalls.Method(Connection, adapter, BlueZNames.Adapter1, BlueZNames.Members.StopDiscovery), CallTimeout, CancellationToken.None);
            }
            catch (BleException)
            {
                // NotReady (powered off) or Failed ("No discovery started", e.g. after an adapter reset): nothing to stop.
            }
        }
        finally
        {
            _discoveryGate.Release();
        }
    }

    private sealed class DiscoverySession(BlueZAdapter owner, string adapter) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) await owner.ReleaseDiscoveryAsync(adapter);
        }
    }

    /// <summary>Whether an event on <paramref name="adapterPath"/> concerns the adapter in use.</summary>
    private bool IsOurs(string adapterPath)
        => _options.AdapterName is not { } name || adapterPath == "/org/bluez/" + name;

    private BlueZDevice? DeviceAt(string path)
    {
        // With several adapters a clip has a device object under each that sees it; only ours counts here.
        if (_options.AdapterName is { } name && !path.StartsWith("/org/bluez/" + name + "/", StringComparison.Ordinal)) return null;
        var i = path.IndexOf("/dev_", StringComparison.Ordinal);
        if (i < 0) return null;
        var end = path.IndexOf('/', i + 5);
        var address = (end < 0 ? path[(i + 5)..] : path[(i + 5)..end]).Replace('_', ':');
        return _devices.TryGetValue(address, out var d) ? d : null;
    }

    private void OnInterfaceAdded(string path, string iface)
    {
        if (iface == BlueZNames.Adapter1)
        {
            AvailabilityChanged?.Invoke(this, EventArgs.Empty);
            return;
        }

        if (iface == BlueZNames.Device1)
        {
            var address = Cache.GetString(path, BlueZNames.Device1, BlueZNames.Props.Address);
            if (address is not null) GetDevice(address).OnAppeared();
        }

        if (iface == BlueZNames.Battery1) DeviceAt(path)?.OnBatteryChanged();
    }

    private void OnInterfacesRemoved(string path, IReadOnlyList<string> ifaces)
    {
        if (ifaces.Contains(BlueZNames.Adapter1))
        {
            if (!IsOurs(path)) return;
            foreach (var d in _devices.Values) d.OnLinkDown(BleDisconnectReason.AdapterGone);
            AvailabilityChanged?.Invoke(this, EventArgs.Empty);
            return;
        }

        if (ifaces.Contains(BlueZNames.Device1)) DeviceAt(path)?.OnLinkDown(BleDisconnectReason.DeviceRemoved);
    }

    private void OnPropertiesChanged(string path, string iface, IReadOnlyCollection<string> changed)
    {
        if (iface == BlueZNames.Adapter1 && changed.Contains(BlueZNames.Props.Powered))
        {
            if (!IsOurs(path)) return;
            // Quirk: on power-off BlueZ reports Powered=false before (sometimes without) Connected=false on each device.
            if (!Cache.GetBool(path, BlueZNames.Adapter1, BlueZNames.Props.Powered))
            {
                foreach (var d in _devices.Values) d.OnLinkDown(BleDisconnectReason.AdapterGone);
            }

            AvailabilityChanged?.Invoke(this, EventArgs.Empty);
            return;
        }

        if (iface == BlueZNames.Battery1 && changed.Contains(BlueZNames.Props.Percentage))
        {
            DeviceAt(path)?.OnBatteryChanged();
            return;
        }

        if (iface != BlueZNames.Device1) return;
        var device = DeviceAt(path);
        if (device is null) return;
        if (changed.Contains(BlueZNames.Props.Rssi)) device.OnSeen();
        if (changed.Contains(BlueZNames.Props.Connected) && !Cache.GetBool(path, BlueZNames.Device1, BlueZNames.Props.Connected))
            device.OnLinkDown(BleDisconnectReason.LinkLost);
        if (changed.Contains(BlueZNames.Props.ServicesResolved)) device.OnServicesResolvedChanged();
    }

    public async ValueTask DisposeAsync()
    {
        Cache.InterfaceAdded -= OnInterfaceAdded;
        Cache.InterfacesRemoved -= OnInterfacesRemoved;
        Cache.PropertiesChanged -= OnPropertiesChanged;
        Cache.Dispose();
        Connection.Dispose();
        _discoveryGate.Dispose();
        await Task.CompletedTask;
    }
}
