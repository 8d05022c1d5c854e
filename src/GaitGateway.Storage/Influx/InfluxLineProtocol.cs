using System.Buffers;
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
    /// <summary>One point per session (central mode), re-sent as it changes: same series and timestamp, so it overwrites.</summary>
    public const string SessionMeasurement = "session";
    /// <summary>Cues and device alerts (central mode).</summary>
    public const string AlertMeasurement = "alert";
    /// <summary>The live tile of a runner, once a second while the gateway runs (central mode).</summary>
    public const string LiveMeasurement = "live";

    /// <summary>
    /// <c>stride,runner=…,session=…,foot=left|right,sensor=…,strike_pattern=rearfoot|midfoot|forefoot|unknown</c>
    /// with every stride value as a field and the initial contact as timestamp (ns).
    /// </summary>
    public static string Stride(in ForwardStride row)
    {
        using var w = new LineProtocolWriter(1024);
        w.AppendStride(row);
        return w.ToString();
    }

    /// <summary><c>bout,runner=…,session=…,gait=walk|run|unknown,strike_pattern=…</c> at the bout's start (ns).</summary>
    public static string Bout(in ForwardBout row)
    {
        using var w = new LineProtocolWriter(512);
        w.AppendBout(row);
        return w.ToString();
    }

    /// <summary><c>sensor_status,runner=…,session=…,sensor=…,link_state=…</c> at the status time (ns).</summary>
    public static string SensorStatus(in ForwardStatus row)
    {
        using var w = new LineProtocolWriter(256);
        w.AppendSensorStatus(row);
        return w.ToString();
    }
}

/// <summary>
/// Builds a batch of line protocol as UTF-8 straight into one pooled buffer (lines separated by '\n'): no string
/// per line or per number, so the forwarder allocates next to nothing per point. The only writer of line protocol:
/// <see cref="InfluxLineProtocol"/>'s per-line strings come from it too, so both give the same bytes.
/// </summary>
public sealed class LineProtocolWriter : IDisposable
{
    private byte[] _buf;
    private int _len;
    private bool _firstField;

    /// <summary>
    /// Tag <c>gateway=…</c> on every line (central mode: two gateways' session ids never collide); null = no tag,
    /// as before issue 14.
    /// </summary>
    public string? Gateway { get; set; }

    /// <summary>Whether string fields may be written (central mode; VictoriaMetrics turns them into junk series).</summary>
    public bool Strings { get; set; }

    public LineProtocolWriter(int initialCapacity = 1 << 16) => _buf = ArrayPool<byte>.Shared.Rent(Math.Max(256, initialCapacity));

    /// <summary>Lines written since the last <see cref="Clear"/>.</summary>
    public int Lines { get; private set; }

    /// <summary>The UTF-8 bytes written so far.</summary>
    public ReadOnlyMemory<byte> Written => _buf.AsMemory(0, _len);

    public int Length => _len;

    internal byte[] Buffer => _buf;

    public void Clear()
    {
        _len = 0;
        Lines = 0;
    }

    public override string ToString() => Encoding.UTF8.GetString(_buf, 0, _len);

    public void AppendStride(in ForwardStride row)
    {
        var s = row.Stride;
        BeginSessionLine("stride"u8, row.Key.Runner, row.Key.SessionId);
        Tag("foot"u8, s.Foot == Foot.Left ? "left"u8 : "right"u8);
        Tag("sensor"u8, row.Key.SensorId);
        Tag("strike_pattern"u8, PatternTag(s.StrikePattern));
        _firstField = true;
        Int("seq"u8, row.Seq);
        Float("ic_time_s"u8, s.IcTimeS);
        Float("to_time_s"u8, s.ToTimeS);
        Float("next_ic_time_s"u8, s.NextIcTimeS);
        Float("stride_time_s"u8, s.StrideTimeS);
        Float("stride_length_m"u8, s.StrideLengthM);
        Float("speed_mps"u8, s.SpeedMps);
        Float("contact_time_s"u8, s.ContactTimeS);
        Float("flight_time_s"u8, s.FlightTimeS);
        Float("swing_time_s"u8, s.SwingTimeS);
        Float("duty_factor"u8, s.DutyFactor);
        Float("strike_angle_deg"u8, s.StrikeAngleDeg);
        Float("cadence_spm"u8, s.CadenceSpm);
        Float("peak_impact_g"u8, s.PeakImpactG);
        Float("foot_clearance_m"u8, s.FootClearanceM);
        Float("peak_swing_speed_mps"u8, s.PeakSwingSpeedMps);
        Float("overstride_index"u8, s.OverstrideIndex);
        Int("overstride"u8, s.Overstride ? 1 : 0);
        Float("calf_load"u8, s.CalfLoad);
        // Gait as a number (0 unknown, 1 walk, 2 run), not a tag: a tag would split one run into many series.
        Int("gait"u8, (long)s.Gait);
        Int("flags"u8, (long)s.Flags);
        // The store's row id: the order the dashboard lists strides in (commit order, feet interleaved) — the
        // timestamps alone cannot give it back.
        Int("row_id"u8, row.Key.RowId);
        EndLine(row.Key.TimeUtcNs);
    }

