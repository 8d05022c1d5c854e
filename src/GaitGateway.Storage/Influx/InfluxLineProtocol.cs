using System.Globalization;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Influx;

/// <summary>
/// Stored rows as InfluxDB line protocol. The same row always gives the same line: a point's identity in InfluxDB is
/// measurement + tag set + timestamp, so re-sending a row after a crash or a timeout overwrites the point instead of
/// adding one. Hence the tags are only values fixed when the row was stored (never "now", never a sequence of the
/// send), and the timestamp is the stored UTC ns.
/// </summary>
/// <remarks>
/// <para>Fields are numeric only, with units in their names: VictoriaMetrics turns a string field into a junk
/// series, and InfluxDB rejects a batch whose field changes type, so booleans are written as integers (0/1) and
/// enums as tags. NaN values are left out (line protocol has no NaN); a row with no numeric value at all still has
/// <c>seq</c>.</para>
/// <para>VictoriaMetrics stores each field as metric <c>measurement_field</c> with millisecond timestamps.</para>
/// </remarks>
public static class InfluxLineProtocol
{
    public const string StrideMeasurement = "stride";
    public const string BoutMeasurement = "bout";
    public const string SensorStatusMeasurement = "sensor_status";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <c>stride,runner=…,session=…,foot=left|right,sensor=…,strike_pattern=rearfoot|midfoot|forefoot|unknown</c>
    /// with every stride value as a field and the initial contact as timestamp (ns).
    /// </summary>
    public static string Stride(in ForwardStride row)
    {
        var s = row.Stride;
        var b = new StringBuilder(512);
        b.Append(StrideMeasurement);
        Tag(b, "runner", row.Key.Runner);
        Tag(b, "session", row.Key.SessionId.ToString(Inv));
        Tag(b, "foot", s.Foot.ToWord());
        Tag(b, "sensor", row.Key.SensorId);
        Tag(b, "strike_pattern", PatternTag(s.StrikePattern));
        var first = true;
        Int(b, ref first, "seq", row.Seq);
        Float(b, ref first, "ic_time_s", s.IcTimeS);
        Float(b, ref first, "to_time_s", s.ToTimeS);
        Float(b, ref first, "next_ic_time_s", s.NextIcTimeS);
        Float(b, ref first, "stride_time_s", s.StrideTimeS);
        Float(b, ref first, "stride_length_m", s.StrideLengthM);
        Float(b, ref first, "speed_mps", s.SpeedMps);
        Float(b, ref first, "contact_time_s", s.ContactTimeS);
        Float(b, ref first, "flight_time_s", s.FlightTimeS);
        Float(b, ref first, "swing_time_s", s.SwingTimeS);
        Float(b, ref first, "duty_factor", s.DutyFactor);
        Float(b, ref first, "strike_angle_deg", s.StrikeAngleDeg);
        Float(b, ref first, "cadence_spm", s.CadenceSpm);
        Float(b, ref first, "peak_impact_g", s.PeakImpactG);
        Float(b, ref first, "foot_clearance_m", s.FootClearanceM);
        Float(b, ref first, "peak_swing_speed_mps", s.PeakSwingSpeedMps);
        Float(b, ref first, "overstride_index", s.OverstrideIndex);
        Int(b, ref first, "overstride", s.Overstride ? 1 : 0);
        Float(b, ref first, "calf_load", s.CalfLoad);
        // Gait as a number (0 unknown, 1 walk, 2 run), not a tag: a tag would split one run into many series.
        Int(b, ref first, "gait", (long)s.Gait);
        Int(b, ref first, "flags", (long)s.Flags);
        b.Append(' ').Append(row.Key.TimeUtcNs.ToString(Inv));
        return b.ToString();
    }

    /// <summary><c>bout,runner=…,session=…,gait=walk|run|unknown,strike_pattern=…</c> at the bout's start (ns).</summary>
    public static string Bout(in ForwardBout row)
    {
        var o = row.Bout;
        var b = new StringBuilder(320);
        b.Append(BoutMeasurement);
        Tag(b, "runner", row.Key.Runner);
        Tag(b, "session", row.Key.SessionId.ToString(Inv));
        Tag(b, "gait", SqliteStore.GaitWord(o.Gait) ?? "unknown");
        Tag(b, "strike_pattern", PatternTag(o.StrikePattern));
        var first = true;
        Int(b, ref first, "seq", row.Seq);
        Float(b, ref first, "duration_s", o.DurationS);
        Int(b, ref first, "strides", o.Strides);
        Float(b, ref first, "cadence_spm", o.CadenceSpm);
        Float(b, ref first, "stride_length_m", o.StrideLengthM);
        Float(b, ref first, "speed_mps", o.SpeedMps);
        Float(b, ref first, "distance_m", o.DistanceM);
        Float(b, ref first, "contact_time_s", o.ContactTimeS);
        Float(b, ref first, "strike_angle_deg", o.StrikeAngleDeg);
        Float(b, ref first, "overstride_fraction", o.OverstrideFraction);
        Float(b, ref first, "calf_load", o.CalfLoad);
        b.Append(' ').Append(row.Key.TimeUtcNs.ToString(Inv));
        return b.ToString();
    }

    /// <summary><c>sensor_status,runner=…,session=…,sensor=…,link_state=…</c> at the status time (ns).</summary>
    public static string SensorStatus(in ForwardStatus row)
    {
        var s = row.Status;
        var b = new StringBuilder(200);
        b.Append(SensorStatusMeasurement);
        Tag(b, "runner", row.Key.Runner);
        Tag(b, "session", row.Key.SessionId.ToString(Inv));
        Tag(b, "sensor", s.SensorId);
        Tag(b, "link_state", s.LinkState);
        var first = true;
        Float(b, ref first, "battery_pct", s.BatteryPct);
        Int(b, ref first, "packets_received", s.PacketsReceived);
        Int(b, ref first, "packets_lost", s.PacketsLost);
        b.Append(' ').Append(row.Key.TimeUtcNs.ToString(Inv));
        return b.ToString();
    }

    private static string PatternTag(StrikePattern p) => StrideCsv.PatternWord(p) is { Length: > 0 } w ? w : "unknown";

    /// <summary>Tags in a fixed order (InfluxDB sorts them anyway); an empty value is left out (not allowed).</summary>
    private static void Tag(StringBuilder b, string key, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        b.Append(',').Append(key).Append('=');
        foreach (var c in value)
        {
            // Tag values escape comma, equals and space; a newline would end the line, so it becomes a space.
            if (c is ',' or '=' or ' ') b.Append('\\').Append(c);
            else if (c is '\n' or '\r') b.Append("\\ ");
            else b.Append(c);
        }
    }

    private static void Float(StringBuilder b, ref bool first, string key, double v)
    {
        if (!double.IsFinite(v)) return;
        b.Append(first ? ' ' : ',').Append(key).Append('=').Append(v.ToString("R", Inv));
        first = false;
    }

    private static void Int(StringBuilder b, ref bool first, string key, long v)
    {
        b.Append(first ? ' ' : ',').Append(key).Append('=').Append(v.ToString(Inv)).Append('i');
        first = false;
    }
}
