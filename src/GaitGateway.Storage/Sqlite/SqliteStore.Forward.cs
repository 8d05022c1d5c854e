using GaitGateway.Core.Strides;

namespace GaitGateway.Storage.Sqlite;

/// <summary>Which table a forward cursor walks.</summary>
public enum ForwardTable : byte
{
    Strides,
    Bouts,
    SensorStatus,
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
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                $"""
                SELECT t.id, t.session_id, r.name, t.ic_utc_ns,
                       (SELECT sensor_id FROM sensors x WHERE x.session_id = t.session_id AND x.foot = t.foot
                        ORDER BY sensor_index LIMIT 1),
                       {string.Join(", ", StrideColumns.Select(c => "t." + c))}
                FROM strides t JOIN sessions s ON s.id = t.session_id JOIN runners r ON r.id = s.runner_id
                WHERE t.id > @after ORDER BY t.id LIMIT @limit;
                """);
            cmd.Parameters.AddWithValue("@after", afterRowId);
            cmd.Parameters.AddWithValue("@limit", limit);
            using var r = cmd.ExecuteReader();
            var list = new List<ForwardStride>();
            while (r.Read())
            {
                var key = new ForwardKey(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4));
                list.Add(new ForwardStride(key, r.GetInt64(5 + 2), ReadStride(r, 5)));
            }
            return list;
        }
    }

    public IReadOnlyList<ForwardBout> ReadBoutsAfter(long afterRowId, int limit)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                SELECT b.id, b.session_id, r.name, s.started_utc_ns, b.seq,
                       b.gait, b.start_time_s, b.end_time_s, b.strides, b.cadence_spm, b.stride_length_m, b.speed_mps,
                       b.distance_m, b.contact_time_s, b.strike_angle_deg, b.strike_pattern, b.overstride_fraction, b.calf_load
                FROM bouts b JOIN sessions s ON s.id = b.session_id JOIN runners r ON r.id = s.runner_id
                WHERE b.id > @after ORDER BY b.id LIMIT @limit;
                """);
            cmd.Parameters.AddWithValue("@after", afterRowId);
            cmd.Parameters.AddWithValue("@limit", limit);
            using var r = cmd.ExecuteReader();
            var list = new List<ForwardBout>();
            while (r.Read())
            {
                var bout = new BoutSummary
                {
                    Gait = r.IsDBNull(5) ? Gait.Unknown : ParseGait(r.GetString(5)),
                    StartTimeS = r.GetDouble(6),
                    EndTimeS = r.GetDouble(7),
                    Strides = r.GetInt32(8),
                    CadenceSpm = Real(r, 9),
                    StrideLengthM = Real(r, 10),
                    SpeedMps = Real(r, 11),
                    DistanceM = Real(r, 12),
                    ContactTimeS = Real(r, 13),
                    StrikeAngleDeg = Real(r, 14),
                    StrikePattern = r.IsDBNull(15) ? StrikePattern.Unknown : StrideCsv.ParsePattern(r.GetString(15)),
                    OverstrideFraction = Real(r, 16),
                    CalfLoad = Real(r, 17),
                };
                var t = r.GetInt64(3) + (long)Math.Round(bout.StartTimeS * 1e9);
                list.Add(new ForwardBout(new ForwardKey(r.GetInt64(0), r.GetInt64(1), r.GetString(2), t, null), r.GetInt64(4), bout));
            }
            return list;
        }
    }

    public IReadOnlyList<ForwardStatus> ReadSensorStatusAfter(long afterRowId, int limit)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                SELECT x.id, x.session_id, r.name, s.started_utc_ns,
                       x.sensor_id, x.time_s, x.battery_pct, x.packets_received, x.packets_lost, x.link_state
                FROM sensor_status x JOIN sessions s ON s.id = x.session_id JOIN runners r ON r.id = s.runner_id
                WHERE x.id > @after ORDER BY x.id LIMIT @limit;
                """);
            cmd.Parameters.AddWithValue("@after", afterRowId);
            cmd.Parameters.AddWithValue("@limit", limit);
            using var r = cmd.ExecuteReader();
            var list = new List<ForwardStatus>();
            while (r.Read())
            {
                var status = new SensorStatusRecord(r.GetString(4), r.GetDouble(5), Real(r, 6), r.GetInt64(7), r.GetInt64(8), r.GetString(9));
                var t = r.GetInt64(3) + (long)Math.Round(status.TimeS * 1e9);
                list.Add(new ForwardStatus(new ForwardKey(r.GetInt64(0), r.GetInt64(1), r.GetString(2), t, status.SensorId), status));
            }
            return list;
        }
    }

    private static string CursorColumn(ForwardTable t) => t switch
    {
        ForwardTable.Strides => "last_stride_rowid",
        ForwardTable.Bouts => "last_bout_rowid",
        ForwardTable.SensorStatus => "last_status_rowid",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private static string TableName(ForwardTable t) => t switch
    {
        ForwardTable.Strides => "strides",
        ForwardTable.Bouts => "bouts",
        ForwardTable.SensorStatus => "sensor_status",
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
