namespace GaitGateway.Coaching.Export.Fit;

#pragma warning disable CA1720 // UInt8, String …: the FIT protocol's own base type names

// Every number in this file is taken from the Garmin FIT profile 21.217 (Profile.xlsx as shipped in the FIT SDK; read
// here from the JavaScript SDK's generated src/profile.js, npm @garmin/fitsdk 21.217.0): message numbers, field
// numbers, base types, scales and enum values. Scales are noted beside each field (value on the wire = value × scale).

/// <summary>FIT base types (the byte written in a field definition; bit 7 = multi-byte, endianness applies).</summary>
public static class FitBaseType
{
    public const byte Enum = 0x00;
    public const byte SInt8 = 0x01;
    public const byte UInt8 = 0x02;
    public const byte String = 0x07;
    public const byte Byte = 0x0D;
    public const byte SInt16 = 0x83;
    public const byte UInt16 = 0x84;
    public const byte SInt32 = 0x85;
    public const byte UInt32 = 0x86;
    public const byte Float32 = 0x88;
    public const byte UInt32Z = 0x8C;
}

/// <summary>Global message numbers (profile type mesg_num).</summary>
public static class FitMesgNum
{
    public const ushort FileId = 0;
    public const ushort Session = 18;
    public const ushort Lap = 19;
    public const ushort Record = 20;
    public const ushort Event = 21;
    public const ushort DeviceInfo = 23;
    public const ushort Activity = 34;
    public const ushort FieldDescription = 206;
    public const ushort DeveloperDataId = 207;
}

/// <summary>Field numbers common to many messages.</summary>
public static class FitCommonField
{
    /// <summary>date_time, uint32, s since <see cref="FitExport.FitEpoch"/>.</summary>
    public const byte Timestamp = 253;
    /// <summary>message_index, uint16.</summary>
    public const byte MessageIndex = 254;
}

/// <summary>file_id (0).</summary>
public static class FitFileIdField
{
    public const byte Type = 0;           // enum file
    public const byte Manufacturer = 1;   // uint16 manufacturer
    public const byte Product = 2;        // uint16
    public const byte SerialNumber = 3;   // uint32z
    public const byte TimeCreated = 4;    // date_time
    public const byte ProductName = 8;    // string
}

/// <summary>device_info (23).</summary>
public static class FitDeviceInfoField
{
    public const byte DeviceIndex = 0;      // uint8 device_index (0 = creator)
    public const byte DeviceType = 1;       // uint8; ble_device_type when source_type = bluetooth_low_energy
    public const byte Manufacturer = 2;     // uint16 manufacturer
    public const byte Product = 4;          // uint16
    public const byte SoftwareVersion = 5;  // uint16, scale 100
    public const byte Descriptor = 19;      // string
    public const byte SourceType = 25;      // enum source_type
    public const byte ProductName = 27;     // string
}

/// <summary>event (21).</summary>
public static class FitEventField
{
    public const byte Event = 0;      // enum event
    public const byte EventType = 1;  // enum event_type
    public const byte Data = 3;       // uint32; timer_trigger when event = timer
    public const byte EventGroup = 4; // uint8
}

/// <summary>record (20).</summary>
public static class FitRecordField
{
    public const byte Cadence = 4;             // uint8, rpm (running: strides/min)
    public const byte Distance = 5;            // uint32, scale 100, m
    public const byte Speed = 6;               // uint16, scale 1000, m/s
    public const byte StanceTime = 41;         // uint16, scale 10, ms
    public const byte FractionalCadence = 53;  // uint8, scale 128, rpm
    public const byte EnhancedSpeed = 73;      // uint32, scale 1000, m/s
    public const byte StanceTimeBalance = 84;  // uint16, scale 100, percent
    public const byte StepLength = 85;         // uint16, scale 10, mm
}

/// <summary>lap (19); session (18) uses other numbers for the same quantities (<see cref="FitSessionField"/>).</summary>
public static class FitLapField
{
    public const byte Event = 0;                 // enum event
    public const byte EventType = 1;             // enum event_type
    public const byte StartTime = 2;             // date_time
    public const byte TotalElapsedTime = 7;      // uint32, scale 1000, s
    public const byte TotalTimerTime = 8;        // uint32, scale 1000, s
    public const byte TotalDistance = 9;         // uint32, scale 100, m
    public const byte TotalCycles = 10;          // uint32; total_strides when sport = running
    public const byte AvgSpeed = 13;             // uint16, scale 1000, m/s
    public const byte AvgCadence = 17;           // uint8; avg_running_cadence (strides/min) when sport = running
    public const byte Intensity = 23;            // enum intensity
    public const byte LapTrigger = 24;           // enum lap_trigger
    public const byte Sport = 25;                // enum sport
    public const byte SubSport = 39;             // enum sub_sport
    public const byte AvgStanceTime = 79;        // uint16, scale 10, ms
    public const byte AvgFractionalCadence = 80; // uint8, scale 128, rpm
    public const byte EnhancedAvgSpeed = 110;    // uint32, scale 1000, m/s
    public const byte AvgStanceTimeBalance = 119; // uint16, scale 100, percent
    public const byte AvgStepLength = 120;       // uint16, scale 10, mm
}

