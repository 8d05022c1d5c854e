using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>
/// The one mirror of BlueZ's object tree for a connection: path → interface → property → value. Seeded by
/// GetManagedObjects and kept current by InterfacesAdded, InterfacesRemoved and PropertiesChanged. Every lookup in
/// the transport reads this cache instead of calling Properties.Get, as bleak does.
/// </summary>
/// <remarks>
/// Events are raised on the D-Bus receive loop, in signal order, after the cache was updated and outside its lock.
/// Handlers must be quick and must not block on D-Bus calls.
/// </remarks>
internal sealed class BlueZObjectCache : IDisposable
{
    private readonly DBusConnection _connection;
    private readonly TimeSpan _callTimeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> _objects = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _matches = [];
    // Unique name (":1.42") of the current org.bluez owner. Signals are matched without a sender in the rule and
    // filtered here instead: a match on the well-known name would need the library to track the owner, and when
    // bluetoothd restarts its unique name changes while the well-known name stays.
    private volatile string? _owner;

    private BlueZObjectCache(DBusConnection connection, TimeSpan callTimeout)
    {
        _connection = connection;
        _callTimeout = callTimeout;
    }

    public event Action<string, string>? InterfaceAdded;
    public event Action<string, IReadOnlyList<string>>? InterfacesRemoved;
    public event Action<string, string, IReadOnlyCollection<string>>? PropertiesChanged;

