using System.Net.Sockets;
using Tmds.DBus.Protocol;

namespace GaitGateway.BlueZSim;

/// <summary>A remote GATT characteristic as bluetoothd exports it (GattCharacteristic1), with both notify paths.</summary>
internal sealed class SimCharacteristic
{
    /// <summary>
    /// ATT MTU of every link, reported by AcquireNotify and the MTU property. Default 247 (the packet format is sized
    /// for it); --mtu sets it (23, 185, …). A notification longer than MTU − 3 is cut to that, as a stack must.
    /// </summary>
    public static ushort Mtu { get; set; } = 247;

    private readonly SimBus _bus;
    private Socket? _acquired;

    public SimCharacteristic(SimBus bus, string servicePath, int handle, string uuid, string[] flags, byte[] value)
    {
        _bus = bus;
        Uuid = uuid;
        Flags = flags;
        Object = new SimObject($"{servicePath}/char{handle:x4}");
        Iface = new SimInterface(Names.GattCharacteristic1) { Methods = Handle };
        Iface.Props["UUID"] = VariantValue.String(uuid);
        Iface.Props["Service"] = VariantValue.ObjectPath(new ObjectPath(servicePath));
        Iface.Props["Value"] = VariantValue.Array(value);
        if (CanNotify)
        {
            // Client side: NotifyAcquired is present only for characteristics that can notify (doc: "omitted in
            // case 'notify' flag is not set"); its presence is how clients know AcquireNotify is available.
            Iface.Props["Notifying"] = VariantValue.Bool(false);
            Iface.Props["NotifyAcquired"] = VariantValue.Bool(false);
        }

        Iface.Props["Flags"] = VariantValue.Array(flags);
        Iface.Props["Handle"] = VariantValue.UInt16((ushort)handle);
        Iface.Props["MTU"] = VariantValue.UInt16(Mtu);
        Object.Interfaces.Add(Iface);
    }

    public string Uuid { get; }
    public string[] Flags { get; }
    public SimObject Object { get; }
    public SimInterface Iface { get; }
    public bool CanNotify => Flags.Contains("notify") || Flags.Contains("indicate");
    public bool Notifying { get; private set; }
    public bool IsSubscribed => Notifying || _acquired is not null;
    /// <summary>When false, the client cannot start notifications (tests the StartNotify fallback when AcquireNotify fails).</summary>
    public bool AcquireNotifySupported { get; set; } = true;

    public Func<byte[]>? OnRead { get; set; }
    public Action<byte[]>? OnWrite { get; set; }

    public long Sent { get; private set; }
    public long Dropped { get; private set; }

    /// <summary>
    /// Packets the notify socket had no room for, oldest first, at most <see cref="BacklogCapacity"/>. An AF_UNIX
    /// SEQPACKET socket queues only net.unix.max_dgram_qlen (10) datagrams, and this process or the client pausing
    /// for a scheduling slice on a loaded machine (× --time-scale) easily exceeds that; a real controller never
    /// bursts like that, so such stalls must not show up as loss. A client that really stops reading still loses
    /// packets once the backlog is full: the oldest go first, as the firmware's queue does (gatt-profile.md).
    /// </summary>
    private readonly Queue<byte[]> _backlog = new();

    public const int BacklogCapacity = 256;

    /// <summary>Sends one notification by whichever path the client chose; call under the bus gate.</summary>
    public void Notify(ReadOnlySpan<byte> value)
    {
        // The ATT payload of a notification is MTU − 3 bytes; a firmware that ignores the MTU has its packets cut.
        if (value.Length > Mtu - 3) value = value[..(Mtu - 3)];
        if (_acquired is { } socket)
        {
            if (_backlog.Count == 0 && TrySend(socket, value)) return;
            if (_acquired is null) return; // the send found the client gone
            if (_backlog.Count == BacklogCapacity)
            {
                _backlog.Dequeue();
                Dropped++;
            }

            _backlog.Enqueue(value.ToArray());
            Flush();
        }
        else if (Notifying)
        {
            _bus.EmitValueChanged(Object.Path, value);
            Sent++;
        }
    }

    /// <summary>Sends what the backlog holds while the socket takes it; call under the bus gate.</summary>
    public void Flush()
    {
        while (_acquired is { } socket && _backlog.TryPeek(out var packet) && TrySend(socket, packet)) _backlog.Dequeue();
    }

    private bool TrySend(Socket socket, ReadOnlySpan<byte> value)
    {
        try
        {
            socket.Send(value, SocketFlags.None);
            Sent++;
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return false; // the client's queue is full: keep it for later
        }
        catch (Exception)
        {
            Release(); // EPIPE: the client closed its end
            return false;
        }
    }

