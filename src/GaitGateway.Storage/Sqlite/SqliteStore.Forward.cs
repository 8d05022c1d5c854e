using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using Microsoft.Data.Sqlite;

namespace GaitGateway.Storage.Sqlite;

/// <summary>Which table a forward cursor walks.</summary>
public enum ForwardTable : byte
{
    Strides,
    Bouts,
    SensorStatus,
    /// <summary>Cues and device alerts (store migration 7).</summary>
    Alerts,
}

/// <summary>Per-row facts a sink needs to name a point deterministically: who, which session, which sensor.</summary>
/// <param name="RowId">The row's id in its table: the forward cursor's unit.</param>
/// <param name="TimeUtcNs">The point's timestamp, UTC ns since the Unix epoch (a stride's initial contact).</param>
/// <param name="SensorId">The sensor of the stride's foot (strides) or of the status row; null when not recorded.</param>
public readonly record struct ForwardKey(long RowId, long SessionId, string Runner, long TimeUtcNs, string? SensorId);

/// <summary>A stored stride with its identity, as read for forwarding.</summary>
public readonly record struct ForwardStride(ForwardKey Key, long Seq, StrideMetrics Stride);

public readonly record struct ForwardBout(ForwardKey Key, long Seq, BoutSummary Bout);

public readonly record struct ForwardStatus(ForwardKey Key, SensorStatusRecord Status);

/// <summary>A stored alert with its identity; <see cref="ForwardKey.TimeUtcNs"/> is the session start + its time.</summary>
public readonly record struct ForwardAlert(ForwardKey Key, AlertRecord Alert);