    public void AppendBout(in ForwardBout row)
    {
        var o = row.Bout;
        BeginSessionLine("bout"u8, row.Key.Runner, row.Key.SessionId);
        Tag("gait"u8, SqliteStore.GaitWord(o.Gait) ?? "unknown");
        Tag("strike_pattern"u8, PatternTag(o.StrikePattern));
        _firstField = true;
        Int("seq"u8, row.Seq);
        // Start and end as stored (the timestamp is rounded to ns: the dashboard needs the exact doubles back).
        Float("start_time_s"u8, o.StartTimeS);
        Float("end_time_s"u8, o.EndTimeS);
        Float("duration_s"u8, o.DurationS);
        Int("strides"u8, o.Strides);
        Float("cadence_spm"u8, o.CadenceSpm);
        Float("stride_length_m"u8, o.StrideLengthM);
        Float("speed_mps"u8, o.SpeedMps);
        Float("distance_m"u8, o.DistanceM);
        Float("contact_time_s"u8, o.ContactTimeS);
        Float("strike_angle_deg"u8, o.StrikeAngleDeg);
        Float("overstride_fraction"u8, o.OverstrideFraction);
        Float("calf_load"u8, o.CalfLoad);
        EndLine(row.Key.TimeUtcNs);
    }

    public void AppendSensorStatus(in ForwardStatus row)
    {
        var s = row.Status;
        BeginSessionLine("sensor_status"u8, row.Key.Runner, row.Key.SessionId);
        Tag("sensor"u8, s.SensorId);
        Tag("link_state"u8, s.LinkState);
        _firstField = true;
        Float("battery_pct"u8, s.BatteryPct);
        Int("packets_received"u8, s.PacketsReceived);
        Int("packets_lost"u8, s.PacketsLost);
        if (s.ConnectAttempts is { } attempts) Int("connect_attempts"u8, attempts);
        if (s.ConnectFailures is { } failures) Int("connect_failures"u8, failures);
        if (Strings) Str("last_error"u8, s.LastError);
        EndLine(row.Key.TimeUtcNs);
    }

    /// <summary>
    /// <c>alert,gateway=…,runner=…,session=…,kind=…</c> with time, message, measurement, value, baseline, detail and the store's
    /// row id. Timestamp: the session start + its time + (row id mod 1000) ns, so two alerts of one kind at the same
    /// session time (both clips' battery in one tick) stay two points; <c>time_s</c> holds the exact time.
    /// </summary>
    public void AppendAlert(in ForwardAlert row)
    {
        var a = row.Alert;
        BeginSessionLine("alert"u8, row.Key.Runner, row.Key.SessionId);
        Tag("kind"u8, a.Kind);
        _firstField = true;
        Float("time_s"u8, a.TimeS);
        Str("message"u8, a.Message);
        Str("measurement"u8, a.Measurement);
        Float("value"u8, a.Value);
        Float("baseline"u8, a.Baseline);
        Str("detail"u8, a.Detail);
        Int("row_id"u8, row.Key.RowId);
        EndLine(row.Key.TimeUtcNs + (row.Key.RowId % 1000));
    }

    /// <summary>
    /// <c>session,gateway=…,runner=…,session=…</c> at the session's start: name, source, plan (and its C25K week and
    /// run when it is one), recording, sensors (JSON), start and end (UTC ns) and the stride totals the session list
    /// shows, as the store computes them.
    /// </summary>
    public void AppendSession(StoredSession session, string sensorsJson, (int Week, int Run)? c25k)
    {
        ArgumentNullException.ThrowIfNull(session);
        var startNs = SqliteStore.ToUnixNs(session.StartedUtc);
        BeginSessionLine("session"u8, session.Runner, session.Id);
        _firstField = true;
        Str("name"u8, session.Name);
        Str("source"u8, session.Source);
        Str("plan"u8, session.Plan);
        if (c25k is { } c)
        {
            Int("c25k_week"u8, c.Week);
            Int("c25k_run"u8, c.Run);
        }

        Str("recording_path"u8, session.RecordingPath);
        Str("sensors"u8, sensorsJson);
        Int("started_utc_ns"u8, startNs);
        if (session.EndedUtc is { } end) Int("ended_utc_ns"u8, SqliteStore.ToUnixNs(end));
        Int("stride_count"u8, session.StrideCount);
        Float("distance_m"u8, session.DistanceM);
        Float("last_ic_time_s"u8, session.LastIcTimeS);
        EndLine(startNs);
    }

