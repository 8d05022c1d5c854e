using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace GaitGateway.Storage.Tests;

public sealed class SqliteStoreTests
{
    [Fact]
    public void Open_creates_directories_and_file_in_wal_mode_at_current_schema()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "a", "b", "gaitgw.db");
        using var store = SqliteStore.Open(path);
        Assert.True(File.Exists(path));
        Assert.Equal("wal", store.JournalMode, ignoreCase: true);
        Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
        Assert.Equal(1, store.Synchronous); // NORMAL

        // Independently of the store: journal_mode is persistent, so a fresh connection sees WAL too.
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task Two_connections_opening_a_new_store_at_once_both_succeed()
    {
        // Before: both read schema version 0 and the second failed with "table runners already exists" (seen as
        // `gaitgw run` with InfluxDB stopping at start: its gateway and forwarder open the store concurrently).
        using var dir = new TempDir();
        for (var round = 0; round < 20; round++)
        {
            var path = Path.Combine(dir.Path, $"race-{round}.db");
            using var barrier = new Barrier(2);
            var opened = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                barrier.SignalAndWait();
                return SqliteStore.Open(path);
            })).ToArray();
            foreach (var store in await Task.WhenAll(opened))
            {
                Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
                store.Dispose();
            }
        }
    }

    [Fact]
    public void Strides_round_trip_every_field_including_NaN_as_NULL()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var strides = TestData.Strides(40).Append(TestData.Empty(Foot.Right, 20.0)).ToArray();
        store.AppendStrides(id, strides);

        var back = store.GetStrides(id);
        Assert.Equal(strides, back); // record struct equality: every field, bit for bit (NaN equals NaN in Equals)
        Assert.True(double.IsNaN(back[^1].SpeedMps));

        // NaN is stored as NULL, not as a REAL NaN.
        using var raw = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM strides WHERE speed_mps IS NULL AND strike_pattern IS NULL AND gait IS NULL;";
        Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public void Strides_get_UTC_initial_contact_ns_and_per_foot_sequence()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        store.AppendStrides(id, [new StrideMetrics { Foot = Foot.Left, IcTimeS = 1.5 }, new StrideMetrics { Foot = Foot.Right, IcTimeS = 1.9 }]);
        store.AppendStrides(id, [new StrideMetrics { Foot = Foot.Left, IcTimeS = 2.2 }]);

        using var raw = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT foot, seq, ic_utc_ns FROM strides ORDER BY id;";
        using var r = cmd.ExecuteReader();
        var startNs = SqliteStore.ToUnixNs(TestData.Start);
        var expected = new (string, long, long)[] { ("left", 0, startNs + 1_500_000_000), ("right", 0, startNs + 1_900_000_000), ("left", 1, startNs + 2_200_000_000) };
        foreach (var e in expected)
        {
            Assert.True(r.Read());
            Assert.Equal(e, (r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }
        Assert.False(r.Read());
        Assert.Equal(1_746_081_000_123_000_000L, startNs);
    }

    [Fact]
    public void A_version_2_store_gains_alert_details_and_keeps_its_alerts()
    {
        // Fails before migration 3: no detail column, the detail would not come back.
        using var dir = new TempDir();
        var path = dir.File("v2.db");
        SchemaTwoStore.Write(path, "INSERT INTO alerts(session_id, time_s, kind, message) VALUES (1, 5, 'overstride', 'Shorten your stride');");

        using var store = SqliteStore.Open(path);
        Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
        var old = Assert.Single(store.GetAlerts(1));
        Assert.Equal(("Shorten your stride", (string?)null), (old.Message, old.Detail));
        var alert = new AlertRecord(90, "overstride", "Shorten your stride and lift your cadence about 8 % — stride +19 %, cadence −8 %",
            "overstride_index", 3.4, "overstriding index 3.4 (flag at 2.0) = strike 2.0 + cadence 1.4 + braking 0.0 + ½·contact 0.0");
        store.AppendAlert(1, alert);
        Assert.Equal(alert, store.GetAlerts(1)[1]);
    }

    [Fact]
    public void Session_bouts_alerts_and_status_round_trip()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var info = TestData.Session();
        var id = store.BeginSession(info);
        store.AppendBouts(id, TestData.Bouts());
        var alert = new AlertRecord(12.5, "cadence_low", "Cadence 148 spm: shorter, quicker steps", "cadence_spm", 148.2);
        store.AppendAlert(id, alert);
        store.AppendAlert(id, new AlertRecord(13, "link_lost", "Left clip lost"));
        var status = new SensorStatusRecord("AA:BB:CC:00:00:01", 10, 96.5, 1040, 3, "connected");
        store.AppendSensorStatus(id, status);
        var failing = new SensorStatusRecord("AA:BB:CC:00:00:02", 10, double.NaN, 0, 0, "Backoff", 7, 7, "AA:BB:CC:00:00:02 not found within 10 s");
        store.AppendSensorStatus(id, failing);
        store.EndSession(id, TestData.Start.AddMinutes(32));

        Assert.Equal(TestData.Bouts(), store.GetBouts(id));
        Assert.Equal(2, store.GetAlerts(id).Count);
        Assert.Equal(alert, store.GetAlerts(id)[0]);
        Assert.True(double.IsNaN(store.GetAlerts(id)[1].Value));
        Assert.Equal([status, failing], store.GetSensorStatus(id));

        var s = store.GetSession(id)!;
        Assert.Equal(("alice", "C25K W3D2", "simulate", "/tmp/rec.gaitrec", "c25k"), (s.Runner, s.Name, s.Source, s.RecordingPath, s.Plan));
        Assert.Equal(TestData.Start, s.StartedUtc);
        Assert.Equal(TestData.Start.AddMinutes(32), s.EndedUtc);
        Assert.Equal(TimeSpan.FromMinutes(32), s.Duration);
        Assert.Equal(info.Sensors, s.Sensors);
        Assert.Null(store.GetSession(id + 100));
    }

    [Fact]
    public void A_sensor_row_is_updated_with_what_was_negotiated_at_connection()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var info = TestData.Session();
        var id = store.BeginSession(info);
        var connected = info.Sensors![1] with
        {
            Firmware = "1.2.0", Manufacturer = "Acme", Model = "GC1", BatteryPct = 64, SampleRateHz = 416,
            AccRangeG = 32, GyroRangeDps = 2000, AttMtu = 185, SamplesPerPacket = 14,
        };

        store.UpdateSensor(id, connected);

        var sensors = store.GetSession(id)!.Sensors;
        Assert.Equal(info.Sensors[0], sensors[0]);
        Assert.Equal(connected, sensors[1]);
    }

    [Fact]
    public void Reopened_store_keeps_data_and_continues_sequences()
    {
        using var dir = new TempDir();
        var path = dir.File("s.db");
        long id;
        var first = TestData.Strides(10, seed: 2);
        using (var store = SqliteStore.Open(path))
        {
            id = store.BeginSession(TestData.Session());
            store.AppendStrides(id, first);
        }
        var second = TestData.Strides(10, seed: 3, t0: 10);
        using (var store = SqliteStore.Open(path))
        {
            Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
            Assert.Equal(first, store.GetStrides(id));
            store.AppendStrides(id, second); // a new process continues seq after the stored maximum
            Assert.Equal(first.Concat(second), store.GetStrides(id));
            Assert.Equal(20, store.GetSession(id)!.StrideCount);
        }
    }

    [Fact]
    public void Many_sessions_are_listed_in_start_order_with_totals()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var ids = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            // Inserted out of start order on purpose.
            var start = TestData.Start.AddDays((i * 7) % 50);
            var id = store.BeginSession(TestData.Session(runner: i % 3 == 0 ? "bob" : "alice", start: start));
            store.AppendStrides(id, [
                new StrideMetrics { Foot = Foot.Left, IcTimeS = 1, StrideLengthM = 2.0 },
                new StrideMetrics { Foot = Foot.Left, IcTimeS = 2, StrideLengthM = 2.0 },
                new StrideMetrics { Foot = Foot.Right, IcTimeS = 1.5, StrideLengthM = 1.0 },
                new StrideMetrics { Foot = Foot.Right, IcTimeS = 2.5, StrideLengthM = double.NaN },
            ]);
            ids.Add(id);
        }
        var list = store.ListSessions();
        Assert.Equal(50, list.Count);
        Assert.Equal(ids.Order(), list.Select(s => s.Id).Order());
        Assert.True(list.Zip(list.Skip(1)).All(p => p.First.StartedUtc <= p.Second.StartedUtc));
        Assert.All(list, s =>
        {
            Assert.Equal(4, s.StrideCount);
            Assert.Equal((4.0 + 1.0) / 2, s.DistanceM, 9); // mean over feet of per-foot sums; NaN counts 0
            Assert.Equal(TimeSpan.FromSeconds(2.5), s.Duration); // not ended: up to the last IC
        });
        Assert.Equal(17, list.Count(s => s.Runner == "bob"));
    }

    [Fact]
    public void Appending_to_an_unknown_session_is_a_clear_error_and_stores_nothing()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var e = Assert.Throws<StoreException>(() => store.AppendStrides(42, TestData.Strides(2)));
        Assert.Equal("no session 42", e.Message);
        Assert.Empty(store.ListSessions());
    }

    [Fact]
    public void Stride_without_initial_contact_rolls_back_the_whole_batch_and_leaves_no_sequence_gap()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        Assert.Throws<ArgumentException>(() => store.AppendStrides(id, [new StrideMetrics { IcTimeS = 1 }, new StrideMetrics { IcTimeS = double.NaN }]));
        Assert.Empty(store.GetStrides(id));
        store.AppendStrides(id, [new StrideMetrics { IcTimeS = 3 }]);
        using var raw = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT seq FROM strides;";
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
    }

    [Theory]
    [InlineData("dir-as-file")]
    [InlineData("not-a-db")]
    [InlineData("parent-is-file")]
    public void Bad_path_gives_a_one_line_error_naming_the_path(string kind)
    {
        using var dir = new TempDir();
        string path;
        switch (kind)
        {
            case "dir-as-file":
                path = dir.File("adir");
                Directory.CreateDirectory(path);
                break;
            case "not-a-db":
                path = dir.File("junk.db");
                File.WriteAllText(path, new string('x', 4096));
                break;
            default:
                File.WriteAllText(dir.File("afile"), "x");
                path = Path.Combine(dir.File("afile"), "sub", "gaitgw.db");
                break;
        }
        var e = Assert.Throws<StoreException>(() => SqliteStore.Open(path));
        Assert.StartsWith($"cannot open store '{path}': ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Newer_schema_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("s.db");
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99;";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<StoreException>(() => SqliteStore.Open(path));
        Assert.Contains("schema version 99 is newer", e.Message);
    }

    [Fact]
    public void Default_path_is_under_local_application_data()
    {
        var path = StorePaths.DefaultStorePath();
        Assert.EndsWith(Path.Combine("gaitgateway", "gaitgw.db"), path);
        Assert.StartsWith(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), path);
    }
}

