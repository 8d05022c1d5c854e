namespace GaitGateway.Core.Protocol;

/// <summary>
/// The shoe-clip GATT profile (firmware-notes/gatt-profile.md) and the standard services the gateway reads.
/// Every UUID in one place so that the BlueZ code, the simulator and the notes cannot drift apart.
/// </summary>
public static class GattUuids
{
    /// <summary>GaitGateway shoe-clip service (custom 128-bit).</summary>
    public const string ShoeClipService = "7a4e1000-5c1d-4f7e-9b3a-6a9c2f1e0d01";
    /// <summary>IMU data: notify, one <see cref="ImuPacket"/> per notification.</summary>
    public const string ImuData = "7a4e1001-5c1d-4f7e-9b3a-6a9c2f1e0d01";
    /// <summary>Configuration: read/write, <see cref="ShoeClipConfig"/>.</summary>
    public const string Configuration = "7a4e1002-5c1d-4f7e-9b3a-6a9c2f1e0d01";
    /// <summary>Control: write, <see cref="ControlOpcode"/>.</summary>
    public const string Control = "7a4e1003-5c1d-4f7e-9b3a-6a9c2f1e0d01";

    public const string BatteryService = "0000180f-0000-1000-8000-00805f9b34fb";
    public const string BatteryLevel = "00002a19-0000-1000-8000-00805f9b34fb";
    public const string DeviceInformationService = "0000180a-0000-1000-8000-00805f9b34fb";
    public const string FirmwareRevision = "00002a26-0000-1000-8000-00805f9b34fb";
    public const string ModelNumber = "00002a24-0000-1000-8000-00805f9b34fb";
    public const string ManufacturerName = "00002a29-0000-1000-8000-00805f9b34fb";
    /// <summary>Bluetooth SIG Running Speed and Cadence service (0x1814), used by commercial footpods.</summary>
    public const string RunningSpeedCadenceService = "00001814-0000-1000-8000-00805f9b34fb";
    /// <summary>RSC Measurement (0x2A53), notify.</summary>
    public const string RscMeasurement = "00002a53-0000-1000-8000-00805f9b34fb";
}

/// <summary>Opcodes written to the control characteristic.</summary>
public enum ControlOpcode : byte
{
    StartStreaming = 0x01,
    StopStreaming = 0x02,
    /// <summary>Followed by a uint32 token; the next IMU packet carries <see cref="ImuPacketFlags.TimeSync"/>.</summary>
    TimeSync = 0x03,
}