    /// <summary>
    /// <c>live,gateway=…,runner=…</c>: what a runner's live tile shows, as the tile's JSON (<c>tile</c>) plus its main
    /// numbers as fields for other tools; <paramref name="timeUtcNs"/> is when it was taken.
    /// </summary>
    public void AppendLive(string runner, long timeUtcNs, long? sessionId, string tileJson, long strides, ReadOnlySpan<(string Key, double? Value)> numbers)
    {
        BeginLine("live"u8);
        Tag("gateway"u8, Gateway);
        Tag("runner"u8, runner);
        _firstField = true;
        if (sessionId is { } id) Int("session"u8, id);
        Int("strides"u8, strides);
        foreach (var (key, value) in numbers)
        {
            if (value is { } v) Float(Encoding.UTF8.GetBytes(key), v);
        }

        Str("tile"u8, tileJson);
        EndLine(timeUtcNs);
    }

    private static ReadOnlySpan<byte> PatternTag(StrikePattern p) => p switch
    {
        StrikePattern.Rearfoot => "rearfoot"u8,
        StrikePattern.Midfoot => "midfoot"u8,
        StrikePattern.Forefoot => "forefoot"u8,
        _ => "unknown"u8,
    };

    private void BeginLine(ReadOnlySpan<byte> measurement)
    {
        if (Lines > 0) Byte((byte)'\n');
        Raw(measurement);
    }

    /// <summary>A line of one session's data: the measurement and the gateway, runner and session tags every such point
    /// carries (the central reader selects by gateway and session).</summary>
    private void BeginSessionLine(ReadOnlySpan<byte> measurement, string runner, long sessionId)
    {
        BeginLine(measurement);
        Tag("gateway"u8, Gateway);
        Tag("runner"u8, runner);
        Tag("session"u8, sessionId);
    }

    private void EndLine(long timeNs)
    {
        Byte((byte)' ');
        Long(timeNs);
        Lines++;
    }

    private void Tag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Byte((byte)',');
        Raw(key);
        Byte((byte)'=');
        Raw(value);
    }

    private void Tag(ReadOnlySpan<byte> key, long value)
    {
        Byte((byte)',');
        Raw(key);
        Byte((byte)'=');
        Long(value);
    }

    /// <summary>Tags in a fixed order (InfluxDB sorts them anyway); an empty value is left out (not allowed).</summary>
    private void Tag(ReadOnlySpan<byte> key, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        Byte((byte)',');
        Raw(key);
        Byte((byte)'=');
        Ensure(value.Length * 2 + 8);
        foreach (var rune in value.EnumerateRunes())
        {
            // Tag values escape comma, equals and space; a newline would end the line, so it becomes a space.
            var v = rune.Value;
            if (v is ',' or '=' or ' ') { Byte((byte)'\\'); Byte((byte)v); }
            else if (v is '\n' or '\r') { Byte((byte)'\\'); Byte((byte)' '); }
            else if (v < 0x80) Byte((byte)v);
            else
            {
                Ensure(4);
                _len += rune.EncodeToUtf8(_buf.AsSpan(_len));
            }
        }
    }

    /// <summary>
    /// A string field; null is left out. Backslash and double quote are escaped (line protocol's only escapes in
    /// string fields); a newline stays as it is — InfluxDB's parser (models.scanLine) keeps it inside the quotes.
    /// </summary>
    private void Str(ReadOnlySpan<byte> key, string? value)
    {
        if (value is null) return;
        FieldKey(key);
        Ensure(value.Length * 2 + 2);
        Byte((byte)'"');
        foreach (var rune in value.EnumerateRunes())
        {
            var v = rune.Value;
            if (v is '"' or '\\') { Byte((byte)'\\'); Byte((byte)v); }
            else if (v < 0x80) Byte((byte)v);
            else
            {
                Ensure(4);
                _len += rune.EncodeToUtf8(_buf.AsSpan(_len));
            }
        }

        Byte((byte)'"');
    }

    private void Float(ReadOnlySpan<byte> key, double v)
    {
        if (!double.IsFinite(v)) return;
        FieldKey(key);
        Ensure(32);
        // "R": the shortest text that parses back to the same double (as ToString("R") gives).
        if (!v.TryFormat(_buf.AsSpan(_len), out var n, "R", CultureInfo.InvariantCulture)) throw new InvalidOperationException("double format");
        _len += n;
    }

    private void Int(ReadOnlySpan<byte> key, long v)
    {
        FieldKey(key);
        Long(v);
        Byte((byte)'i');
    }

    private void FieldKey(ReadOnlySpan<byte> key)
    {
        Byte(_firstField ? (byte)' ' : (byte)',');
        _firstField = false;
        Raw(key);
        Byte((byte)'=');
    }

    private void Long(long v)
    {
        Ensure(24);
        if (!v.TryFormat(_buf.AsSpan(_len), out var n, default, CultureInfo.InvariantCulture)) throw new InvalidOperationException("long format");
        _len += n;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_len));
        _len += bytes.Length;
    }

    private void Byte(byte b)
    {
        Ensure(1);
        _buf[_len++] = b;
    }

    private void Ensure(int more)
    {
        if (_len + more <= _buf.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buf.Length * 2, _len + more));
        _buf.AsSpan(0, _len).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buf);
        _buf = bigger;
    }

    public void Dispose()
    {
        var b = _buf;
        _buf = [];
        _len = 0;
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
