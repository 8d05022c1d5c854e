using System.Text;
using Tmds.DBus.Protocol;

namespace GaitGateway.BlueZSim;

/// <summary>One exported D-Bus interface: its properties in export order and its methods.</summary>
internal sealed class SimInterface(string name)
{
    public string Name { get; } = name;
    public Dictionary<string, VariantValue> Props { get; } = new(StringComparer.Ordinal);
    /// <summary>Handles a call; returns false for an unknown member. Throw <see cref="SimDBusError"/> to fail it.</summary>
    public Func<MethodContext, string, bool>? Methods { get; set; }
    /// <summary>Writable properties: returns false when the property is read-only.</summary>
    public Func<string, VariantValue, bool>? Setter { get; set; }
}

internal sealed class SimObject(string path)
{
    public string Path { get; } = path;
    public List<SimInterface> Interfaces { get; } = [];
    public SimInterface? Find(string name) => Interfaces.Find(i => i.Name == name);
}

/// <summary>
/// The exported object tree and the one method handler behind it (registered at "/" for all child paths), with
/// the ObjectManager, Properties and Introspectable interfaces implemented as bluetoothd does.
/// </summary>
internal sealed class SimBus(DBusConnection connection) : IPathMethodHandler
{
    private readonly SortedDictionary<string, SimObject> _objects = new(StringComparer.Ordinal);

    public DBusConnection Connection { get; } = connection;
    /// <summary>Every state change and every method call runs under this lock: one simple world.</summary>
    public Lock Gate { get; } = new();

    public string Path => "/";
    public bool HandlesChildPaths => true;

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        // An exception escaping a handler ends the bus connection in Tmds.DBus.Protocol: reply with an error instead.
        try
        {
            lock (Gate) Dispatch(context);
        }
        catch (SimDBusError e)
        {
            TryReplyError(context, e.Name, e.Message);
        }
        catch (Exception e)
        {
            TryReplyError(context, Names.ErrFailed, e.Message);
        }

