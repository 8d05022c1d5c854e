namespace GaitGateway.Storage.Sqlite;

/// <summary>
/// The store's DDL as numbered migrations; <c>PRAGMA user_version</c> holds the number of migrations applied. A
/// migration is never edited once released: changes are new steps appended to <see cref="Migrations"/>.
/// </summary>
/// <remarks>
/// Conventions: every number's unit is in its column name (<c>_s</c>, <c>_m</c>, <c>_mps</c>, <c>_spm</c>,
/// <c>_deg</c>, <c>_g</c>, <c>_pct</c>, <c>_hz</c>, <c>_ns</c>); NULL = no value (NaN in the Core types); wall-clock
/// times are UTC nanoseconds since the Unix epoch in INTEGER columns (<c>…_utc_ns</c>), which is also the InfluxDB
/// timestamp, so nothing is converted twice. Feet, strike patterns and gaits are stored as the lower-case words the
/// CSV export uses, so the file reads well in the <c>sqlite3</c> shell.
/// </remarks>
internal static class StoreSchema
{
    public static readonly string[] Migrations =
    [
        // 1: the session store.
        """
        CREATE TABLE runners (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE
        );
        CREATE TABLE sessions (
            id              INTEGER PRIMARY KEY,
            runner_id       INTEGER NOT NULL REFERENCES runners(id),
            name            TEXT NOT NULL,
            source          TEXT NOT NULL,
            started_utc_ns  INTEGER NOT NULL,
            ended_utc_ns    INTEGER,
            recording_path  TEXT,
            plan            TEXT
        );
        CREATE TABLE sensors (
            session_id      INTEGER NOT NULL REFERENCES sessions(id),
            sensor_index    INTEGER NOT NULL,
            sensor_id       TEXT NOT NULL,
            foot            TEXT NOT NULL CHECK (foot IN ('left', 'right')),
            kind            TEXT NOT NULL,
            firmware        TEXT,
            battery_pct     REAL,
            sample_rate_hz  REAL,
            PRIMARY KEY (session_id, sensor_index)
        );
        -- rowid (id) order is commit order; the InfluxDB forwarder's cursor relies on it growing monotonically,
        -- which is why strides are never deleted one by one (only whole sessions).
        CREATE TABLE strides (
            id                      INTEGER PRIMARY KEY,
            session_id              INTEGER NOT NULL REFERENCES sessions(id),
            foot                    TEXT NOT NULL CHECK (foot IN ('left', 'right')),
            seq                     INTEGER NOT NULL,
            ic_utc_ns               INTEGER NOT NULL,
            ic_time_s               REAL NOT NULL,
            to_time_s               REAL,
            next_ic_time_s          REAL,
            stride_time_s           REAL,
            stride_length_m         REAL,
            speed_mps               REAL,
            contact_time_s          REAL,
            flight_time_s           REAL,
            swing_time_s            REAL,
            duty_factor             REAL,   -- dimensionless, contact / stride time
            strike_angle_deg        REAL,
            strike_pattern          TEXT,   -- rearfoot | midfoot | forefoot | NULL (unknown)
            cadence_spm             REAL,
            peak_impact_g           REAL,
            foot_clearance_m        REAL,
            peak_swing_speed_mps    REAL,
            overstride_index        REAL,   -- dimensionless
            overstride              INTEGER NOT NULL,  -- 0 | 1
            calf_load               REAL,   -- load index, see CalfLoadModel
            gait                    TEXT,   -- walk | run | NULL (unknown)
            flags                   INTEGER NOT NULL,  -- StrideFlags bits
            UNIQUE (session_id, foot, seq)
        );
        CREATE TABLE bouts (
            id                      INTEGER PRIMARY KEY,
            session_id              INTEGER NOT NULL REFERENCES sessions(id),
            seq                     INTEGER NOT NULL,
            gait                    TEXT,
            start_time_s            REAL NOT NULL,
            end_time_s              REAL NOT NULL,
            strides                 INTEGER NOT NULL,
            cadence_spm             REAL,
            stride_length_m         REAL,
            speed_mps               REAL,
            distance_m              REAL,
            contact_time_s          REAL,
            strike_angle_deg        REAL,
            strike_pattern          TEXT,
            overstride_fraction     REAL,   -- 0..1
            calf_load               REAL,
            UNIQUE (session_id, seq)
        );
        CREATE TABLE alerts (
            id              INTEGER PRIMARY KEY,
            session_id      INTEGER NOT NULL REFERENCES sessions(id),
            time_s          REAL NOT NULL,
            kind            TEXT NOT NULL,
            message         TEXT NOT NULL,
            measurement     TEXT,
            value           REAL
        );
        CREATE TABLE sensor_status (
            id                  INTEGER PRIMARY KEY,
            session_id          INTEGER NOT NULL REFERENCES sessions(id),
            sensor_id           TEXT NOT NULL,
            time_s              REAL NOT NULL,
            battery_pct         REAL,
            packets_received    INTEGER NOT NULL,
            packets_lost        INTEGER NOT NULL,
            link_state          TEXT NOT NULL
        );
        CREATE INDEX sessions_by_start ON sessions(started_utc_ns);
        CREATE INDEX alerts_by_session ON alerts(session_id, time_s);
        CREATE INDEX sensor_status_by_session ON sensor_status(session_id, time_s);
        """,

        // 2: store-and-forward cursors, one row per sink: the last rowid of each table that the sink has acknowledged.
        """
        CREATE TABLE forward_cursor (
            sink                TEXT PRIMARY KEY,
            last_stride_rowid   INTEGER NOT NULL DEFAULT 0,
            last_bout_rowid     INTEGER NOT NULL DEFAULT 0,
            last_status_rowid   INTEGER NOT NULL DEFAULT 0
        );
        """,

        // 3: the identity of what a replay read (a recording's content hash), so that replaying the same input again
        // resumes its session instead of storing its strides twice. NULL for live sessions.
        """
        ALTER TABLE sessions ADD COLUMN input_id TEXT;
        CREATE UNIQUE INDEX sessions_by_input ON sessions(input_id) WHERE input_id IS NOT NULL;
        """,

        // 4: an alert explains itself in a coach's words too (issue 12: the overstriding index, its parts and the
        // baseline it was judged against); NULL for alerts that need no more than their message.
        """
        ALTER TABLE alerts ADD COLUMN detail TEXT;
        """,

        // 5: why a sensor is not streaming: connection attempts and failures since the session started, and the
        // last failure in words ("C0:FF:EE:00:00:01 not found within 10 s"); NULL in rows written before.
        """
        ALTER TABLE sensor_status ADD COLUMN connect_attempts INTEGER;
        ALTER TABLE sensor_status ADD COLUMN connect_failures INTEGER;
        ALTER TABLE sensor_status ADD COLUMN last_error TEXT;
        """,

        // 6: what was read from and negotiated with each sensor at connection (updated when it reconnects): Device
        // Information strings, ranges, ATT MTU and samples per packet; NULL when not known (replays, older rows).
        """
        ALTER TABLE sensors ADD COLUMN manufacturer TEXT;
        ALTER TABLE sensors ADD COLUMN model TEXT;
        ALTER TABLE sensors ADD COLUMN acc_range_g REAL;
        ALTER TABLE sensors ADD COLUMN gyro_range_dps REAL;
        ALTER TABLE sensors ADD COLUMN att_mtu INTEGER;
        ALTER TABLE sensors ADD COLUMN samples_per_packet INTEGER;
        """,

        // 7: central mode (issue 14) forwards the cues too, so the coach's dashboard over InfluxDB shows them: the
        // forward cursor of the alerts table.
        """
        ALTER TABLE forward_cursor ADD COLUMN last_alert_rowid INTEGER NOT NULL DEFAULT 0;
        """,

        // 8: a cue's "usual" — the runner's baseline it was judged against (issue 14: the cue log loaded from the
        // store showed the value without it); NULL for alerts without one and rows written before.
        """
        ALTER TABLE alerts ADD COLUMN baseline REAL;
        """,
    ];

    public static int CurrentVersion => Migrations.Length;
}
