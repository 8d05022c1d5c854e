using System.Runtime.InteropServices;
using GaitGateway.Bluetooth.Abstractions;
using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.BlueZ;

internal sealed class BlueZGattServer(BlueZDevice device) : IGattServer
{
    public IBleDevice Device => device;

    public Task<IGattService> GetPrimaryServiceAsync(string serviceUuid, CancellationToken cancellationToken)
    {
        var cache = device.Adapter.Cache;
        foreach (var path in cache.FindPaths(BlueZNames.GattService1, device.Path + "/"))
        {
            if (string.Equals(cache.GetString(path, BlueZNames.GattService1, BlueZNames.Props.Uuid), serviceUuid, StringComparison.OrdinalIgnoreCase))
                return Task.FromResult<IGattService>(new BlueZGattService(device, path, serviceUuid.ToLowerInvariant()));
        }

        throw new BleException(BleErrorKind.NotFound, $"{device.Address} has no service {serviceUuid}");
    }

    public Task<IReadOnlyList<IGattService>> GetPrimaryServicesAsync(CancellationToken cancellationToken)
    {
        var cache = device.Adapter.Cache;
        var list = cache.FindPaths(BlueZNames.GattService1, device.Path + "/")
            .Where(p => cache.GetBool(p, BlueZNames.GattService1, BlueZNames.Props.Primary))
            .Select(p => (IGattService)new BlueZGattService(device, p, cache.GetString(p, BlueZNames.GattService1, BlueZNames.Props.Uuid) ?? ""))
            .ToList();
        return Task.FromResult<IReadOnlyList<IGattService>>(list);
    }
}

internal sealed class BlueZGattService(BlueZDevice device, string path, string uuid) : IGattService
{
    public string Uuid => uuid;

    public Task<IGattCharacteristic> GetCharacteristicAsync(string characteristicUuid, CancellationToken cancellationToken)
    {
        var cache = device.Adapter.Cache;
        foreach (var p in cache.FindPaths(BlueZNames.GattCharacteristic1, path + "/"))
        {
            if (string.Equals(cache.GetString(p, BlueZNames.GattCharacteristic1, BlueZNames.Props.Uuid), characteristicUuid, StringComparison.OrdinalIgnoreCase))
                return Task.FromResult<IGattCharacteristic>(new BlueZGattCharacteristic(device, p, characteristicUuid.ToLowerInvariant()));
        }

        throw new BleException(BleErrorKind.NotFound, $"{device.Address}: service {uuid} has no characteristic {characteristicUuid}");
    }
}

internal sealed class BlueZGattCharacteristic(BlueZDevice device, string path, string uuid) : IGattCharacteristic
{
    private DBusConnection Connection => device.Adapter.Connection;
    private TimeSpan Timeout => device.Adapter.CallTimeout;

    public string Uuid => uuid;
    internal string Path => path;
    internal BlueZDevice Device => device;

    public GattCharacteristicProperties Properties
    {
        get
        {
            var p = GattCharacteristicProperties.None;
            foreach (var f in device.Adapter.Cache.GetStrings(path, BlueZNames.GattCharacteristic1, BlueZNames.Props.Flags))
            {
                p |= f switch
                {
                    "read" => GattCharacteristicProperties.Read,
                    "write" => GattCharacteristicProperties.Write,
                    "write-without-response" => GattCharacteristicProperties.WriteWithoutResponse,
                    "notify" => GattCharacteristicProperties.Notify,
                    "indicate" => GattCharacteristicProperties.Indicate,
                    _ => GattCharacteristicProperties.None,
                };
            }

            return p;
        }
    }

    public int Mtu => device.Adapter.Cache.GetUInt16(path, BlueZNames.GattCharacteristic1, BlueZNames.Props.Mtu) ?? 0;

    public Task<byte[]> ReadValueAsync(CancellationToken cancellationToken)
        => DBusCalls.CallAsync(Connection,
            DBusCalls.MethodWithEmptyOptions(Connection, path, BlueZNames.GattCharacteristic1, BlueZNames.Members.ReadValue),
            static (m, _) => m.GetBodyReader().ReadArrayOfByte(), Timeout, cancellationToken);

    public Task WriteValueAsync(ReadOnlyMemory<byte> value, GattWriteType writeType, CancellationToken cancellationToken)
        => DBusCalls.CallAsync(Connection, DBusCalls.WriteValue(Connection, path, value.Span, writeType), Timeout, cancellationToken);

    public async Task<IGattNotificationSubscription> StartNotificationsAsync(GattNotificationHandler handler, GattNotifyMode mode, CancellationToken cancellationToken)
    {
        // NotifyAcquired is present only when BlueZ supports AcquireNotify for this characteristic (notify/indicate
        // flag, BlueZ ≥ 5.46); its absence is the documented way to tell, so no call is wasted on a NotSupported.
        if (mode == GattNotifyMode.PreferSocket
            && device.Adapter.Cache.TryGetProperty(path, BlueZNames.GattCharacteristic1, BlueZNames.Props.NotifyAcquired, out _))
        {
            try
            {
                return await SocketNotificationSubscription.StartAsync(this, handler, cancellationToken);
            }
            catch (BleException e) when (e.Kind is BleErrorKind.NotSupported or BleErrorKind.NotPermitted)
            {
                // NotPermitted: another client already called StartNotify, which locks AcquireNotify out. Fall back.
            }
        }

        return await PropertiesChangedNotificationSubscription.StartAsync(this, handler, cancellationToken);
    }

    internal Task<(SafeHandle Fd, ushort Mtu)> AcquireNotifyAsync(CancellationToken cancellationToken)
        => DBusCalls.CallAsync(Connection,
            DBusCalls.MethodWithEmptyOptions(Connection, path, BlueZNames.GattCharacteristic1, BlueZNames.Members.AcquireNotify),
            static (m, _) =>
            {
                var r = m.GetBodyReader();
                // ReadHandle transfers ownership of the descriptor from the message to the SafeHandle.
                SafeHandle fd = r.ReadHandle<System.Net.Sockets.SafeSocketHandle>();
                return (fd, r.ReadUInt16());
            }, Timeout, cancellationToken);

    internal Task CallAsync(string member, CancellationToken cancellationToken)
        => DBusCalls.CallAsync(Connection, DBusCalls.Method(Connection, path, BlueZNames.GattCharacteristic1, member), Timeout, cancellationToken);
}
