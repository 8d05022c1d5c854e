using System.Net.Sockets;
using GaitGateway.Bluetooth.Abstractions;
using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>
/// AcquireNotify: BlueZ hands over one end of a SOCK_SEQPACKET socket pair and writes each notification as one
/// datagram, so no D-Bus message is built, sent, routed by dbus-daemon and parsed per packet. The receive buffer
/// is reused: no allocation per packet.
/// </summary>
internal sealed class SocketNotificationSubscription : IGattNotificationSubscription
{
    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private readonly GattNotificationHandler _handler;
    private readonly CancellationTokenSource _cts = new();
    private Task _loop = Task.CompletedTask;

    private SocketNotificationSubscription(Socket socket, int mtu, GattNotificationHandler handler)
    {
        _socket = socket;
        Mtu = mtu;
        // A SEQPACKET read into a smaller buffer silently truncates the datagram; the MTU bounds the payload (MTU-3).
        _buffer = new byte[Math.Max(mtu, 517)];
        _handler = handler;
    }

    public GattNotifyMode Mode => GattNotifyMode.PreferSocket;
    public int Mtu { get; }
    public Task Completion => _loop;

    public static async Task<SocketNotificationSubscription> StartAsync(BlueZGattCharacteristic characteristic, GattNotificationHandler handler, CancellationToken cancellationToken)
    {
        var (fd, mtu) = await characteristic.AcquireNotifyAsync(cancellationToken);
        Socket socket;
        try
        {
            socket = new Socket((SafeSocketHandle)fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        var sub = new SocketNotificationSubscription(socket, mtu, handler);
        sub._loop = Task.Run(sub.ReceiveLoopAsync, CancellationToken.None);
        return sub;
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _cts.Token;
        while (!token.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // A zero-length read is the hang-up BlueZ generates when the link drops (the fd is closed on reconnection).
            if (n == 0) return;
            ValueTask pending;
            try
            {
                pending = _handler(_buffer.AsSpan(0, n));
            }
            catch (Exception)
            {
                continue; // the handler owns its error accounting; one bad packet must not end the stream
            }

            if (!pending.IsCompletedSuccessfully)
            {
                try { await pending; }
                catch (Exception) { /* as above */ }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        // Closing our end releases the notify lock in BlueZ (documented: "the client shall close the file descriptor").
        _socket.Dispose();
        try { await _loop; }
        catch (Exception) { /* ended by the close above */ }
        _cts.Dispose();
    }
}

/// <summary>
/// StartNotify fallback: each notification arrives as PropertiesChanged(GattCharacteristic1, {Value: ay}). The value
/// is copied byte by byte from the message into a reused buffer instead of ReadArrayOfByte, which would allocate.
/// </summary>
internal sealed class PropertiesChangedNotificationSubscription : IGattNotificationSubscription
{
    private readonly BlueZGattCharacteristic _characteristic;
    private readonly GattNotificationHandler _handler;
    private readonly byte[] _buffer = new byte[517];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _match;
    private int _disposed;

    private PropertiesChangedNotificationSubscription(BlueZGattCharacteristic characteristic, GattNotificationHandler handler)
    {
        _characteristic = characteristic;
        _handler = handler;
    }

    public GattNotifyMode Mode => GattNotifyMode.PropertiesChanged;
    public int Mtu => 0;
    public Task Completion => _completion.Task;

    public static async Task<PropertiesChangedNotificationSubscription> StartAsync(BlueZGattCharacteristic characteristic, GattNotificationHandler handler, CancellationToken cancellationToken)
    {
        var sub = new PropertiesChangedNotificationSubscription(characteristic, handler);
        var connection = characteristic.Device.Adapter.Connection;
        sub._match = await connection.AddMatchAsync(
            new MatchRule
            {
                Type = MessageType.Signal, Interface = BlueZNames.Properties, Member = BlueZNames.Members.PropertiesChanged,
                Path = characteristic.Path, Arg0 = BlueZNames.GattCharacteristic1,
            },
            (m, _) =>
            {
                // Never throw from a reader: it would end this observer.
                try { return sub.OnSignal(m); }
                catch (Exception) { return false; }
            },
            static (Notification<bool> _) => { },
            emitOnCapturedContext: false, flags: ObserverFlags.None);
        characteristic.Device.Disconnected += sub.OnDisconnected;
        try
        {
            await characteristic.CallAsync(BlueZNames.Members.StartNotify, cancellationToken);
        }
        catch
        {
            await sub.DisposeAsync();
            throw;
        }

        return sub;
    }

    // Runs on the D-Bus receive loop, so the buffer has a single user.
    private bool OnSignal(Message m)
    {
        if (m.SenderAsString != _characteristic.Device.Adapter.Cache.Owner) return false;
        var r = m.GetBodyReader();
        r.ReadStringAsSpan();
        var end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            if (!r.ReadStringAsSpan().SequenceEqual("Value"u8))
            {
                r.ReadVariantValue();
                continue;
            }

            if (!r.ReadSignatureAsSpan().SequenceEqual("ay"u8)) return false;
            var bytesEnd = r.ReadArrayStart(DBusType.Byte);
            var n = 0;
            while (r.HasNext(bytesEnd))
            {
                var b = r.ReadByte();
                if (n < _buffer.Length) _buffer[n++] = b;
            }

            Deliver(n);
            return true;
        }

        return false;
    }

    private void Deliver(int length)
    {
        try
        {
            var pending = _handler(_buffer.AsSpan(0, length));
            // The D-Bus loop serves every device and must not wait for one consumer; backpressure is the handler's job.
            if (!pending.IsCompletedSuccessfully) _ = ObserveAsync(pending);
        }
        catch (Exception)
        {
            // the handler owns its error accounting
        }
    }

    private static async Task ObserveAsync(ValueTask pending)
    {
        try { await pending; }
        catch (Exception) { /* counted by the handler */ }
    }

    private void OnDisconnected(object? sender, BleDisconnectedEventArgs e) => _completion.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _characteristic.Device.Disconnected -= OnDisconnected;
        _match?.Dispose();
        try
        {
            if (_characteristic.Device.IsConnected)
                await _characteristic.CallAsync(BlueZNames.Members.StopNotify, CancellationToken.None);
        }
        catch (BleException)
        {
            // link already gone
        }

        _completion.TrySetResult();
    }
}