public sealed class SqliteStoreInputIdentityTests
{
    [Fact]
    public void A_session_is_found_by_the_identity_of_its_input()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var live = store.BeginSession(TestData.Session());
        var replayed = store.BeginSession(TestData.Session() with { InputId = "xxh128:00ff" });
        Assert.NotEqual(live, replayed);
        Assert.Equal(replayed, store.FindSessionByInput("xxh128:00ff"));
        Assert.Null(store.FindSessionByInput("xxh128:0000"));
        // At most one session per input: the index is unique.
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => store.BeginSession(TestData.Session() with { InputId = "xxh128:00ff" }));
    }

    [Fact]
    public void A_store_of_schema_2_is_migrated_and_keeps_its_sessions()
    {
        using var dir = new TempDir();
        var path = dir.File("old.db");
        long id;
        SchemaTwoStore.Write(path, "");
        id = 1;

        using (var store = SqliteStore.Open(path))
        {
            Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
            Assert.NotNull(store.GetSession(id));
            Assert.Null(store.FindSessionByInput("x"));
            var next = store.BeginSession(TestData.Session() with { InputId = "x" });
            Assert.Equal(next, store.FindSessionByInput("x"));
        }
    }
}

/// <summary>Old stores for the migration tests.</summary>
internal static class SchemaTwoStore
{
    /// <summary>A store as schema 2 wrote it (its own migrations, then user_version 2): runner 'ann', session 1, then
    /// <paramref name="moreSql"/>.</summary>
    public static void Write(string path, string moreSql)
    {
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = StoreSchema.Migrations[0] + StoreSchema.Migrations[1]
            + "INSERT INTO runners(id, name) VALUES (1, 'ann');"
            + "INSERT INTO sessions(id, runner_id, name, source, started_utc_ns) VALUES (1, 1, 'old', 'replay', 0);"
            + moreSql
            + "PRAGMA user_version = 2;";
        cmd.ExecuteNonQuery();
    }
}