    /// <summary>Link down: bluetoothd closes acquired sockets (the client sees a hang-up) and ends notify sessions.</summary>
    public void Reset()
    {
        _backlog.Clear();
        _acquired?.Dispose();
        _acquired = null;
        Notifying = false;
        if (CanNotify)
        {
            Iface.Props["Notifying"] = VariantValue.Bool(false);
            Iface.Props["NotifyAcquired"] = VariantValue.Bool(false);
        }
    }

    private void Release()
    {
        _backlog.Clear();
        _acquired?.Dispose();
        _acquired = null;
        _bus.SetProps(Object, Names.GattCharacteristic1, ("NotifyAcquired", VariantValue.Bool(false)), ("Notifying", VariantValue.Bool(false)));
    }

    private bool Handle(MethodContext context, string member)
    {
        var r = context.Request.GetBodyReader();
        switch (member)
        {
            case "ReadValue":
            {
                var options = r.ReadDictionaryOfStringToVariantValue();
                if (!Flags.Contains("read")) throw new SimDBusError(Names.ErrNotPermitted, "Read not permitted");
                var value = OnRead?.Invoke() ?? Iface.Props["Value"].GetArray<byte>();
                var offset = options.TryGetValue("offset", out var o) ? Unwrap(o).GetUInt16() : 0;
                if (offset > value.Length) throw new SimDBusError(Names.ErrInvalidOffset, "Invalid offset");
                _bus.SetProps(Object, Names.GattCharacteristic1, ("Value", VariantValue.Array(value)));
                using var w = context.CreateReplyWriter("ay");
                w.WriteArray(value.AsSpan(offset));
                context.Reply(w.CreateMessage());
                return true;
            }

            case "WriteValue":
            {
                var value = r.ReadArrayOfByte();
                var options = r.ReadDictionaryOfStringToVariantValue();
                var type = options.TryGetValue("type", out var t) ? Unwrap(t).GetString() : "request";
                var allowed = type == "command" ? Flags.Contains("write-without-response") : Flags.Contains("write");
                if (!allowed) throw new SimDBusError(Names.ErrNotPermitted, "Write not permitted");
                OnWrite?.Invoke(value);
                Reply(context);
                return true;
            }

            case "StartNotify":
                if (!CanNotify) throw new SimDBusError(Names.ErrNotSupported, "Operation is not supported");
                if (_acquired is not null) throw new SimDBusError(Names.ErrNotPermitted, "Notify acquired");
                Notifying = true;
                _bus.SetProps(Object, Names.GattCharacteristic1, ("Notifying", VariantValue.Bool(true)));
                Reply(context);
                return true;

            case "StopNotify":
                if (!Notifying) throw new SimDBusError(Names.ErrFailed, "No notify session started");
                Notifying = false;
                _bus.SetProps(Object, Names.GattCharacteristic1, ("Notifying", VariantValue.Bool(false)));
                Reply(context);
                return true;

            case "AcquireNotify":
            {
                r.ReadDictionaryOfStringToVariantValue();
                if (!CanNotify || !AcquireNotifySupported) throw new SimDBusError(Names.ErrNotSupported, "Operation is not supported");
                if (Notifying || _acquired is not null) throw new SimDBusError(Names.ErrNotPermitted, "Notify already acquired");
                var (local, remote) = SocketPair.Create();
                _acquired = local;
                _bus.SetProps(Object, Names.GattCharacteristic1, ("NotifyAcquired", VariantValue.Bool(true)), ("Notifying", VariantValue.Bool(true)));
                using var w = context.CreateReplyWriter("hq");
                w.WriteHandle(remote); // the message owns and closes our copy once sent
                w.WriteUInt16(Mtu);
                context.Reply(w.CreateMessage());
                _ = WatchHangUpAsync(local);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>When the client closes its end, bluetoothd releases the notify lock; a read of 0 bytes says so.</summary>
    private async Task WatchHangUpAsync(Socket local)
    {
        var buffer = new byte[16];
        try
        {
            while (await local.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
                // a client has nothing to say on a notify socket; ignore
            }
        }
        catch (Exception)
        {
            // closed by Reset or the client
        }

        lock (_bus.Gate)
        {
            if (ReferenceEquals(_acquired, local)) Release();
        }
    }

    public static void Reply(MethodContext context)
    {
        using var w = context.CreateReplyWriter(null);
        context.Reply(w.CreateMessage());
    }

    public static VariantValue Unwrap(VariantValue v) => v.Type == VariantValueType.Variant ? v.GetVariantValue() : v;
}