    public static async Task<BlueZObjectCache> CreateAsync(DBusConnection connection, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        var cache = new BlueZObjectCache(connection, callTimeout);
        try
        {
            // Subscribe before the snapshot: a signal that races GetManagedObjects is applied twice at worst, never missed.
            await cache.SubscribeAsync();
            await cache.ResyncAsync(cancellationToken);
            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    public string? Owner => _owner;

    public bool Has(string path, string @interface)
    {
        lock (_lock) return _objects.TryGetValue(path, out var ifaces) && ifaces.ContainsKey(@interface);
    }

    public bool TryGetProperty(string path, string @interface, string name, out VariantValue value)
    {
        lock (_lock)
        {
            if (_objects.TryGetValue(path, out var ifaces) && ifaces.TryGetValue(@interface, out var props) && props.TryGetValue(name, out value))
                return true;
        }

        value = default;
        return false;
    }

    public string? GetString(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type is VariantValueType.String or VariantValueType.ObjectPath
            ? (v.Type == VariantValueType.String ? v.GetString() : v.GetObjectPathAsString()) : null;

    public bool GetBool(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type == VariantValueType.Bool && v.GetBool();

    public short? GetInt16(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type == VariantValueType.Int16 ? v.GetInt16() : null;

    public byte? GetByte(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type == VariantValueType.Byte ? v.GetByte() : null;

    public ushort? GetUInt16(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type == VariantValueType.UInt16 ? v.GetUInt16() : null;

    public string[] GetStrings(string path, string @interface, string name)
        => TryGetProperty(path, @interface, name, out var v) && v.Type == VariantValueType.Array && v.ItemType == VariantValueType.String
            ? v.GetArray<string>() : [];

    /// <summary>Paths that carry <paramref name="interface"/>, optionally only below <paramref name="prefix"/>.</summary>
    public List<string> FindPaths(string @interface, string? prefix = null)
    {
        var result = new List<string>();
        lock (_lock)
        {
            foreach (var (path, ifaces) in _objects)
            {
                if (!ifaces.ContainsKey(@interface)) continue;
                if (prefix is not null && !path.StartsWith(prefix, StringComparison.Ordinal)) continue;
                result.Add(path);
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>Re-reads the whole tree (start-up, and when org.bluez gets a new owner).</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        string? owner;
        try
        {
            owner = await DBusCalls.CallAsync(_connection, DBusCalls.GetNameOwner(_connection, BlueZNames.Service),
                static (m, _) => m.GetBodyReader().ReadString(), _callTimeout, cancellationToken);
        }
        catch (GaitGateway.Bluetooth.Abstractions.BleException)
        {
            // org.bluez not on the bus (bluetoothd stopped): an empty tree, filled when NameOwnerChanged says it is back.
            owner = null;
        }

        Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> snapshot = owner is null
            ? new(StringComparer.Ordinal)
            : await DBusCalls.CallAsync(_connection, DBusCalls.GetManagedObjects(_connection),
                static (m, _) => ReadManagedObjects(m), _callTimeout, cancellationToken);
        ReplaceAll(owner, snapshot);
    }

    private void ReplaceAll(string? owner, Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> snapshot)
    {
        List<(string Path, IReadOnlyList<string> Ifaces)> removed = [];
        List<(string Path, string Iface)> added = [];
        lock (_lock)
        {
            _owner = owner;
            foreach (var (path, ifaces) in _objects)
            {
                var gone = ifaces.Keys.Where(i => !snapshot.TryGetValue(path, out var n) || !n.ContainsKey(i)).ToList();
                if (gone.Count > 0) removed.Add((path, gone));
            }

            foreach (var (path, ifaces) in snapshot)
            {
                foreach (var iface in ifaces.Keys)
                {
                    if (!_objects.TryGetValue(path, out var old) || !old.ContainsKey(iface)) added.Add((path, iface));
                }
            }

            _objects.Clear();
            foreach (var (path, ifaces) in snapshot) _objects[path] = ifaces;
        }

        foreach (var (path, ifaces) in removed) InterfacesRemoved?.Invoke(path, ifaces);
        foreach (var (path, iface) in added) InterfaceAdded?.Invoke(path, iface);
    }

    private async Task SubscribeAsync()
    {
        _matches.Add(await AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZNames.ObjectManager, Member = BlueZNames.Members.InterfacesAdded, Path = BlueZNames.RootPath },
            m => IsFromOwner(m) ? ReadInterfacesAdded(m) : null,
            v => ApplyAdded(v.Path, v.Ifaces)));

        _matches.Add(await AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZNames.ObjectManager, Member = BlueZNames.Members.InterfacesRemoved, Path = BlueZNames.RootPath },
            m => IsFromOwner(m) ? ReadInterfacesRemoved(m) : null,
            v => ApplyRemoved(v.Path, v.Ifaces)));

        // PathNamespace keeps unrelated services' PropertiesChanged off this connection.
        _matches.Add(await AddMatchAsync(
            new MatchRule { Type = MessageType.Signal, Interface = BlueZNames.Properties, Member = BlueZNames.Members.PropertiesChanged, PathNamespace = "/org/bluez" },
            m => IsFromOwner(m) ? ReadPropertiesChanged(m) : null,
            ApplyChanged));

        _matches.Add(await AddMatchAsync(
            new MatchRule
            {
                Type = MessageType.Signal, Sender = BlueZNames.DBusService, Interface = BlueZNames.DBusInterface,
                Member = BlueZNames.Members.NameOwnerChanged, Arg0 = BlueZNames.Service,
            },
            static m =>
            {
                var r = m.GetBodyReader();
                r.ReadString();
                r.ReadString();
                return new OwnerChange(r.ReadString());
            },
            v => OnOwnerChanged(v.NewOwner)));
    }

    private sealed record OwnerChange(string NewOwner);

    /// <summary>
    /// Subscribes with a reader that never throws (a reader exception ends the observer in Tmds.DBus.Protocol, and
    /// one malformed signal must not blind the cache) and a handler that never throws (a handler exception drops
    /// the whole bus connection).
    /// </summary>
    private ValueTask<IDisposable> AddMatchAsync<T>(MatchRule rule, Func<Message, T?> read, Action<T> apply) where T : class
        => _connection.AddMatchAsync<T?>(rule,
            (m, _) =>
            {
                try { return read(m); }
                catch (Exception) { return null; }
            },
            n =>
            {
                if (!n.HasValue || n.Value is not { } v) return;
                try { apply(v); }
                catch (Exception) { /* a subscriber's bug must not take the bus connection down */ }
            },
            emitOnCapturedContext: false, flags: ObserverFlags.None);

    private bool IsFromOwner(Message m) => _owner is { } o && m.SenderAsString == o;

    private void OnOwnerChanged(string newOwner)
    {
        // bluetoothd stopped or restarted: everything it exported is gone. Report the loss now; when a new owner
        // appears, the tree is read again (a restarted bluetoothd does not re-announce objects by InterfacesAdded).
        ReplaceAll(string.IsNullOrEmpty(newOwner) ? null : newOwner, new(StringComparer.Ordinal));
        if (!string.IsNullOrEmpty(newOwner))
        {
            _ = Task.Run(async () =>
            {
                try { await ResyncAsync(CancellationToken.None); }
                catch (Exception) { /* the next owner change or a link's retry will resync */ }
            });
        }
    }

    private void ApplyAdded(string path, Dictionary<string, Dictionary<string, VariantValue>> ifaces)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(path, out var existing)) _objects[path] = existing = new(StringComparer.Ordinal);
            foreach (var (iface, props) in ifaces) existing[iface] = props;
        }

        foreach (var iface in ifaces.Keys) InterfaceAdded?.Invoke(path, iface);
    }

    private void ApplyRemoved(string path, string[] ifaces)
    {
        lock (_lock)
        {
            if (_objects.TryGetValue(path, out var existing))
            {
                foreach (var iface in ifaces) existing.Remove(iface);
                if (existing.Count == 0) _objects.Remove(path);
            }
        }

        InterfacesRemoved?.Invoke(path, ifaces);
    }

    private void ApplyChanged(ChangedProperties c)
    {
        lock (_lock)
        {
            // Quirk: BlueZ can emit PropertiesChanged for an interface whose InterfacesAdded we have not seen yet
            // (the signals are sent by different code paths); keep the values so the later InterfacesAdded merges.
            if (!_objects.TryGetValue(c.Path, out var ifaces)) _objects[c.Path] = ifaces = new(StringComparer.Ordinal);
            if (!ifaces.TryGetValue(c.Interface, out var props)) ifaces[c.Interface] = props = new(StringComparer.Ordinal);
            foreach (var (k, v) in c.Changed) props[k] = v;
            foreach (var k in c.Invalidated) props.Remove(k);
        }

        PropertiesChanged?.Invoke(c.Path, c.Interface, c.Changed.Keys);
    }

    private sealed record AddedInterfaces(string Path, Dictionary<string, Dictionary<string, VariantValue>> Ifaces);
    private sealed record RemovedInterfaces(string Path, string[] Ifaces);
    private sealed record ChangedProperties(string Path, string Interface, Dictionary<string, VariantValue> Changed, string[] Invalidated);

    private static ChangedProperties? ReadPropertiesChanged(Message m)
    {
        var r = m.GetBodyReader();
        var iface = r.ReadString();
        // Notification values on the StartNotify fallback path are handled by their own subscription; caching each
        // one here would only allocate per packet.
        if (iface == BlueZNames.GattCharacteristic1)
        {
            var end = r.ReadDictionaryStart();
            Dictionary<string, VariantValue> changed = new(StringComparer.Ordinal);
            while (r.HasNext(end))
            {
                var key = r.ReadString();
                if (key == BlueZNames.Props.Value)
                {
                    r.ReadVariantValue();
                    continue;
                }

                changed[key] = DBusCalls.Unwrap(r.ReadVariantValue());
            }

            var inval = r.ReadArrayOfString();
            return changed.Count == 0 && inval.Length == 0 ? null : new ChangedProperties(m.PathAsString!, iface, changed, inval);
        }

        var props = ReadProps(ref r);
        return new ChangedProperties(m.PathAsString!, iface, props, r.ReadArrayOfString());
    }

    private static AddedInterfaces ReadInterfacesAdded(Message m)
    {
        var r = m.GetBodyReader();
        var path = r.ReadObjectPathAsString();
        return new AddedInterfaces(path, ReadInterfaces(ref r));
    }

    private static RemovedInterfaces ReadInterfacesRemoved(Message m)
    {
        var r = m.GetBodyReader();
        var path = r.ReadObjectPathAsString();
        return new RemovedInterfaces(path, r.ReadArrayOfString());
    }

    private static Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>> ReadManagedObjects(Message m)
    {
        var r = m.GetBodyReader();
        var result = new Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>(StringComparer.Ordinal);
        var end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            var path = r.ReadObjectPathAsString();
            result[path] = ReadInterfaces(ref r);
        }

        return result;
    }

    private static Dictionary<string, Dictionary<string, VariantValue>> ReadInterfaces(ref Reader r)
    {
        var result = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        var end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            var iface = r.ReadString();
            result[iface] = ReadProps(ref r);
        }

        return result;
    }

    private static Dictionary<string, VariantValue> ReadProps(ref Reader r)
    {
        var result = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
        var end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            var key = r.ReadString();
            result[key] = DBusCalls.Unwrap(r.ReadVariantValue());
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var m in _matches) m.Dispose();
        _matches.Clear();
    }
}