        return default;
    }

    private static void TryReplyError(MethodContext context, string name, string message)
    {
        try
        {
            if (!context.ReplySent && !context.NoReplyExpected) context.ReplyError(name, message);
        }
        catch (Exception)
        {
            // nothing more can be done for this call
        }
    }

    public SimObject? Get(string path) => _objects.GetValueOrDefault(path);

    /// <summary>Adds an object and announces it (InterfacesAdded), unless <paramref name="announce"/> is false.</summary>
    public void Export(SimObject obj, bool announce = true)
    {
        _objects[obj.Path] = obj;
        if (announce) EmitInterfacesAdded(obj);
    }

    /// <summary>Removes an object and its descendants, deepest first, as bluetoothd does.</summary>
    public void Unexport(string path)
    {
        var doomed = _objects.Keys.Where(p => p == path || p.StartsWith(path + "/", StringComparison.Ordinal))
            .OrderByDescending(p => p.Length).ToList();
        foreach (var p in doomed)
        {
            var obj = _objects[p];
            _objects.Remove(p);
            EmitInterfacesRemoved(obj);
        }
    }

    private void Dispatch(MethodContext context)
    {
        var request = context.Request;
        var path = request.PathAsString ?? "/";
        var iface = request.InterfaceAsString;
        var member = request.MemberAsString ?? "";

        if (context.IsDBusIntrospectRequest)
        {
            ReplyIntrospect(context, path);
            return;
        }

        if (path == "/" && iface == Names.ObjectManager && member == "GetManagedObjects")
        {
            ReplyManagedObjects(context);
            return;
        }

        var obj = Get(path) ?? throw new SimDBusError(Names.ErrUnknownObject, $"Method \"{member}\" with signature \"{request.SignatureAsString}\" on interface \"{iface}\" doesn't exist");
        if (iface == Names.Properties)
        {
            HandleProperties(context, obj, member);
            return;
        }

        var target = iface is null ? obj.Interfaces.Find(i => i.Methods is not null) : obj.Find(iface);
        if (target?.Methods is null || !target.Methods(context, member))
            throw new SimDBusError(Names.ErrUnknownMethod, $"Method \"{member}\" with signature \"{request.SignatureAsString}\" on interface \"{iface}\" doesn't exist");
    }

    private static void HandleProperties(MethodContext context, SimObject obj, string member)
    {
        var r = context.Request.GetBodyReader();
        var ifaceName = r.ReadString();
        var iface = obj.Find(ifaceName) ?? throw new SimDBusError(Names.ErrInvalidArguments, $"No such interface '{ifaceName}'");
        switch (member)
        {
            case "Get":
            {
                var name = r.ReadString();
                if (!iface.Props.TryGetValue(name, out var value)) throw new SimDBusError(Names.ErrInvalidArguments, $"No such property '{name}'");
                using var w = context.CreateReplyWriter("v");
                w.WriteVariant(value);
                context.Reply(w.CreateMessage());
                return;
            }

            case "GetAll":
            {
                using var w = context.CreateReplyWriter("a{sv}");
                w.WriteDictionary(iface.Props);
                context.Reply(w.CreateMessage());
                return;
            }

            case "Set":
            {
                var name = r.ReadString();
                var value = r.ReadVariantValue();
                if (value.Type == VariantValueType.Variant) value = value.GetVariantValue();
                if (!iface.Props.ContainsKey(name)) throw new SimDBusError(Names.ErrInvalidArguments, $"No such property '{name}'");
                if (iface.Setter is null || !iface.Setter(name, value)) throw new SimDBusError(Names.ErrPropertyReadOnly, $"Property '{name}' is not writable");
                using var w = context.CreateReplyWriter(null);
                context.Reply(w.CreateMessage());
                return;
            }

            default:
                throw new SimDBusError(Names.ErrUnknownMethod, $"Unknown method {member}");
        }
    }

    private void ReplyManagedObjects(MethodContext context)
    {
        // Not `using var`: a using variable is read-only and cannot be passed by ref to the helper.
        var w = context.CreateReplyWriter("a{oa{sa{sv}}}");
        try
        {
            var outer = w.WriteDictionaryStart();
            foreach (var obj in _objects.Values)
            {
                if (obj.Path == Names.SimPath) continue; // the fault interface is not part of BlueZ's tree
                w.WriteDictionaryEntryStart();
                w.WriteObjectPath(obj.Path);
                WriteInterfaces(ref w, obj);
            }

            w.WriteDictionaryEnd(outer);
            context.Reply(w.CreateMessage());
        }
        finally
        {
            w.Dispose();
        }
    }

    // bluetoothd (through gdbus) lists the standard Introspectable and Properties interfaces with no properties.
    private static void WriteInterfaces(ref MessageWriter w, SimObject obj)
    {
        var start = w.WriteDictionaryStart();
        w.WriteDictionaryEntryStart();
        w.WriteString(Names.Introspectable);
        w.WriteDictionary(Array.Empty<KeyValuePair<string, VariantValue>>());
        foreach (var iface in obj.Interfaces)
        {
            w.WriteDictionaryEntryStart();
            w.WriteString(iface.Name);
            w.WriteDictionary(iface.Props);
        }

        w.WriteDictionaryEntryStart();
        w.WriteString(Names.Properties);
        w.WriteDictionary(Array.Empty<KeyValuePair<string, VariantValue>>());
        w.WriteDictionaryEnd(start);
    }

    private void ReplyIntrospect(MethodContext context, string path)
    {
        var prefix = path == "/" ? "/" : path + "/";
        var children = _objects.Keys
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length)
            .Select(p => p[prefix.Length..].Split('/')[0])
            .Distinct()
            .ToList();
        var xmls = new List<ReadOnlyMemory<byte>>();
        if (path == "/") xmls.Add(Encoding.UTF8.GetBytes($"<interface name=\"{Names.ObjectManager}\"><method name=\"GetManagedObjects\"><arg type=\"a{{oa{{sa{{sv}}}}}}\" direction=\"out\"/></method><signal name=\"InterfacesAdded\"><arg type=\"o\"/><arg type=\"a{{sa{{sv}}}}\"/></signal><signal name=\"InterfacesRemoved\"><arg type=\"o\"/><arg type=\"as\"/></signal></interface>\n"));
        if (Get(path) is { } obj)
        {
            foreach (var i in obj.Interfaces) xmls.Add(Encoding.UTF8.GetBytes($"<interface name=\"{i.Name}\"/>\n"));
        }

        context.ReplyIntrospectXml(xmls.ToArray(), children);
    }

    public void EmitInterfacesAdded(SimObject obj)
    {
        var w = Connection.GetMessageWriter();
        try
        {
            w.WriteSignalHeader(path: "/", @interface: Names.ObjectManager, member: "InterfacesAdded", signature: "oa{sa{sv}}");
            w.WriteObjectPath(obj.Path);
            WriteInterfaces(ref w, obj);
            Connection.TrySendMessage(w.CreateMessage());
        }
        finally
        {
            w.Dispose();
        }
    }

    private void EmitInterfacesRemoved(SimObject obj)
    {
        using var w = Connection.GetMessageWriter();
        w.WriteSignalHeader(path: "/", @interface: Names.ObjectManager, member: "InterfacesRemoved", signature: "oas");
        w.WriteObjectPath(obj.Path);
        var names = new List<string> { Names.Introspectable };
        names.AddRange(obj.Interfaces.Select(i => i.Name));
        names.Add(Names.Properties);
        w.WriteArray(names.ToArray());
        Connection.TrySendMessage(w.CreateMessage());
    }

    /// <summary>Adds one interface to an exported object and announces only it (InterfacesAdded), as bluetoothd's
    /// battery plugin adds Battery1 to a device once connected.</summary>
    public void AddInterface(SimObject obj, SimInterface iface)
    {
        obj.Interfaces.Add(iface);
        if (!_objects.ContainsKey(obj.Path)) return;
        var w = Connection.GetMessageWriter();
        try
        {
            w.WriteSignalHeader(path: "/", @interface: Names.ObjectManager, member: "InterfacesAdded", signature: "oa{sa{sv}}");
            w.WriteObjectPath(obj.Path);
            var one = new SimObject(obj.Path);
            one.Interfaces.Add(iface);
            WriteInterfaces(ref w, one);
            Connection.TrySendMessage(w.CreateMessage());
        }
        finally
        {
            w.Dispose();
        }
    }

    /// <summary>Removes one interface from an object and announces it (InterfacesRemoved).</summary>
    public void RemoveInterface(SimObject obj, string name)
    {
        if (obj.Interfaces.RemoveAll(i => i.Name == name) == 0 || !_objects.ContainsKey(obj.Path)) return;
        using var w = Connection.GetMessageWriter();
        w.WriteSignalHeader(path: "/", @interface: Names.ObjectManager, member: "InterfacesRemoved", signature: "oas");
        w.WriteObjectPath(obj.Path);
        w.WriteArray(new[] { name });
        Connection.TrySendMessage(w.CreateMessage());
    }

    /// <summary>Sets properties and emits one PropertiesChanged carrying those that changed.</summary>
    public void SetProps(SimObject obj, string ifaceName, params ReadOnlySpan<(string Name, VariantValue Value)> changes)
    {
        var iface = obj.Find(ifaceName);
        if (iface is null) return;
        var changed = new List<KeyValuePair<string, VariantValue>>();
        foreach (var (name, value) in changes)
        {
            if (iface.Props.TryGetValue(name, out var old) && old.Equals(value)) continue;
            iface.Props[name] = value;
            changed.Add(new(name, value));
        }

        if (changed.Count == 0 || !_objects.ContainsKey(obj.Path)) return;
        using var w = Connection.GetMessageWriter();
        w.WriteSignalHeader(path: obj.Path, @interface: Names.Properties, member: "PropertiesChanged", signature: "sa{sv}as");
        w.WriteString(ifaceName);
        w.WriteDictionary(changed.ToArray());
        w.WriteArray(Array.Empty<string>());
        Connection.TrySendMessage(w.CreateMessage());
    }

    /// <summary>
    /// The per-notification signal of the StartNotify path: PropertiesChanged(GattCharacteristic1, {Value: ay}, []),
    /// written straight from the span. The cached Value is not updated per packet (the property would allocate).
    /// </summary>
    public void EmitValueChanged(string path, ReadOnlySpan<byte> value)
    {
        using var w = Connection.GetMessageWriter();
        w.WriteSignalHeader(path: path, @interface: Names.Properties, member: "PropertiesChanged", signature: "sa{sv}as");
        w.WriteString(Names.GattCharacteristic1);
        var start = w.WriteDictionaryStart();
        w.WriteDictionaryEntryStart();
        w.WriteString("Value");
        w.WriteSignature("ay");
        w.WriteArray(value);
        w.WriteDictionaryEnd(start);
        w.WriteArray(Array.Empty<string>());
        Connection.TrySendMessage(w.CreateMessage());
    }
}
