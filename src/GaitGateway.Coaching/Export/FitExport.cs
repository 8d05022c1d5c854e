using GaitGateway.Coaching.Export.Fit;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Export;

/// <summary>One shoe clip of the session, as the store knows it.</summary>
/// <param name="Index">The sensor's index in the session (0, 1, …); its FIT device_index is Index + 1 (0 is the gateway).</param>
/// <param name="Foot">The shoe it is clipped to.</param>
/// <param name="Id">Stable identity (Bluetooth address, simulator name); written as the device descriptor.</param>
/// <param name="Kind">Source kind ("bluez", "simulate", "replay", …): "bluez" is written as a Bluetooth LE footpod.</param>
/// <param name="Firmware">Firmware version string; null when unknown.</param>
/// <param name="Manufacturer">Device Information's manufacturer name string; null when not read (replays, simulator).</param>
/// <param name="Model">Device Information's model number string; null when not read.</param>
public sealed record FitClip(int Index, Foot Foot, string Id, string Kind, string? Firmware, string? Manufacturer = null, string? Model = null);

/// <summary>What a FIT activity file is written from: the session's strides and bouts as stored.</summary>
/// <param name="StartedUtc">Wall-clock time of session time 0.</param>
/// <param name="Strides">The session's strides (any order).</param>
/// <param name="Bouts">The session's walk/run bouts (any order); one lap each.</param>
/// <param name="Clips">The session's sensors; may be empty.</param>
/// <remarks>No session name: an activity file has no notes field (TCX keeps it in Notes).</remarks>
public sealed record FitActivity(
    DateTimeOffset StartedUtc,
    IReadOnlyList<StrideMetrics> Strides,
    IReadOnlyList<BoutSummary> Bouts,
    IReadOnlyList<FitClip> Clips);

/// <summary>A developer field of the export: FIT's own mechanism (field_description) for what its profile lacks.</summary>
public sealed record FitDeveloperField(byte Number, string Name, string Units, byte BaseType, string Meaning);

