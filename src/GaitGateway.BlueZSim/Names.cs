namespace GaitGateway.BlueZSim;

/// <summary>BlueZ D-Bus names as the simulator exports them (a deliberate copy: see the csproj).</summary>
internal static class Names
{
    public const string BusName = "org.bluez";
    public const string Adapter1 = "org.bluez.Adapter1";
    public const string Device1 = "org.bluez.Device1";
    public const string Battery1 = "org.bluez.Battery1";
    public const string GattService1 = "org.bluez.GattService1";
    public const string GattCharacteristic1 = "org.bluez.GattCharacteristic1";
    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";
    public const string Properties = "org.freedesktop.DBus.Properties";
    public const string Introspectable = "org.freedesktop.DBus.Introspectable";
    public const string Sim1 = "com.gaitgateway.Sim1";
    public const string SimPath = "/com/gaitgateway/sim";

    public const string ErrFailed = "org.bluez.Error.Failed";
    public const string ErrInProgress = "org.bluez.Error.InProgress";
    public const string ErrNotPermitted = "org.bluez.Error.NotPermitted";
    public const string ErrNotSupported = "org.bluez.Error.NotSupported";
    public const string ErrNotConnected = "org.bluez.Error.NotConnected";
    public const string ErrNotReady = "org.bluez.Error.NotReady";
    public const string ErrDoesNotExist = "org.bluez.Error.DoesNotExist";
    public const string ErrInvalidArguments = "org.bluez.Error.InvalidArguments";
    public const string ErrAlreadyConnected = "org.bluez.Error.AlreadyConnected";
    public const string ErrInvalidOffset = "org.bluez.Error.InvalidOffset";
    public const string ErrUnknownObject = "org.freedesktop.DBus.Error.UnknownObject";
    public const string ErrUnknownMethod = "org.freedesktop.DBus.Error.UnknownMethod";
    public const string ErrUnknownInterface = "org.freedesktop.DBus.Error.UnknownInterface";
    public const string ErrUnknownProperty = "org.freedesktop.DBus.Error.UnknownProperty";
    public const string ErrPropertyReadOnly = "org.freedesktop.DBus.Error.PropertyReadOnly";
}

/// <summary>A D-Bus error to reply with; thrown inside method handlers and turned into an error reply.</summary>
internal sealed class SimDBusError(string name, string message) : Exception(message)
{
    public string Name { get; } = name;
}
