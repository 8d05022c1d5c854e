using GaitGateway.Bluetooth.Abstractions;
using Tmds.DBus.Protocol;

namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>
/// Message builders and call wrappers. MessageWriter and Reader are ref structs, so every message is built in a
/// synchronous helper and only the resulting MessageBuffer crosses an await.
/// </summary>
internal static class DBusCalls
{
    public static MessageBuffer Method(DBusConnection connection, string path, string @interface, string member)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.Service, path: path, @interface: @interface, member: member);
        return writer.CreateMessage();
    }

    /// <summary>A method taking one empty a{sv} options dictionary (ReadValue, AcquireNotify).</summary>
    public static MessageBuffer MethodWithEmptyOptions(DBusConnection connection, string path, string @interface, string member)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.Service, path: path, @interface: @interface, member: member, signature: "a{sv}");
        var start = writer.WriteDictionaryStart();
        writer.WriteDictionaryEnd(start);
        return writer.CreateMessage();
    }

    public static MessageBuffer WriteValue(DBusConnection connection, string path, ReadOnlySpan<byte> value, GattWriteType type)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.Service, path: path, @interface: BlueZNames.GattCharacteristic1,
            member: BlueZNames.Members.WriteValue, signature: "aya{sv}");
        writer.WriteArray(value);
        var start = writer.WriteDictionaryStart();
        writer.WriteDictionaryEntryStart();
        writer.WriteString(BlueZNames.Props.Type);
        writer.WriteVariantString(type == GattWriteType.WithResponse ? "request" : "command");
        writer.WriteDictionaryEnd(start);
        return writer.CreateMessage();
    }

    public static MessageBuffer SetDiscoveryFilter(DBusConnection connection, string adapterPath, IReadOnlyCollection<string> uuids)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.Service, path: adapterPath, @interface: BlueZNames.Adapter1,
            member: BlueZNames.Members.SetDiscoveryFilter, signature: "a{sv}");
        var start = writer.WriteDictionaryStart();
        if (uuids.Count > 0)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(BlueZNames.Props.Uuids);
            writer.WriteVariant(VariantValue.Array(uuids.ToArray()));
        }

        writer.WriteDictionaryEntryStart();
        writer.WriteString(BlueZNames.Props.Transport);
        writer.WriteVariantString("le");
        writer.WriteDictionaryEnd(start);
        return writer.CreateMessage();
    }

    public static MessageBuffer GetManagedObjects(DBusConnection connection)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.Service, path: BlueZNames.RootPath, @interface: BlueZNames.ObjectManager,
            member: BlueZNames.Members.GetManagedObjects);
        return writer.CreateMessage();
    }

    public static MessageBuffer GetNameOwner(DBusConnection connection, string name)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination: BlueZNames.DBusService, path: BlueZNames.DBusPath, @interface: BlueZNames.DBusInterface,
            member: BlueZNames.Members.GetNameOwner, signature: "s");
        writer.WriteString(name);
        return writer.CreateMessage();
    }

    public static async Task CallAsync(DBusConnection connection, MessageBuffer message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await connection.CallMethodAsync(message).WaitAsync(timeout, cancellationToken);
        }
        catch (DBusErrorReplyException e)
        {
            throw Map(e);
        }
        catch (TimeoutException e)
        {
            throw new BleException(BleErrorKind.Timeout, $"D-Bus call timed out after {timeout.TotalSeconds:0.#} s", null, e);
        }
    }

    public static async Task<T> CallAsync<T>(DBusConnection connection, MessageBuffer message, MessageValueReader<T> reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.CallMethodAsync(message, reader).WaitAsync(timeout, cancellationToken);
        }
        catch (DBusErrorReplyException e)
        {
            throw Map(e);
        }
        catch (TimeoutException e)
        {
            throw new BleException(BleErrorKind.Timeout, $"D-Bus call timed out after {timeout.TotalSeconds:0.#} s", null, e);
        }
    }

    public static BleException Map(DBusErrorReplyException e)
    {
        var kind = e.ErrorName switch
        {
            BlueZNames.Errors.NotConnected => BleErrorKind.NotConnected,
            BlueZNames.Errors.NotReady => BleErrorKind.NotReady,
            BlueZNames.Errors.InProgress => BleErrorKind.InProgress,
            BlueZNames.Errors.NotPermitted or BlueZNames.Errors.NotAuthorized => BleErrorKind.NotPermitted,
            BlueZNames.Errors.NotSupported or BlueZNames.Errors.UnknownMethod => BleErrorKind.NotSupported,
            BlueZNames.Errors.DoesNotExist or BlueZNames.Errors.UnknownObject or BlueZNames.Errors.ServiceUnknown => BleErrorKind.NotFound,
            BlueZNames.Errors.NoReply => BleErrorKind.Timeout,
            _ => BleErrorKind.Failed,
        };
        return new BleException(kind, $"{e.ErrorName}: {e.ErrorMessage}", e.ErrorName, e);
    }

    /// <summary>Values read from a{sv} may arrive still wrapped in a variant container depending on the reader path.</summary>
    public static VariantValue Unwrap(VariantValue value) => value.Type == VariantValueType.Variant ? value.GetVariantValue() : value;
}
