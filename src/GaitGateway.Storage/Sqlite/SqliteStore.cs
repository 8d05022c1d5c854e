using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using Microsoft.Data.Sqlite;

namespace GaitGateway.Storage.Sqlite;

/// <summary>
/// The embedded session store: one SQLite file in WAL mode. Every stride is committed here first; sinks such as
/// InfluxDB forward from it (store-and-forward), so the file is the system of record.
/// </summary>
/// <remarks>
/// <para>WAL with <c>synchronous=NORMAL</c>: a committed transaction survives the process being killed (the WAL is
/// written before COMMIT returns); only an OS crash or power loss may roll back the last commits, which for a
/// training log is the right trade for not fsync-ing every batch on an SD card.</para>
/// <para>One connection, serialised by a lock: the writer, the forwarder and CLI reads share it. Batches are short
/// (≤ 256 rows), so contention is negligible and there is no second connection to keep consistent.</para>
/// </remarks>
public sealed partial class SqliteStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SessionCursor> _sessions = [];
    private SqliteCommand? _insertStride;
    private SqliteCommand? _readStridesAfter;
    private readonly Dictionary<long, SessionForwardMeta> _forwardMeta = [];
    private bool _disposed;

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    private SqliteStore(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating the file and its directories on first run and applying
    /// schema migrations. Throws <see cref="StoreException"/> with a one-line message when that is impossible.
    /// </summary>
    public static SqliteStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full;
        SqliteConnection? db = null;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StoreException($"cannot open store '{path}': {OneLine(e.Message)}", e);
        }
        try
        {
            if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            if (Directory.Exists(full)) throw new IOException("it is a directory");
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false, // one long-lived connection; pooling would keep the file open after Dispose
            }.ToString());
            db.Open();
            var store = new SqliteStore(full, db);
            store.Initialise();
            return store;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or StoreException)
        {
            db?.Dispose();
            if (e is StoreException) throw;
            throw new StoreException($"cannot open store '{full}': {OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Opens an existing store for reading only (the dashboard's <c>gaitgw serve</c>): no file or directory is created,
    /// no migration runs, and any write fails. Safe beside a gateway writing the same file: WAL readers see the last
    /// committed transaction and never block the writer (https://sqlite.org/wal.html, "Concurrency"). Throws
    /// <see cref="StoreException"/> when the file is missing or its schema is not the one this gaitgw reads.
    /// </summary>
    public static SqliteStore OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StoreException($"cannot open store '{path}': {OneLine(e.Message)}", e);
        }

        if (!File.Exists(full)) throw new StoreException($"cannot open store '{full}': no such file");
        SqliteConnection? db = null;
        try
        {
            db = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            db.Open();
            var store = new SqliteStore(full, db);
            store.Execute("PRAGMA busy_timeout=5000;");
            var version = store.SchemaVersion;
            if (version != StoreSchema.CurrentVersion)
            {
                throw new StoreException(version > StoreSchema.CurrentVersion
                    ? $"cannot open store '{full}': schema version {version} is newer than this gaitgw understands ({StoreSchema.CurrentVersion}); upgrade gaitgw"
                    : $"cannot open store '{full}' read-only: schema version {version} is older than {StoreSchema.CurrentVersion}; let `gaitgw run` or `replay` migrate it first");
            }

            return store;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or StoreException)
        {
            db?.Dispose();
            if (e is StoreException) throw;
            throw new StoreException($"cannot open store '{full}': {OneLine(e.Message)}", e);
        }
    }

    private void Initialise()
    {
        // journal_mode=WAL is persistent in the file; synchronous and foreign_keys are per connection.
        var mode = Scalar("PRAGMA journal_mode=WAL;") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new StoreException($"cannot open store '{Path}': the file system does not support WAL (journal_mode={mode})");
        Execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");

        var version = Convert.ToInt32(Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > StoreSchema.CurrentVersion)
        {
            throw new StoreException(
                $"cannot open store '{Path}': schema version {version} is newer than this gaitgw understands ({StoreSchema.CurrentVersion}); upgrade gaitgw");
        }
        // Each step under BEGIN IMMEDIATE, the version read again inside it: two connections opening a new store at
        // once (`run` with InfluxDB opens it from the gateway and the forwarder concurrently) would otherwise both see
        // version 0 and the second would fail on "table runners already exists".
        while (true)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            int v;
            using (var read = Command("PRAGMA user_version;", tx)) v = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (v >= StoreSchema.CurrentVersion) break;
            Execute(StoreSchema.Migrations[v], tx);
            Execute($"PRAGMA user_version = {v + 1};", tx);
            tx.Commit();
        }
    }

    /// <summary>Schema version of the open file (<c>PRAGMA user_version</c>).</summary>
    public int SchemaVersion { get { lock (_gate) return Convert.ToInt32(Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture); } }

    /// <summary>PRAGMA synchronous of the store's connection: 1 = NORMAL.</summary>
    public int Synchronous { get { lock (_gate) return Convert.ToInt32(Scalar("PRAGMA synchronous;"), CultureInfo.InvariantCulture); } }

    /// <summary>Journal mode in force ("wal").</summary>
    public string JournalMode { get { lock (_gate) return (string)Scalar("PRAGMA journal_mode;")!; } }

    // ---------------------------------------------------------------- sessions

    /// <summary>Creates the session (and its runner on first use) and returns its id.</summary>
    public long BeginSession(SessionInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var tx = _db.BeginTransaction();
            using (var up = Command("INSERT INTO runners(name) VALUES (@n) ON CONFLICT(name) DO NOTHING;", tx))
            {
                up.Parameters.AddWithValue("@n", info.Runner);
                up.ExecuteNonQuery();
            }
            long sessionId;
            var startNs = ToUnixNs(info.StartedUtc);
            using (var ins = Command(
                """
                INSERT INTO sessions(runner_id, name, source, started_utc_ns, recording_path, plan, input_id)
                VALUES ((SELECT id FROM runners WHERE name = @runner), @name, @source, @start, @rec, @plan, @input)
                RETURNING id;
                """, tx))
            {
                ins.Parameters.AddWithValue("@runner", info.Runner);
                ins.Parameters.AddWithValue("@name", info.Name);
                ins.Parameters.AddWithValue("@source", info.Source);
                ins.Parameters.AddWithValue("@start", startNs);
                ins.Parameters.AddWithValue("@rec", (object?)info.RecordingPath ?? DBNull.Value);
                ins.Parameters.AddWithValue("@plan", (object?)info.Plan ?? DBNull.Value);
                ins.Parameters.AddWithValue("@input", (object?)info.InputId ?? DBNull.Value);
                sessionId = (long)ins.ExecuteScalar()!;
            }
            foreach (var s in info.Sensors ?? [])
            {
                using var sen = Command(
                    """
                    INSERT INTO sensors(session_id, sensor_index, sensor_id, foot, kind, firmware, battery_pct, sample_rate_hz,
                                        manufacturer, model, acc_range_g, gyro_range_dps, att_mtu, samples_per_packet)
                    VALUES (@sid, @i, @id, @foot, @kind, @fw, @bat, @rate, @man, @model, @acc, @gyro, @mtu, @spp);
                    """, tx);
                sen.Parameters.AddWithValue("@sid", sessionId);
                sen.Parameters.AddWithValue("@id", s.Id);
                sen.Parameters.AddWithValue("@foot", s.Foot.ToWord());
                sen.Parameters.AddWithValue("@kind", s.Kind);
                AddSensorValues(sen, s);
                sen.ExecuteNonQuery();
            }
            tx.Commit();
            _sessions[sessionId] = new SessionCursor(startNs);
            return sessionId;
        }
    }

    /// <summary>Marks the session ended at <paramref name="endedUtc"/>.</summary>
    public void EndSession(long sessionId, DateTimeOffset endedUtc)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("UPDATE sessions SET ended_utc_ns = @end WHERE id = @id;");
            cmd.Parameters.AddWithValue("@end", ToUnixNs(endedUtc));
            cmd.Parameters.AddWithValue("@id", sessionId);
            if (cmd.ExecuteNonQuery() == 0) throw new StoreException($"no session {sessionId}");
        }
    }

    /// <summary>The session stored from the input with this identity (<see cref="SessionInfo.InputId"/>), or null.</summary>
    public long? FindSessionByInput(string inputId)
    {
        ArgumentNullException.ThrowIfNull(inputId);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("SELECT id FROM sessions WHERE input_id = @input;");
            cmd.Parameters.AddWithValue("@input", inputId);
            return cmd.ExecuteScalar() is long id ? id : null;
        }
    }

    /// <summary>All sessions, oldest first, with stride totals.</summary>
    public IReadOnlyList<StoredSession> ListSessions() => QuerySessions(null);

    /// <summary>The session, or null when there is none with that id.</summary>
    public StoredSession? GetSession(long sessionId) => QuerySessions(sessionId) is [var s] ? s : null;

    private List<StoredSession> QuerySessions(long? onlyId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var sensors = new Dictionary<long, List<SensorInfo>>();
            using (var cmd = Command(
                "SELECT session_id, sensor_index, sensor_id, foot, kind, firmware, battery_pct, sample_rate_hz, " +
                "manufacturer, model, acc_range_g, gyro_range_dps, att_mtu, samples_per_packet FROM sensors" +
                (onlyId is null ? "" : " WHERE session_id = @id") + " ORDER BY session_id, sensor_index;"))
            {
                if (onlyId is { } only) cmd.Parameters.AddWithValue("@id", only);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var sid = r.GetInt64(0);
                    if (!sensors.TryGetValue(sid, out var list)) sensors[sid] = list = [];
                    list.Add(new SensorInfo(
                        r.GetInt32(1), r.GetString(2), ParseFoot(r.GetString(3)), r.GetString(4),
                        r.IsDBNull(5) ? null : r.GetString(5), Real(r, 6), Real(r, 7),
                        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), Real(r, 10), Real(r, 11),
                        r.IsDBNull(12) ? null : r.GetInt32(12), r.IsDBNull(13) ? null : r.GetInt32(13)));
                }
            }

            var result = new List<StoredSession>();
            using (var cmd = Command(
                """
                SELECT s.id, r.name, s.name, s.source, s.started_utc_ns, s.ended_utc_ns, s.recording_path, s.plan,
                       (SELECT COUNT(*) FROM strides t WHERE t.session_id = s.id),
                       (SELECT AVG(d) FROM (SELECT SUM(COALESCE(stride_length_m, 0)) AS d
                                            FROM strides t WHERE t.session_id = s.id GROUP BY foot)),
                       (SELECT MAX(ic_time_s) FROM strides t WHERE t.session_id = s.id)
                FROM sessions s JOIN runners r ON r.id = s.runner_id
                """ + (onlyId is null ? "" : " WHERE s.id = @id") + " ORDER BY s.started_utc_ns, s.id;"))
            {
                if (onlyId is { } only) cmd.Parameters.AddWithValue("@id", only);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var id = r.GetInt64(0);
                    result.Add(new StoredSession(
                        id, r.GetString(1), r.GetString(2), r.GetString(3),
                        FromUnixNs(r.GetInt64(4)),
                        r.IsDBNull(5) ? null : FromUnixNs(r.GetInt64(5)),
                        r.IsDBNull(6) ? null : r.GetString(6),
                        r.IsDBNull(7) ? null : r.GetString(7),
                        sensors.TryGetValue(id, out var list) ? list : [],
                        r.GetInt64(8),
                        r.IsDBNull(9) ? 0 : r.GetDouble(9),
                        Real(r, 10)));
                }
            }
            return result;
        }
    }

    // ---------------------------------------------------------------- appends

    /// <summary>Appends strides in one transaction. Sequence numbers per foot continue from the stored ones.</summary>
    public void AppendStrides(long sessionId, ReadOnlySpan<StrideMetrics> strides) => AppendAll(sessionId, strides, InsertStride);

    /// <summary>Appends bouts in one transaction.</summary>
    public void AppendBouts(long sessionId, ReadOnlySpan<BoutSummary> bouts) => AppendAll(sessionId, bouts, InsertBout);

    private delegate void Insert<T>(long sessionId, SessionCursor cursor, in T item, SqliteTransaction tx);

    /// <summary>Inserts all items in one transaction; the per-foot/per-bout sequence cursors move only if it commits.</summary>
    private void AppendAll<T>(long sessionId, ReadOnlySpan<T> items, Insert<T> insert)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var touched = new List<SessionCursor>(1);
            using var tx = _db.BeginTransaction();
            var committed = false;
            try
            {
                var cursor = Cursor(sessionId, tx, touched);
                foreach (ref readonly var item in items) insert(sessionId, cursor, in item, tx);
                tx.Commit();
                committed = true;
            }
            finally { Settle(touched, committed); }
        }
    }

    public void AppendAlert(long sessionId, AlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        lock (_gate)
        {
            ThrowIfDisposed();
            InsertAlert(sessionId, alert, null);
        }
    }

    /// <summary>
    /// Replaces what is known about one of a session's sensors (Device Information, battery, negotiated rate and
    /// ranges, MTU, samples per packet): a live sensor is known only once it connected, and may reconnect with other
    /// settings. Its id, foot and kind stay as the session began.
    /// </summary>
    public void UpdateSensor(long sessionId, SensorInfo sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                UPDATE sensors SET firmware = @fw, battery_pct = @bat, sample_rate_hz = @rate, manufacturer = @man, model = @model,
                                   acc_range_g = @acc, gyro_range_dps = @gyro, att_mtu = @mtu, samples_per_packet = @spp
                WHERE session_id = @sid AND sensor_index = @i;
                """, null);
            cmd.Parameters.AddWithValue("@sid", sessionId);
            AddSensorValues(cmd, sensor);
            cmd.ExecuteNonQuery();
        }
    }

    private static void AddSensorValues(SqliteCommand cmd, SensorInfo s)
    {
        cmd.Parameters.AddWithValue("@i", s.Index);
        cmd.Parameters.AddWithValue("@fw", (object?)s.Firmware ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@bat", Db(s.BatteryPct));
        cmd.Parameters.AddWithValue("@rate", Db(s.SampleRateHz));
        cmd.Parameters.AddWithValue("@man", (object?)s.Manufacturer ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@model", (object?)s.Model ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@acc", Db(s.AccRangeG));
        cmd.Parameters.AddWithValue("@gyro", Db(s.GyroRangeDps));
        cmd.Parameters.AddWithValue("@mtu", (object?)s.AttMtu ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@spp", (object?)s.SamplesPerPacket ?? DBNull.Value);
    }

    public void AppendSensorStatus(long sessionId, SensorStatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            ThrowIfDisposed();
            InsertStatus(sessionId, status, null);
        }
    }

    /// <summary>
    /// Commits a mixed batch from <see cref="StoreWriter"/> in one transaction. On failure nothing of the batch is
    /// stored and the exception propagates (the writer then retries item by item to isolate a bad one).
    /// </summary>
    internal void CommitBatch(ReadOnlySpan<StoreMessage> batch)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            var touched = new List<SessionCursor>(2);
            using var tx = _db.BeginTransaction();
            var committed = false;
            try
            {
            foreach (ref readonly var m in batch)
            {
                switch (m.Kind)
                {
                    case StoreMessageKind.Stride: InsertStride(m.SessionId, Cursor(m.SessionId, tx, touched), m.Stride, tx); break;
                    case StoreMessageKind.Bout: InsertBout(m.SessionId, Cursor(m.SessionId, tx, touched), m.Bout, tx); break;
                    case StoreMessageKind.Alert: InsertAlert(m.SessionId, m.Alert!, tx); break;
                    case StoreMessageKind.SensorStatus: InsertStatus(m.SessionId, m.Status!, tx); break;
                    default: break;
                }
            }
            tx.Commit();
                committed = true;
            }
            finally { Settle(touched, committed); }
        }
    }

    /// <summary>Promotes the sequence numbers of a committed transaction, or forgets those of a failed one.</summary>
    private static void Settle(List<SessionCursor> touched, bool committed)
    {
        foreach (var c in touched)
        {
            if (committed) c.Commit(); else c.Rollback();
        }
    }

    private void InsertStride(long sessionId, SessionCursor cursor, in StrideMetrics s, SqliteTransaction tx)
    {
        if (!double.IsFinite(s.IcTimeS))
            throw new ArgumentException("a stride needs a finite initial-contact time (IcTimeS)", nameof(s));
        var cmd = _insertStride ??= PrepareInsertStride();
        cmd.Transaction = tx;
        var p = cmd.Parameters;
        var seq = cursor.NextSeq(s.Foot);
        p[0].Value = sessionId;
        p[1].Value = s.Foot.ToWord();
        p[2].Value = seq;
        var offsetNs = Math.Round(s.IcTimeS * 1e9);
        if (!(Math.Abs(offsetNs) < 9e18) || !(Math.Abs(cursor.StartUtcNs + offsetNs) < 9.2e18))
            throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"a stride at {s.IcTimeS:G6} s after the session start is outside what the store holds (1677-09-21 to 2262-04-11)"));
        p[3].Value = cursor.StartUtcNs + (long)offsetNs;
        p[4].Value = s.IcTimeS;
        p[5].Value = Db(s.ToTimeS);
        p[6].Value = Db(s.NextIcTimeS);
        p[7].Value = Db(s.StrideTimeS);
        p[8].Value = Db(s.StrideLengthM);
        p[9].Value = Db(s.SpeedMps);
        p[10].Value = Db(s.ContactTimeS);
        p[11].Value = Db(s.FlightTimeS);
        p[12].Value = Db(s.SwingTimeS);
        p[13].Value = Db(s.DutyFactor);
        p[14].Value = Db(s.StrikeAngleDeg);
        p[15].Value = PatternOrNull(s.StrikePattern);
        p[16].Value = Db(s.CadenceSpm);
        p[17].Value = Db(s.PeakImpactG);
        p[18].Value = Db(s.FootClearanceM);
        p[19].Value = Db(s.PeakSwingSpeedMps);
        p[20].Value = Db(s.OverstrideIndex);
        p[21].Value = s.Overstride ? 1 : 0;
        p[22].Value = Db(s.CalfLoad);
        p[23].Value = GaitOrNull(s.Gait);
        p[24].Value = (int)s.Flags;
        cmd.ExecuteNonQuery();
    }

    private static readonly string[] StrideColumns =
    [
        "session_id", "foot", "seq", "ic_utc_ns", "ic_time_s", "to_time_s", "next_ic_time_s", "stride_time_s",
        "stride_length_m", "speed_mps", "contact_time_s", "flight_time_s", "swing_time_s", "duty_factor",
        "strike_angle_deg", "strike_pattern", "cadence_spm", "peak_impact_g", "foot_clearance_m",
        "peak_swing_speed_mps", "overstride_index", "overstride", "calf_load", "gait", "flags",
    ];

    private SqliteCommand PrepareInsertStride()
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText =
            $"INSERT INTO strides({string.Join(", ", StrideColumns)}) VALUES ({string.Join(", ", StrideColumns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))});";
        for (var i = 0; i < StrideColumns.Length; i++) cmd.Parameters.Add(new SqliteParameter("@p" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value));
        return cmd;
    }

    private void InsertBout(long sessionId, SessionCursor cursor, in BoutSummary b, SqliteTransaction tx)
    {
        using var cmd = Command(
            """
            INSERT INTO bouts(session_id, seq, gait, start_time_s, end_time_s, strides, cadence_spm, stride_length_m,
                              speed_mps, distance_m, contact_time_s, strike_angle_deg, strike_pattern,
                              overstride_fraction, calf_load)
            VALUES (@sid, @seq, @gait, @start, @end, @n, @cad, @len, @spd, @dist, @ct, @ang, @pat, @os, @calf);
            """, tx);
        var p = cmd.Parameters;
        p.AddWithValue("@sid", sessionId);
        p.AddWithValue("@seq", cursor.NextBoutSeq());
        p.AddWithValue("@gait", GaitOrNull(b.Gait));
        p.AddWithValue("@start", b.StartTimeS);
        p.AddWithValue("@end", b.EndTimeS);
        p.AddWithValue("@n", b.Strides);
        p.AddWithValue("@cad", Db(b.CadenceSpm));
        p.AddWithValue("@len", Db(b.StrideLengthM));
        p.AddWithValue("@spd", Db(b.SpeedMps));
        p.AddWithValue("@dist", Db(b.DistanceM));
        p.AddWithValue("@ct", Db(b.ContactTimeS));
        p.AddWithValue("@ang", Db(b.StrikeAngleDeg));
        p.AddWithValue("@pat", PatternOrNull(b.StrikePattern));
        p.AddWithValue("@os", Db(b.OverstrideFraction));
        p.AddWithValue("@calf", Db(b.CalfLoad));
        cmd.ExecuteNonQuery();
    }

    private void InsertAlert(long sessionId, AlertRecord a, SqliteTransaction? tx)
    {
        using var cmd = Command(
            "INSERT INTO alerts(session_id, time_s, kind, message, measurement, value, detail, baseline) VALUES (@sid, @t, @k, @m, @meas, @v, @d, @b);", tx);
        cmd.Parameters.AddWithValue("@sid", sessionId);
        cmd.Parameters.AddWithValue("@t", a.TimeS);
        cmd.Parameters.AddWithValue("@k", a.Kind);
        cmd.Parameters.AddWithValue("@m", a.Message);
        cmd.Parameters.AddWithValue("@meas", (object?)a.Measurement ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@v", Db(a.Value));
        cmd.Parameters.AddWithValue("@d", (object?)a.Detail ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@b", Db(a.Baseline));
        cmd.ExecuteNonQuery();
    }

    private void InsertStatus(long sessionId, SensorStatusRecord s, SqliteTransaction? tx)
    {
        using var cmd = Command(
            """
            INSERT INTO sensor_status(session_id, sensor_id, time_s, battery_pct, packets_received, packets_lost, link_state,
                                      connect_attempts, connect_failures, last_error)
            VALUES (@sid, @sen, @t, @bat, @rx, @lost, @link, @att, @fail, @err);
            """, tx);
        cmd.Parameters.AddWithValue("@sid", sessionId);
        cmd.Parameters.AddWithValue("@sen", s.SensorId);
        cmd.Parameters.AddWithValue("@t", s.TimeS);
        cmd.Parameters.AddWithValue("@bat", Db(s.BatteryPct));
        cmd.Parameters.AddWithValue("@rx", s.PacketsReceived);
        cmd.Parameters.AddWithValue("@lost", s.PacketsLost);
        cmd.Parameters.AddWithValue("@link", s.LinkState);
        cmd.Parameters.AddWithValue("@att", (object?)s.ConnectAttempts ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@fail", (object?)s.ConnectFailures ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@err", (object?)s.LastError ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    // ---------------------------------------------------------------- reads

    /// <summary>The session's strides in commit order (per foot: sequence order).</summary>
    public IReadOnlyList<StrideMetrics> GetStrides(long sessionId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                $"SELECT {string.Join(", ", StrideColumns)} FROM strides WHERE session_id = @sid ORDER BY id;");
            cmd.Parameters.AddWithValue("@sid", sessionId);
            using var r = cmd.ExecuteReader();
            var list = new List<StrideMetrics>();
            while (r.Read()) list.Add(ReadStride(r, 0));
            return list;
        }
    }

    /// <summary>Reads the stride columns (in <see cref="StrideColumns"/> order) starting at <paramref name="o"/>.</summary>
    private static StrideMetrics ReadStride(SqliteDataReader r, int o) => new()
    {
        Foot = ParseFoot(r.GetString(o + 1)),
        IcTimeS = r.GetDouble(o + 4),
        ToTimeS = Real(r, o + 5),
        NextIcTimeS = Real(r, o + 6),
        StrideTimeS = Real(r, o + 7),
        StrideLengthM = Real(r, o + 8),
        SpeedMps = Real(r, o + 9),
        ContactTimeS = Real(r, o + 10),
        FlightTimeS = Real(r, o + 11),
        SwingTimeS = Real(r, o + 12),
        DutyFactor = Real(r, o + 13),
        StrikeAngleDeg = Real(r, o + 14),
        StrikePattern = Pattern(r, o + 15),
        CadenceSpm = Real(r, o + 16),
        PeakImpactG = Real(r, o + 17),
        FootClearanceM = Real(r, o + 18),
        PeakSwingSpeedMps = Real(r, o + 19),
        OverstrideIndex = Real(r, o + 20),
        Overstride = r.GetInt64(o + 21) != 0,
        CalfLoad = Real(r, o + 22),
        Gait = r.IsDBNull(o + 23) ? Gait.Unknown : ParseGait(r.GetString(o + 23)),
        Flags = (StrideFlags)r.GetInt32(o + 24),
    };

    /// <summary>The session's bouts in order.</summary>
    public IReadOnlyList<BoutSummary> GetBouts(long sessionId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                SELECT gait, start_time_s, end_time_s, strides, cadence_spm, stride_length_m, speed_mps, distance_m,
                       contact_time_s, strike_angle_deg, strike_pattern, overstride_fraction, calf_load
                FROM bouts WHERE session_id = @sid ORDER BY seq;
                """);
            cmd.Parameters.AddWithValue("@sid", sessionId);
            using var r = cmd.ExecuteReader();
            var list = new List<BoutSummary>();
            while (r.Read())
            {
                list.Add(ReadBout(r, 0));
            }
            return list;
        }
    }

    public IReadOnlyList<AlertRecord> GetAlerts(long sessionId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command("SELECT time_s, kind, message, measurement, value, detail, baseline FROM alerts WHERE session_id = @sid ORDER BY time_s, id;");
            cmd.Parameters.AddWithValue("@sid", sessionId);
            using var r = cmd.ExecuteReader();
            var list = new List<AlertRecord>();
            while (r.Read())
                list.Add(new AlertRecord(r.GetDouble(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), Real(r, 4), r.IsDBNull(5) ? null : r.GetString(5), Real(r, 6)));
            return list;
        }
    }

    public IReadOnlyList<SensorStatusRecord> GetSensorStatus(long sessionId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = Command(
                """
                SELECT sensor_id, time_s, battery_pct, packets_received, packets_lost, link_state, connect_attempts, connect_failures, last_error
                FROM sensor_status WHERE session_id = @sid ORDER BY time_s, id;
                """);
            cmd.Parameters.AddWithValue("@sid", sessionId);
            using var r = cmd.ExecuteReader();
            var list = new List<SensorStatusRecord>();
            while (r.Read())
                list.Add(new SensorStatusRecord(r.GetString(0), r.GetDouble(1), Real(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetString(8)));
            return list;
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Per-session state kept across appends: start time and the next sequence numbers.</summary>
    private sealed class SessionCursor(long startUtcNs)
    {
        public long StartUtcNs { get; } = startUtcNs;
        // Committed values and the pending ones of the open transaction; a rolled-back transaction must not leave
        // gaps or, worse, reuse numbers, so pending values are promoted only by Commit().
        private long _left, _right, _bout, _pendingLeft, _pendingRight, _pendingBout;

        public void Load(long left, long right, long bout)
        {
            _left = _pendingLeft = left;
            _right = _pendingRight = right;
            _bout = _pendingBout = bout;
        }

        public long NextSeq(Foot foot) => foot == Foot.Left ? _pendingLeft++ : _pendingRight++;

        public long NextBoutSeq() => _pendingBout++;

        public void Commit() { _left = _pendingLeft; _right = _pendingRight; _bout = _pendingBout; }

        public void Rollback() { _pendingLeft = _left; _pendingRight = _right; _pendingBout = _bout; }
    }

    private SessionCursor Cursor(long sessionId, SqliteTransaction tx, List<SessionCursor> touched)
    {
        if (_sessions.TryGetValue(sessionId, out var c))
        {
            if (!touched.Contains(c)) touched.Add(c);
            return c;
        }
        using var cmd = Command(
            """
            SELECT s.started_utc_ns,
                   (SELECT COALESCE(MAX(seq) + 1, 0) FROM strides WHERE session_id = s.id AND foot = 'left'),
                   (SELECT COALESCE(MAX(seq) + 1, 0) FROM strides WHERE session_id = s.id AND foot = 'right'),
                   (SELECT COALESCE(MAX(seq) + 1, 0) FROM bouts WHERE session_id = s.id)
            FROM sessions s WHERE s.id = @sid;
            """, tx);
        cmd.Parameters.AddWithValue("@sid", sessionId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new StoreException($"no session {sessionId}");
        c = new SessionCursor(r.GetInt64(0));
        c.Load(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        _sessions[sessionId] = c;
        touched.Add(c);
        return c;
    }

    /// <summary>UTC nanoseconds since the Unix epoch (100 ns resolution: DateTimeOffset ticks).
    /// Outside 1677-09-21 … 2262-04-11 (the int64 range) a <see cref="StoreException"/> says so.</summary>
    public static long ToUnixNs(DateTimeOffset t)
    {
        try
        {
            return checked((t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
        }
        catch (OverflowException e)
        {
            throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"time {t:O} is outside what the store holds (1677-09-21 to 2262-04-11)"), e);
        }
    }

    public static DateTimeOffset FromUnixNs(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);

    private static object Db(double v) => double.IsFinite(v) ? v : DBNull.Value;

    private static double Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    /// <summary>The read side of <see cref="PatternOrNull"/>.</summary>
    private static StrikePattern Pattern(SqliteDataReader r, int i) => r.IsDBNull(i) ? StrikePattern.Unknown : StrideCsv.ParsePattern(r.GetString(i));

    /// <summary>
    /// A bout from the 13 columns starting at <paramref name="first"/>, in the order gait, start_time_s, end_time_s,
    /// strides, cadence_spm, stride_length_m, speed_mps, distance_m, contact_time_s, strike_angle_deg, strike_pattern,
    /// overstride_fraction, calf_load (the report and the forwarder both read them).
    /// </summary>
    private static BoutSummary ReadBout(SqliteDataReader r, int first) => new()
    {
        Gait = r.IsDBNull(first) ? Gait.Unknown : ParseGait(r.GetString(first)),
        StartTimeS = r.GetDouble(first + 1),
        EndTimeS = r.GetDouble(first + 2),
        Strides = r.GetInt32(first + 3),
        CadenceSpm = Real(r, first + 4),
        StrideLengthM = Real(r, first + 5),
        SpeedMps = Real(r, first + 6),
        DistanceM = Real(r, first + 7),
        ContactTimeS = Real(r, first + 8),
        StrikeAngleDeg = Real(r, first + 9),
        StrikePattern = Pattern(r, first + 10),
        OverstrideFraction = Real(r, first + 11),
        CalfLoad = Real(r, first + 12),
    };

    private static object PatternOrNull(StrikePattern p) => p == StrikePattern.Unknown ? DBNull.Value : StrideCsv.PatternWord(p);

    internal static string? GaitWord(Gait g) => g switch { Gait.Walk => "walk", Gait.Run => "run", _ => null };

    private static object GaitOrNull(Gait g) => (object?)GaitWord(g) ?? DBNull.Value;

    /// <summary>The gait word <see cref="GaitWord"/> writes, back (anything else is unknown).</summary>
    internal static Gait ParseGait(string w) => w switch { "walk" => Gait.Walk, "run" => Gait.Run, _ => Gait.Unknown };

    private static Foot ParseFoot(string w) =>
        FootNames.TryParse(w, out var f) ? f : throw new StoreException($"bad foot '{w}' in store");

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(sql, tx);
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _insertStride?.Dispose();
            _readStridesAfter?.Dispose();
            _db.Dispose();
        }
    }
}