public sealed partial class SqliteStore
{
    /// <summary>Last row id of <paramref name="table"/> that <paramref name="sink"/> acknowledged; 0 before the first.</summary>
    public long GetForwardCursor(string sink, ForwardTable table)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command($"SELECT {CursorColumn(table)} FROM forward_cursor WHERE sink = @sink;");
            cmd.Parameters.AddWithValue("@sink", sink);
            return cmd.ExecuteScalar() is long v ? v : 0;
        }
    }

    /// <summary>
    /// Records that <paramref name="sink"/> holds every row of <paramref name="table"/> up to
    /// <paramref name="lastRowId"/>. Never moves a cursor backwards.
    /// </summary>
    public void AdvanceForwardCursor(string sink, ForwardTable table, long lastRowId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var col = CursorColumn(table);
            using var cmd = Command(
                $"""
                INSERT INTO forward_cursor(sink, {col}) VALUES (@sink, @id)
                ON CONFLICT(sink) DO UPDATE SET {col} = MAX({col}, excluded.{col});
                """);
            cmd.Parameters.AddWithValue("@sink", sink);
            cmd.Parameters.AddWithValue("@id", lastRowId);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Rows of <paramref name="table"/> that <paramref name="sink"/> has not acknowledged yet.</summary>
    public long CountUnforwarded(string sink, ForwardTable table)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                $"SELECT COUNT(*) FROM {TableName(table)} WHERE id > COALESCE((SELECT {CursorColumn(table)} FROM forward_cursor WHERE sink = @sink), 0);");
            cmd.Parameters.AddWithValue("@sink", sink);
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>Up to <paramref name="limit"/> strides after row <paramref name="afterRowId"/>, in row order.</summary>
    public IReadOnlyList<ForwardStride> ReadStridesAfter(long afterRowId, int limit)
    {
        var list = new List<ForwardStride>();
        ReadStridesAfter(afterRowId, limit, list);
        return list;
    }

    /// <summary>
    /// Appends up to <paramref name="limit"/> strides after row <paramref name="afterRowId"/> to
    /// <paramref name="into"/>, in row order, and returns how many. The forwarder's hot path: one prepared
    /// statement over the strides table alone; runner and sensor come from a per-session cache (both are fixed
    /// when the session begins), so a row costs no join, no sub-query and no string of its own.
    /// </summary>
    public int ReadStridesAfter(long afterRowId, int limit, List<ForwardStride> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            ThrowIfDisposed();
            var cmd = _readStridesAfter ??= PrepareReadStridesAfter();
            cmd.Parameters[0].Value = afterRowId;
            cmd.Parameters[1].Value = limit;
            var n = 0;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var sessionId = r.GetInt64(1);
                var meta = ForwardMeta(sessionId);
                var foot = r.GetInt64(2) != 0 ? Foot.Right : Foot.Left;
                var stride = new StrideMetrics
                {
                    Foot = foot,
                    IcTimeS = r.GetDouble(5),
                    ToTimeS = Real(r, 6),
                    NextIcTimeS = Real(r, 7),
                    StrideTimeS = Real(r, 8),
                    StrideLengthM = Real(r, 9),
                    SpeedMps = Real(r, 10),
                    ContactTimeS = Real(r, 11),
                    FlightTimeS = Real(r, 12),
                    SwingTimeS = Real(r, 13),
                    DutyFactor = Real(r, 14),
                    StrikeAngleDeg = Real(r, 15),
                    StrikePattern = (StrikePattern)r.GetInt32(16),
                    CadenceSpm = Real(r, 17),
                    PeakImpactG = Real(r, 18),
                    FootClearanceM = Real(r, 19),
                    PeakSwingSpeedMps = Real(r, 20),
                    OverstrideIndex = Real(r, 21),
                    Overstride = r.GetInt64(22) != 0,
                    CalfLoad = Real(r, 23),
                    Gait = (Gait)r.GetInt32(24),
                    Flags = (StrideFlags)r.GetInt32(25),
                };
                var key = new ForwardKey(r.GetInt64(0), sessionId, meta.Runner, r.GetInt64(4), foot == Foot.Left ? meta.LeftSensor : meta.RightSensor);
                into.Add(new ForwardStride(key, r.GetInt64(3), stride));
                n++;
            }
            return n;
        }
    }

    private SqliteCommand PrepareReadStridesAfter()
    {
        var cmd = _db.CreateCommand();
        // Enums come back as numbers (CASE in SQL), so a row allocates no string; the order matches the reader above.
        cmd.CommandText =
            """
            SELECT id, session_id, foot = 'right', seq, ic_utc_ns, ic_time_s, to_time_s, next_ic_time_s, stride_time_s,
                   stride_length_m, speed_mps, contact_time_s, flight_time_s, swing_time_s, duty_factor, strike_angle_deg,
                   CASE strike_pattern WHEN 'rearfoot' THEN 1 WHEN 'midfoot' THEN 2 WHEN 'forefoot' THEN 3 ELSE 0 END,
                   cadence_spm, peak_impact_g, foot_clearance_m, peak_swing_speed_mps, overstride_index, overstride, calf_load,
                   CASE gait WHEN 'walk' THEN 1 WHEN 'run' THEN 2 ELSE 0 END, flags
            FROM strides WHERE id > @after ORDER BY id LIMIT @limit;
            """;
        cmd.Parameters.Add(new SqliteParameter("@after", 0L));
        cmd.Parameters.Add(new SqliteParameter("@limit", 0));
        cmd.Prepare();
        return cmd;
    }

    private sealed record SessionForwardMeta(string Runner, string? LeftSensor, string? RightSensor);

    /// <summary>Runner and per-foot sensor of a session (the first sensor of the foot by index), cached.</summary>
    private SessionForwardMeta ForwardMeta(long sessionId)
    {
        if (_forwardMeta.TryGetValue(sessionId, out var m)) return m;
        string? runner = null, left = null, right = null;
        using (var cmd = Command("SELECT r.name FROM sessions s JOIN runners r ON r.id = s.runner_id WHERE s.id = @sid;"))
        {
            cmd.Parameters.AddWithValue("@sid", sessionId);
            runner = cmd.ExecuteScalar() as string ?? throw new StoreException($"no session {sessionId}");
        }
        using (var cmd = Command("SELECT foot, sensor_id FROM sensors WHERE session_id = @sid ORDER BY sensor_index;"))
        {
            cmd.Parameters.AddWithValue("@sid", sessionId);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (r.GetString(0) == "left") left ??= r.GetString(1);
                else if (r.GetString(0) == "right") right ??= r.GetString(1);
            }
        }
        // Sensors are written with their session, in one transaction, and never change: safe to cache for good.
        if (_forwardMeta.Count > 4096) _forwardMeta.Clear();
        return _forwardMeta[sessionId] = new SessionForwardMeta(runner, left, right);
    }

    public IReadOnlyList<ForwardBout> ReadBoutsAfter(long afterRowId, int limit) => ReadAfter(
        """
        SELECT b.id, b.session_id, r.name, s.started_utc_ns, b.seq,
               b.gait, b.start_time_s, b.end_time_s, b.strides, b.cadence_spm, b.stride_length_m, b.speed_mps,
               b.distance_m, b.contact_time_s, b.strike_angle_deg, b.strike_pattern, b.overstride_fraction, b.calf_load
        FROM bouts b JOIN sessions s ON s.id = b.session_id JOIN runners r ON r.id = s.runner_id
        WHERE b.id > @after ORDER BY b.id LIMIT @limit;
        """,
        afterRowId, limit, r =>
        {
            var bout = ReadBout(r, 5);
            return new ForwardBout(ForwardKeyAt(r, bout.StartTimeS, null), r.GetInt64(4), bout);
        });

    public IReadOnlyList<ForwardStatus> ReadSensorStatusAfter(long afterRowId, int limit) => ReadAfter(
        """
        SELECT x.id, x.session_id, r.name, s.started_utc_ns,
               x.sensor_id, x.time_s, x.battery_pct, x.packets_received, x.packets_lost, x.link_state,
               x.connect_attempts, x.connect_failures, x.last_error
        FROM sensor_status x JOIN sessions s ON s.id = x.session_id JOIN runners r ON r.id = s.runner_id
        WHERE x.id > @after ORDER BY x.id LIMIT @limit;
        """,
        afterRowId, limit, r =>
        {
            var status = new SensorStatusRecord(r.GetString(4), r.GetDouble(5), Real(r, 6), r.GetInt64(7), r.GetInt64(8), r.GetString(9),
                r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetString(12));
            return new ForwardStatus(ForwardKeyAt(r, status.TimeS, status.SensorId), status);
        });

    /// <summary>Up to <paramref name="limit"/> alerts after row <paramref name="afterRowId"/>, in row order.</summary>
    public IReadOnlyList<ForwardAlert> ReadAlertsAfter(long afterRowId, int limit) => ReadAfter(
        """
        SELECT a.id, a.session_id, r.name, s.started_utc_ns, a.time_s, a.kind, a.message, a.measurement, a.value, a.detail, a.baseline
        FROM alerts a JOIN sessions s ON s.id = a.session_id JOIN runners r ON r.id = s.runner_id
        WHERE a.id > @after ORDER BY a.id LIMIT @limit;
        """,
        afterRowId, limit, r =>
        {
            var alert = new AlertRecord(r.GetDouble(4), r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), Real(r, 8), r.IsDBNull(9) ? null : r.GetString(9), Real(r, 10));
            return new ForwardAlert(ForwardKeyAt(r, alert.TimeS, null), alert);
        });

    /// <summary>The forward cursor's read: up to <paramref name="limit"/> rows after <paramref name="afterRowId"/>, in row
    /// order. <paramref name="sql"/> selects row id, session id, runner name and session start (UTC ns) first.</summary>
    private List<T> ReadAfter<T>(string sql, long afterRowId, int limit, Func<SqliteDataReader, T> read)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(sql);
            cmd.Parameters.AddWithValue("@after", afterRowId);
            cmd.Parameters.AddWithValue("@limit", limit);
            using var r = cmd.ExecuteReader();
            var list = new List<T>();
            while (r.Read()) list.Add(read(r));
            return list;
        }
    }

    /// <summary>A forwarded row's key from the first four columns <see cref="ReadAfter"/> selects, at
    /// <paramref name="timeS"/> into its session.</summary>
    private static ForwardKey ForwardKeyAt(SqliteDataReader r, double timeS, string? sensorId) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3) + (long)Math.Round(timeS * 1e9), sensorId);

    /// <summary>Ids of the sessions not ended (running, or never ended: a crash).</summary>
    public IReadOnlyList<long> OpenSessionIds()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("SELECT id FROM sessions WHERE ended_utc_ns IS NULL ORDER BY id;");
            using var r = cmd.ExecuteReader();
            var list = new List<long>();
            while (r.Read()) list.Add(r.GetInt64(0));
            return list;
        }
    }

    private static string CursorColumn(ForwardTable t) => t switch
    {
        ForwardTable.Strides => "last_stride_rowid",
        ForwardTable.Bouts => "last_bout_rowid",
        ForwardTable.SensorStatus => "last_status_rowid",
        ForwardTable.Alerts => "last_alert_rowid",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private static string TableName(ForwardTable t) => t switch
    {
        ForwardTable.Strides => "strides",
        ForwardTable.Bouts => "bouts",
        ForwardTable.SensorStatus => "sensor_status",
        ForwardTable.Alerts => "alerts",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Size of the database file plus its WAL, bytes (for backlog sizing).</summary>
    public long FileSizeBytes()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("PRAGMA wal_checkpoint(TRUNCATE);");
            cmd.ExecuteNonQuery();
            return new FileInfo(Path).Length + (File.Exists(Path + "-wal") ? new FileInfo(Path + "-wal").Length : 0);
        }
    }

}