/// <summary>session (18).</summary>
public static class FitSessionField
{
    public const byte Event = 0;                  // enum event
    public const byte EventType = 1;              // enum event_type
    public const byte StartTime = 2;              // date_time
    public const byte Sport = 5;                  // enum sport
    public const byte SubSport = 6;               // enum sub_sport
    public const byte TotalElapsedTime = 7;       // uint32, scale 1000, s
    public const byte TotalTimerTime = 8;         // uint32, scale 1000, s
    public const byte TotalDistance = 9;          // uint32, scale 100, m
    public const byte TotalCycles = 10;           // uint32; total_strides when sport = running
    public const byte AvgSpeed = 14;              // uint16, scale 1000, m/s
    public const byte AvgCadence = 18;            // uint8; avg_running_cadence when sport = running
    public const byte FirstLapIndex = 25;         // uint16
    public const byte NumLaps = 26;               // uint16
    public const byte Trigger = 28;               // enum session_trigger
    public const byte AvgStanceTime = 91;         // uint16, scale 10, ms
    public const byte AvgFractionalCadence = 92;  // uint8, scale 128, rpm
    public const byte EnhancedAvgSpeed = 124;     // uint32, scale 1000, m/s
    public const byte AvgStanceTimeBalance = 133; // uint16, scale 100, percent
    public const byte AvgStepLength = 134;        // uint16, scale 10, mm
}

/// <summary>activity (34).</summary>
public static class FitActivityField
{
    public const byte TotalTimerTime = 0; // uint32, scale 1000, s
    public const byte NumSessions = 1;    // uint16
    public const byte Type = 2;           // enum activity
    public const byte Event = 3;          // enum event
    public const byte EventType = 4;      // enum event_type
}

/// <summary>developer_data_id (207).</summary>
public static class FitDeveloperDataIdField
{
    public const byte ApplicationId = 1;       // byte[16]
    public const byte ManufacturerId = 2;      // uint16 manufacturer
    public const byte DeveloperDataIndex = 3;  // uint8
    public const byte ApplicationVersion = 4;  // uint32
}

/// <summary>field_description (206).</summary>
public static class FitFieldDescriptionField
{
    public const byte DeveloperDataIndex = 0;    // uint8
    public const byte FieldDefinitionNumber = 1; // uint8
    public const byte FitBaseTypeId = 2;         // uint8 fit_base_type
    public const byte FieldName = 3;             // string
    public const byte Units = 8;                 // string
}

/// <summary>Enum values used by the export (profile types file, manufacturer, sport, sub_sport, event, …).</summary>
public static class FitValue
{
    public const byte FileActivity = 4;               // file.activity
    public const ushort ManufacturerDevelopment = 255; // manufacturer.development
    public const byte SportRunning = 1;               // sport.running
    public const byte SubSportGeneric = 0;            // sub_sport.generic
    public const byte EventTimer = 0;                 // event.timer
    public const byte EventSession = 8;               // event.session
    public const byte EventLap = 9;                   // event.lap
    public const byte EventActivity = 26;             // event.activity
    public const byte EventTypeStart = 0;             // event_type.start
    public const byte EventTypeStop = 1;              // event_type.stop
    public const byte EventTypeStopAll = 4;           // event_type.stop_all
    public const uint TimerTriggerManual = 0;         // timer_trigger.manual
    public const byte IntensityActive = 0;            // intensity.active
    public const byte IntensityRest = 1;              // intensity.rest
    public const byte LapTriggerManual = 0;           // lap_trigger.manual
    public const byte LapTriggerSessionEnd = 7;       // lap_trigger.session_end
    public const byte SessionTriggerActivityEnd = 0;  // session_trigger.activity_end
    public const byte ActivityManual = 0;             // activity.manual
    public const byte SourceTypeBluetoothLowEnergy = 3; // source_type.bluetooth_low_energy
    public const byte SourceTypeLocal = 5;            // source_type.local
    public const byte BleDeviceTypeFootpod = 6;       // ble_device_type.footpod
    public const byte DeviceIndexCreator = 0;         // device_index.creator
}
