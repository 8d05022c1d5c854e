namespace GaitGateway.Bluetooth.BlueZ;

/// <summary>
/// Every D-Bus name the BlueZ transport uses, in one place (doc/org.bluez.*.rst in the BlueZ tree). The simulator
/// keeps its own copy on purpose: it must not share code with the client it is used to test.
/// </summary>
public static class BlueZNames
{
    public const string Service = "org.bluez";
    public const string Adapter1 = "org.bluez.Adapter1";
    public const string Device1 = "org.bluez.Device1";
    /// <summary>BlueZ ≥ 5.48's battery plugin: takes the Battery service (0x180F) away from the GATT API and
    /// publishes its level here, on the device, while connected (doc/org.bluez.Battery.rst).</summary>
    public const string Battery1 = "org.bluez.Battery1";
    public const string GattService1 = "org.bluez.GattService1";
    public const string GattCharacteristic1 = "org.bluez.GattCharacteristic1";

    public const string ObjectManager = "org.freedesktop.DBus.ObjectManager";
    public const string Properties = "org.freedesktop.DBus.Properties";
    public const string DBusService = "org.freedesktop.DBus";
    public const string DBusPath = "/org/freedesktop/DBus";
    public const string DBusInterface = "org.freedesktop.DBus";

    /// <summary>BlueZ exports its ObjectManager at the root, not at /org/bluez.</summary>
    public const string RootPath = "/";

    public static class Members
    {
        public const string GetManagedObjects = "GetManagedObjects";
        public const string InterfacesAdded = "InterfacesAdded";
        public const string InterfacesRemoved = "InterfacesRemoved";
        public const string PropertiesChanged = "PropertiesChanged";
        public const string NameOwnerChanged = "NameOwnerChanged";
        public const string GetNameOwner = "GetNameOwner";
        public const string Get = "Get";
        public const string Set = "Set";
        public const string SetDiscoveryFilter = "SetDiscoveryFilter";
        public const string StartDiscovery = "StartDiscovery";
        public const string StopDiscovery = "StopDiscovery";
        public const string RemoveDevice = "RemoveDevice";
        public const string Connect = "Connect";
        public const string Disconnect = "Disconnect";
        public const string ReadValue = "ReadValue";
        public const string WriteValue = "WriteValue";
        public const string StartNotify = "StartNotify";
        public const string StopNotify = "StopNotify";
        public const string AcquireNotify = "AcquireNotify";
    }

    public static class Props
    {
        public const string Address = "Address";
        public const string Name = "Name";
        public const string Alias = "Alias";
        public const string Rssi = "RSSI";
        public const string Uuids = "UUIDs";
        public const string Uuid = "UUID";
        public const string Connected = "Connected";
        public const string Paired = "Paired";
        public const string Percentage = "Percentage";
        public const string ServicesResolved = "ServicesResolved";
        public const string Adapter = "Adapter";
        public const string Powered = "Powered";
        public const string Discovering = "Discovering";
        public const string Device = "Device";
        public const string Service = "Service";
        public const string Primary = "Primary";
        public const string Flags = "Flags";
        public const string Value = "Value";
        public const string Notifying = "Notifying";
        public const string NotifyAcquired = "NotifyAcquired";
        public const string Mtu = "MTU";
        public const string Transport = "Transport";
        public const string Type = "type";
    }

    public static class Errors
    {
        public const string Failed = "org.bluez.Error.Failed";
        public const string InProgress = "org.bluez.Error.InProgress";
        public const string NotPermitted = "org.bluez.Error.NotPermitted";
        public const string NotAuthorized = "org.bluez.Error.NotAuthorized";
        public const string NotSupported = "org.bluez.Error.NotSupported";
        public const string NotConnected = "org.bluez.Error.NotConnected";
        public const string NotReady = "org.bluez.Error.NotReady";
        public const string DoesNotExist = "org.bluez.Error.DoesNotExist";
        public const string InvalidArguments = "org.bluez.Error.InvalidArguments";
        public const string AlreadyConnected = "org.bluez.Error.AlreadyConnected";
        public const string UnknownObject = "org.freedesktop.DBus.Error.UnknownObject";
        public const string UnknownMethod = "org.freedesktop.DBus.Error.UnknownMethod";
        public const string ServiceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown";
        public const string NoReply = "org.freedesktop.DBus.Error.NoReply";
    }
}