/// <summary>
/// Writes a session as a FIT activity file, the format watches write and Garmin Connect, Strava, TrainingPeaks,
/// Runalyze and Golden Cheetah import — with the running dynamics TCX cannot carry.
/// </summary>
/// <remarks>
/// <para>Messages, in the order a watch writes them: file_id (type activity, manufacturer development = 255, product
/// name "GaitGateway"); developer_data_id and one field_description per <see cref="DeveloperFields"/> entry;
/// device_info for the gateway (device_index 0, the creator) and for each clip (manufacturer development, product name
/// "shoe clip (left|right)", the clip's id as descriptor, its firmware as software_version where it reads as a number);
/// event timer/start; one record per whole second of the session; a lap per bout; event timer/stop_all; session;
/// activity. Field numbers, scales and enum values are those of FIT profile 21.217 (the named
/// constants in Fit/FitProfile.cs).</para>
/// <para><b>Records</b> (one per whole UTC second from session time 0 to the end of the last stride or bout). At
/// session time t each foot's stride <i>in progress</i> is the one with IC ≤ t &lt; next IC; a record carries
/// (unknown values are left invalid, i.e. absent):</para>
/// <list type="bullet">
/// <item>distance: each stride adds its length ÷ number of feet (as the store's session distance does), linearly
///   over its own duration — so the last record reaches the session's distance, and distance never falls.</item>
/// <item>speed and enhanced_speed: mean stride speed of the strides in progress, m/s.</item>
/// <item>cadence + fractional_cadence: strides/min (one foot's cycles: the gateway's steps/min ÷ 2, Garmin's running
///   convention; Connect doubles it back to steps/min), whole part and the fraction in 1/128.</item>
/// <item>stance_time: mean contact time of the strides in progress, ms (resolution 0.1 ms).</item>
/// <item>stance_time_balance: the left foot's share of the two feet's contact times, % (50 = even; Garmin shows it as
///   "GCT balance L/R"); only while both feet have a stride in progress.</item>
/// <item>step_length: half the mean stride length, mm (one stride = two steps).</item>
/// <item>developer fields strike_angle (mean, °), overstride (1 if a stride in progress is flagged, else 0),
///   overstride_index (mean) and calf_load (mean per-step load index of the strides in progress).</item>
/// </list>
/// <para><b>Laps</b> (one per bout, in time order): start_time, timestamp (end), total elapsed/timer time, distance,
/// total_strides (the bout's strides ÷ feet), avg_speed, avg_running_cadence + avg_fractional_cadence (strides/min),
/// avg_stance_time, avg_stance_time_balance (50 + contact-time asymmetry ÷ 4, the left share of contact time when the
/// asymmetry is 100·(L − R)/mean), avg_step_length (bout stride length ÷ 2); intensity active for run bouts, rest for
/// walk bouts (as TCX's Active/Resting); lap_trigger manual (session_end for the last); sport running, sub_sport generic
/// (the clips cannot tell a treadmill). Developer fields: strike_angle (bout mean), overstride_share (% of strides),
/// calf_load_total (sum over the bout). A session without bouts is one lap over all its strides.</para>
/// <para><b>Session</b>: totals and means over all strides (distance as the store computes it, speed, cadence,
/// stance time and balance, step length), the developer fields strike_angle (mean), overstride_share and
/// calf_load_total (sum); <b>activity</b>: one session, type manual.</para>
/// <para>Times: FIT date_time counts whole seconds from <see cref="FitEpoch"/>; message times are rounded down to the
/// second, durations keep milliseconds.</para>
/// </remarks>
public static class FitExport
{
    /// <summary>FIT time zero: 1989-12-31T00:00:00Z (the protocol's date_time origin).</summary>
    public static readonly DateTimeOffset FitEpoch = new(1989, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>FIT's MIME type (registered with IANA).</summary>
    public const string MediaType = "application/vnd.ant.fit";

    /// <summary>developer_data_index of the gateway's fields.</summary>
    public const byte DeveloperDataIndex = 0;

    /// <summary>The gateway's application id in developer_data_id (a fixed random UUID, so tools can tell its fields apart).</summary>
    public static readonly Guid ApplicationId = new("6b0d3c4e-9f1a-4d57-8c2e-5a7b1f0e93d2");

    /// <summary>Application version written in developer_data_id (bump when a field's meaning changes).</summary>
    public const uint ApplicationVersion = 1;

    public const byte StrikeAngleField = 0;
    public const byte OverstrideField = 1;
    public const byte OverstrideIndexField = 2;
    public const byte CalfLoadField = 3;
    public const byte OverstrideShareField = 4;
    public const byte CalfLoadTotalField = 5;

    /// <summary>The developer fields, with the names and units a tool that shows developer fields displays.</summary>
    public static IReadOnlyList<FitDeveloperField> DeveloperFields { get; } =
    [
        new(StrikeAngleField, "strike_angle", "deg", FitBaseType.Float32, "sole angle at initial contact, + = toes up (record, lap, session)"),
        new(OverstrideField, "overstride", "0/1", FitBaseType.UInt8, "a stride in progress is flagged as overstriding (record)"),
        new(OverstrideIndexField, "overstride_index", "ratio", FitBaseType.Float32, "braking share of contact / 0.5, ~1 typical (record)"),
        new(CalfLoadField, "calf_load", "index/step", FitBaseType.Float32, "per-step calf (Achilles) load index (record)"),
        new(OverstrideShareField, "overstride_share", "%", FitBaseType.Float32, "strides flagged as overstriding (lap, session)"),
        new(CalfLoadTotalField, "calf_load_total", "index", FitBaseType.Float32, "calf load summed over the strides (lap, session)"),
    ];

    /// <summary>Seconds since <see cref="FitEpoch"/>, exactly (fractional).</summary>
    public static double FitSeconds(DateTimeOffset t) => (t - FitEpoch).TotalSeconds;

    /// <summary>FIT cadence of a running stride rate: strides/min = steps/min ÷ 2, as the whole part and 1/128ths.</summary>
    public static (byte? Whole, byte? Fraction128) Cadence(double stepsPerMin)
    {
        var strides = stepsPerMin / 2;
        if (!double.IsFinite(strides) || strides < 0 || strides >= 255) return (null, null);
        var whole = Math.Floor(strides);
        var frac = Math.Round((strides - whole) * 128, MidpointRounding.AwayFromZero);
        if (frac >= 128) { whole++; frac = 0; }
        return whole >= 255 ? (null, null) : ((byte)whole, (byte)frac);
    }

    /// <summary>Writes the FIT file.</summary>
    public static byte[] Write(FitActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var strides = activity.Strides.Where(s => double.IsFinite(s.IcTimeS)).OrderBy(s => s.IcTimeS).ToArray();
        var feet = Math.Max(1, strides.Select(s => s.Foot).Distinct().Count());
        var laps = Laps(strides, activity.Bouts, feet);
        var endS = Math.Max(strides.Length > 0 ? strides.Max(End) : 0, laps.Count > 0 ? laps.Max(b => b.EndTimeS) : 0);
        var start = FitSeconds(activity.StartedUtc);
        uint Time(double sessionS) => (uint)Math.Floor(start + sessionS + 1e-6);

        var w = new FitWriter();

        w.Write(w.Begin(FitMesgNum.FileId)
            .Enum(FitFileIdField.Type, FitValue.FileActivity)
            .UInt16(FitFileIdField.Manufacturer, FitValue.ManufacturerDevelopment)
            .UInt16(FitFileIdField.Product, 1)
            .UInt32(FitFileIdField.TimeCreated, Time(0))
            .String(FitFileIdField.ProductName, "GaitGateway"));

        w.Write(w.Begin(FitMesgNum.DeveloperDataId)
            .Bytes(FitDeveloperDataIdField.ApplicationId, ApplicationId.ToByteArray(bigEndian: true))
            .UInt16(FitDeveloperDataIdField.ManufacturerId, FitValue.ManufacturerDevelopment)
            .UInt8(FitDeveloperDataIdField.DeveloperDataIndex, DeveloperDataIndex)
            .UInt32(FitDeveloperDataIdField.ApplicationVersion, ApplicationVersion));
        foreach (var f in DeveloperFields)
        {
            w.Write(w.Begin(FitMesgNum.FieldDescription)
                .UInt8(FitFieldDescriptionField.DeveloperDataIndex, DeveloperDataIndex)
                .UInt8(FitFieldDescriptionField.FieldDefinitionNumber, f.Number)
                .UInt8(FitFieldDescriptionField.FitBaseTypeId, f.BaseType)
                .String(FitFieldDescriptionField.FieldName, f.Name)
                .String(FitFieldDescriptionField.Units, f.Units));
        }

        WriteDevices(w, activity.Clips, Time(0));

        w.Write(w.Begin(FitMesgNum.Event)
            .UInt32(FitCommonField.Timestamp, Time(0))
            .Enum(FitEventField.Event, FitValue.EventTimer)
            .Enum(FitEventField.EventType, FitValue.EventTypeStart)
            .UInt32(FitEventField.Data, FitValue.TimerTriggerManual)
            .UInt8(FitEventField.EventGroup, 0));

        // Records and laps interleaved by time, as a watch writes them: a lap follows the records of its last second.
        var sampler = new RecordSampler(strides, feet);
        var firstRecord = Math.Ceiling(start - 1e-9);
        var lap = 0;
        for (var k = 0; ; k++)
        {
            var t = firstRecord + k - start;
            if (t > endS + 1e-9) break;
            for (; lap < laps.Count && laps[lap].EndTimeS < t; lap++) WriteLap(w, laps[lap], lap, lap == laps.Count - 1, feet, Time);
            WriteRecord(w, (uint)(firstRecord + k), sampler.At(t));
        }

        for (; lap < laps.Count; lap++) WriteLap(w, laps[lap], lap, lap == laps.Count - 1, feet, Time);

        w.Write(w.Begin(FitMesgNum.Event)
            .UInt32(FitCommonField.Timestamp, Time(endS))
            .Enum(FitEventField.Event, FitValue.EventTimer)
            .Enum(FitEventField.EventType, FitValue.EventTypeStopAll)
            .UInt32(FitEventField.Data, FitValue.TimerTriggerManual)
            .UInt8(FitEventField.EventGroup, 0));

        WriteSession(w, strides, laps.Count, feet, endS, Time);

        w.Write(w.Begin(FitMesgNum.Activity)
            .UInt32(FitCommonField.Timestamp, Time(endS))
            .UInt32(FitActivityField.TotalTimerTime, endS, 1000)
            .UInt16(FitActivityField.NumSessions, 1)
            .Enum(FitActivityField.Type, FitValue.ActivityManual)
            .Enum(FitActivityField.Event, FitValue.EventActivity)
            .Enum(FitActivityField.EventType, FitValue.EventTypeStop));

        return w.ToArray();
    }

    private static void WriteDevices(FitWriter w, IReadOnlyList<FitClip> clips, uint time)
    {
        w.Write(w.Begin(FitMesgNum.DeviceInfo)
            .UInt32(FitCommonField.Timestamp, time)
            .UInt8(FitDeviceInfoField.DeviceIndex, FitValue.DeviceIndexCreator)
            .UInt16(FitDeviceInfoField.Manufacturer, FitValue.ManufacturerDevelopment)
            .UInt16(FitDeviceInfoField.Product, 1)
            .Enum(FitDeviceInfoField.SourceType, FitValue.SourceTypeLocal)
            .String(FitDeviceInfoField.ProductName, "GaitGateway")
            .String(FitDeviceInfoField.Descriptor, "gateway"));
        foreach (var c in clips.OrderBy(c => c.Index))
        {
            var ble = string.Equals(c.Kind, "bluez", StringComparison.OrdinalIgnoreCase);
            w.Write(w.Begin(FitMesgNum.DeviceInfo)
                .UInt32(FitCommonField.Timestamp, time)
                .UInt8(FitDeviceInfoField.DeviceIndex, checked((byte)(c.Index + 1)))
                .UInt8(FitDeviceInfoField.DeviceType, ble ? FitValue.BleDeviceTypeFootpod : null)
                .UInt16(FitDeviceInfoField.Manufacturer, FitValue.ManufacturerDevelopment)
                .UInt16(FitDeviceInfoField.Product, 2)
                .UInt16(FitDeviceInfoField.SoftwareVersion, SoftwareVersion(c.Firmware), 100)
                .Enum(FitDeviceInfoField.SourceType, ble ? FitValue.SourceTypeBluetoothLowEnergy : FitValue.SourceTypeLocal)
                .String(FitDeviceInfoField.ProductName, ClipProductName(c))
                .String(FitDeviceInfoField.Descriptor, c.Id));
        }
    }

    /// <summary>
    /// The clip's product name: its Device Information model and manufacturer where the clip reported them (FIT's
    /// manufacturer field is an enum of registered makers; a clip's own maker name has no other place), else "shoe
    /// clip", with its foot, kind and firmware: "ShoeClip-Sim by GaitGateway (left, bluez, fw 0.9.0)", "shoe clip (left, bluez)".
    /// </summary>
    public static string ClipProductName(FitClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var foot = clip.Foot == Foot.Left ? "left" : "right";
        var name = (clip.Model, clip.Manufacturer) switch
        {
            ({ Length: > 0 } model, { Length: > 0 } maker) => $"{model} by {maker}",
            ({ Length: > 0 } model, _) => model,
            (_, { Length: > 0 } maker) => $"shoe clip by {maker}",
            _ => "shoe clip",
        };
        return clip.Firmware is { Length: > 0 } fw ? $"{name} ({foot}, {clip.Kind}, fw {fw})" : $"{name} ({foot}, {clip.Kind})";
    }

    /// <summary>
    /// A firmware string as FIT's software_version (a number with two decimals): the first "major.minor" found in it
    /// ("1.2.0" → 1.02, "sim-1.0" → 1.00, "v2.15" → 2.15); NaN when there is none or the minor part has more than two
    /// digits. The full string is in the product name.
    /// </summary>
    public static double SoftwareVersion(string? firmware)
    {
        if (firmware is null) return double.NaN;
        var m = System.Text.RegularExpressions.Regex.Match(firmware, @"(\d{1,3})\.(\d{1,2})(?!\d)");
        if (!m.Success) return double.NaN;
        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var minor = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return major + (minor / 100.0);
    }

    private static void WriteRecord(FitWriter w, uint time, RecordSampler.Sample s)
    {
        var (cad, frac) = Cadence(s.CadenceSpm);
        w.Write(w.Begin(FitMesgNum.Record)
            .UInt32(FitCommonField.Timestamp, time)
            .UInt32(FitRecordField.Distance, s.DistanceM, 100)
            .UInt16(FitRecordField.Speed, s.SpeedMps, 1000)
            .UInt32(FitRecordField.EnhancedSpeed, s.SpeedMps, 1000)
            .UInt8(FitRecordField.Cadence, cad)
            .UInt8(FitRecordField.FractionalCadence, frac)
            .UInt16(FitRecordField.StanceTime, s.ContactTimeS * 1000, 10)
            .UInt16(FitRecordField.StanceTimeBalance, s.StanceBalancePct, 100)
            .UInt16(FitRecordField.StepLength, s.StrideLengthM / 2 * 1000, 10)
            .DevFloat32(DeveloperDataIndex, StrikeAngleField, s.StrikeAngleDeg)
            .DevUInt8(DeveloperDataIndex, OverstrideField, s.Overstride is { } o ? (byte)(o ? 1 : 0) : null)
            .DevFloat32(DeveloperDataIndex, OverstrideIndexField, s.OverstrideIndex)
            .DevFloat32(DeveloperDataIndex, CalfLoadField, s.CalfLoad));
    }

    private static void WriteLap(FitWriter w, BoutSummary b, int index, bool last, int feet, Func<double, uint> time)
    {
        var (cad, frac) = Cadence(b.CadenceSpm);
        var duration = Math.Max(0, b.DurationS);
        w.Write(w.Begin(FitMesgNum.Lap)
            .UInt32(FitCommonField.Timestamp, time(b.EndTimeS))
            .UInt16(FitCommonField.MessageIndex, (ushort)index)
            .Enum(FitLapField.Event, FitValue.EventLap)
            .Enum(FitLapField.EventType, FitValue.EventTypeStop)
            .UInt32(FitLapField.StartTime, time(b.StartTimeS))
            .UInt32(FitLapField.TotalElapsedTime, duration, 1000)
            .UInt32(FitLapField.TotalTimerTime, duration, 1000)
            .UInt32(FitLapField.TotalDistance, b.DistanceM, 100)
            .UInt32(FitLapField.TotalCycles, (uint)Math.Round((double)b.Strides / feet, MidpointRounding.AwayFromZero))
            .UInt16(FitLapField.AvgSpeed, b.SpeedMps, 1000)
            .UInt32(FitLapField.EnhancedAvgSpeed, b.SpeedMps, 1000)
            .UInt8(FitLapField.AvgCadence, cad)
            .UInt8(FitLapField.AvgFractionalCadence, frac)
            .UInt16(FitLapField.AvgStanceTime, b.ContactTimeS * 1000, 10)
            .UInt16(FitLapField.AvgStanceTimeBalance, 50 + (b.ContactTimeAsymmetryPct / 4), 100)
            .UInt16(FitLapField.AvgStepLength, b.StrideLengthM / 2 * 1000, 10)
            .Enum(FitLapField.Intensity, b.Gait == Gait.Walk ? FitValue.IntensityRest : FitValue.IntensityActive)
            .Enum(FitLapField.LapTrigger, last ? FitValue.LapTriggerSessionEnd : FitValue.LapTriggerManual)
            .Enum(FitLapField.Sport, FitValue.SportRunning)
            .Enum(FitLapField.SubSport, FitValue.SubSportGeneric)
            .DevFloat32(DeveloperDataIndex, StrikeAngleField, b.StrikeAngleDeg)
            .DevFloat32(DeveloperDataIndex, OverstrideShareField, b.OverstrideFraction * 100)
            .DevFloat32(DeveloperDataIndex, CalfLoadTotalField, b.CalfLoad));
    }

    private static void WriteSession(FitWriter w, StrideMetrics[] strides, int laps, int feet, double endS, Func<double, uint> time)
    {
        static double Mean(IEnumerable<double> v) => v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        var (cad, frac) = Cadence(Mean(strides.Select(s => s.CadenceSpm)));
        var left = Mean(strides.Where(s => s.Foot == Foot.Left).Select(s => s.ContactTimeS));
        var right = Mean(strides.Where(s => s.Foot == Foot.Right).Select(s => s.ContactTimeS));
        var distance = strides.Sum(s => double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0) / feet;
        w.Write(w.Begin(FitMesgNum.Session)
            .UInt32(FitCommonField.Timestamp, time(endS))
            .UInt16(FitCommonField.MessageIndex, 0)
            .Enum(FitSessionField.Event, FitValue.EventSession)
            .Enum(FitSessionField.EventType, FitValue.EventTypeStop)
            .UInt32(FitSessionField.StartTime, time(0))
            .Enum(FitSessionField.Sport, FitValue.SportRunning)
            .Enum(FitSessionField.SubSport, FitValue.SubSportGeneric)
            .UInt32(FitSessionField.TotalElapsedTime, endS, 1000)
            .UInt32(FitSessionField.TotalTimerTime, endS, 1000)
            .UInt32(FitSessionField.TotalDistance, distance, 100)
            .UInt32(FitSessionField.TotalCycles, (uint)Math.Round((double)strides.Length / feet, MidpointRounding.AwayFromZero))
            .UInt16(FitSessionField.AvgSpeed, Mean(strides.Select(s => s.SpeedMps)), 1000)
            .UInt32(FitSessionField.EnhancedAvgSpeed, Mean(strides.Select(s => s.SpeedMps)), 1000)
            .UInt8(FitSessionField.AvgCadence, cad)
            .UInt8(FitSessionField.AvgFractionalCadence, frac)
            .UInt16(FitSessionField.AvgStanceTime, Mean(strides.Select(s => s.ContactTimeS)) * 1000, 10)
            .UInt16(FitSessionField.AvgStanceTimeBalance, 100 * left / (left + right), 100)
            .UInt16(FitSessionField.AvgStepLength, Mean(strides.Select(s => s.StrideLengthM)) / 2 * 1000, 10)
            .UInt16(FitSessionField.FirstLapIndex, 0)
            .UInt16(FitSessionField.NumLaps, (ushort)laps)
            .Enum(FitSessionField.Trigger, FitValue.SessionTriggerActivityEnd)
            .DevFloat32(DeveloperDataIndex, StrikeAngleField, Mean(strides.Select(s => s.StrikeAngleDeg)))
            .DevFloat32(DeveloperDataIndex, OverstrideShareField, strides.Length == 0 ? double.NaN : 100.0 * strides.Count(s => s.Overstride) / strides.Length)
            .DevFloat32(DeveloperDataIndex, CalfLoadTotalField, strides.Sum(s => double.IsFinite(s.CalfLoad) ? s.CalfLoad : 0)));
    }

    /// <summary>The bouts in time order; a session without bouts is one lap over all its strides (as in TCX).</summary>
    private static List<BoutSummary> Laps(StrideMetrics[] strides, IReadOnlyList<BoutSummary> bouts, int feet)
    {
        var laps = bouts.Where(b => double.IsFinite(b.StartTimeS) && double.IsFinite(b.EndTimeS)).OrderBy(b => b.StartTimeS).ToList();
        if (laps.Count > 0 || strides.Length == 0) return laps;
        static double Mean(IEnumerable<double> v) => v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        laps.Add(new BoutSummary
        {
            Gait = Gait.Run,
            StartTimeS = strides[0].IcTimeS,
            EndTimeS = strides.Max(End),
            Strides = strides.Length,
            CadenceSpm = Mean(strides.Select(s => s.CadenceSpm)),
            StrideLengthM = Mean(strides.Select(s => s.StrideLengthM)),
            SpeedMps = Mean(strides.Select(s => s.SpeedMps)),
            DistanceM = strides.Sum(s => double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0) / feet,
            ContactTimeS = Mean(strides.Select(s => s.ContactTimeS)),
            StrikeAngleDeg = Mean(strides.Select(s => s.StrikeAngleDeg)),
            OverstrideFraction = (double)strides.Count(s => s.Overstride) / strides.Length,
            CalfLoad = strides.Sum(s => double.IsFinite(s.CalfLoad) ? s.CalfLoad : 0),
            ContactTimeAsymmetryPct = double.NaN,
        });
        return laps;
    }

    /// <summary>Where a stride ends: its next IC, else IC + stride time, else its IC.</summary>
    internal static double End(StrideMetrics s) =>
        double.IsFinite(s.NextIcTimeS) ? s.NextIcTimeS : double.IsFinite(s.StrideTimeS) ? s.IcTimeS + s.StrideTimeS : s.IcTimeS;

    /// <summary>Per-second values from the strides in progress, walking forward in time (one pass over each foot).</summary>
    private sealed class RecordSampler
    {
        private readonly StrideMetrics[][] _byFoot;
        private readonly int[] _next;
        private readonly double[] _completedM;
        private readonly int _feet;

        public RecordSampler(StrideMetrics[] ordered, int feet)
        {
            _byFoot = [ordered.Where(s => s.Foot == Foot.Left).ToArray(), ordered.Where(s => s.Foot == Foot.Right).ToArray()];
            _next = new int[2];
            _completedM = new double[2];
            _feet = feet;
        }

        public readonly record struct Sample(
            double DistanceM, double SpeedMps, double CadenceSpm, double ContactTimeS, double StanceBalancePct,
            double StrideLengthM, double StrikeAngleDeg, bool? Overstride, double OverstrideIndex, double CalfLoad);

        /// <summary>The values at session time <paramref name="t"/> (non-decreasing between calls).</summary>
        public Sample At(double t)
        {
            var distance = 0.0;
            Span<int> current = [-1, -1];
            for (var f = 0; f < 2; f++)
            {
                var s = _byFoot[f];
                while (_next[f] < s.Length && End(s[_next[f]]) <= t)
                {
                    _completedM[f] += Length(s[_next[f]]);
                    _next[f]++;
                }

                distance += _completedM[f];
                if (_next[f] < s.Length && s[_next[f]].IcTimeS <= t)
                {
                    var x = s[_next[f]];
                    current[f] = _next[f];
                    distance += Length(x) * (t - x.IcTimeS) / (End(x) - x.IcTimeS);
                }
            }

            distance /= _feet;
            var inProgress = new List<StrideMetrics>(2);
            for (var f = 0; f < 2; f++)
            {
                if (current[f] >= 0) inProgress.Add(_byFoot[f][current[f]]);
            }

            double Mean(Func<StrideMetrics, double> v) => inProgress.Select(v).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
            var balance = current[0] >= 0 && current[1] >= 0
                ? 100 * _byFoot[0][current[0]].ContactTimeS / (_byFoot[0][current[0]].ContactTimeS + _byFoot[1][current[1]].ContactTimeS)
                : double.NaN;
            return new Sample(
                distance, Mean(s => s.SpeedMps), Mean(s => s.CadenceSpm), Mean(s => s.ContactTimeS), balance,
                Mean(s => s.StrideLengthM), Mean(s => s.StrikeAngleDeg),
                inProgress.Count == 0 ? null : inProgress.Any(s => s.Overstride), Mean(s => s.OverstrideIndex), Mean(s => s.CalfLoad));
        }

        private static double Length(StrideMetrics s) => double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0;
    }
}
