using System.Diagnostics;
using CsCheck;
using GaitGateway.Cli;
using GaitGateway.Fuzz;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;
using GaitGateway.Storage.Sqlite;
using GaitGateway.Tests.Corpus;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace GaitGateway.Tests;

/// <summary>
/// Issue 16, "Bad input": the real gaitgw process on the crash corpus and on generated corruptions of the sample
/// recording — exit 2, one line naming the file and where, and the store exactly as it was — and replaying a recording
/// twice (or after a kill -9) stores nothing twice.
/// </summary>
public sealed class BadInputHardeningTests(ITestOutputHelper output)
{
    private static void AssertOneLineError((int Exit, string Out, string Err) r, params string[] mustContain)
    {
        Assert.True(r.Exit == 2, $"exit {r.Exit}; stderr:\n{r.Err}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        foreach (var m in mustContain) Assert.Contains(m, lines[0]);
    }

    /// <summary>A store that already holds one session (a short simulated walk/run), made in process.</summary>
    private static string StoreWithASession(string dir)
    {
        var store = Path.Combine(dir, "store.db");
        var rec = Path.Combine(dir, "earlier.ggwrec");
        SimulationRecorder.Write("sample-walk-run", new SimulationSettings { Seed = 3 }, rec);
        var r = ReplayJob.RunAsync(new ReplayOptions { Recording = rec, StorePath = store }, null, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(r.Strides.Count > 100);
        return store;
    }

    public static TheoryData<string> Corpus() => new(BadRecordings.Expected.Keys);

    // Items 6, 7, 8: crashes (exit 134), a silently dropped foot (exit 0), an error without file or position.
    [Theory]
    [MemberData(nameof(Corpus))]
    public void Crash_corpus_exits_2_with_one_line_naming_file_and_sensor_and_leaves_the_store_as_it_was(string name)
    {
        var dir = Repo.TempDir();
        var store = StoreWithASession(dir);
        var before = StoreSnapshot.Of(store);
        var bad = BadRecordings.Write(name, dir);
        var r = Repo.Gaitgw("replay", bad, "--store", store, "--quiet");
        AssertOneLineError(r, [Path.GetFileName(bad), .. BadRecordings.Expected[name]]);
        Assert.Equal(before, StoreSnapshot.Of(store));
    }

    // Item 5: generated corruptions of the sample, replayed through the same ReplayJob the CLI runs, into a store
    // that holds a session: a replay that fails is an input error (exit 2) and leaves every row as it was.
    [Fact]
    public void Failing_replays_of_mutated_recordings_leave_the_store_exactly_as_it_was()
    {
        var dir = Repo.TempDir();
        var pristine = StoreWithASession(dir);
        var before = StoreSnapshot.Of(pristine);
        var sample = File.ReadAllBytes(RecordingMutants.Sample);
        int runs = 0, failed = 0;
        RecordingMutants.Of(sample).Sample(m =>
        {
            var store = Path.Combine(dir, "m.db");
            File.Copy(pristine, store, overwrite: true);
            var rec = Path.Combine(dir, "m.ggwrec");
            File.WriteAllBytes(rec, m.Bytes);
            runs++;
            try
            {
                ReplayJob.RunAsync(new ReplayOptions { Recording = rec, StorePath = store }, null, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                failed++;
                Assert.True(GaitGatewayCli.IsInputError(e), $"{e.GetType().Name} is not an input error: {e}");
                Assert.StartsWith(rec + ": ", e.Message);
                Assert.Equal(before, StoreSnapshot.Of(store));
            }
            finally
            {
                SqliteConnection.ClearAllPools();
            }
        }, time: 8, threads: 1, print: m => m.What);
        output.WriteLine($"{runs} mutants, {failed} refused");
        Assert.True(runs >= 20 && failed >= runs / 3, $"{failed} of {runs} mutants failed: too few to test the rule");
    }

    // Item 5 through the real process: a handful of fixed corruptions in the middle of the file.
    [Theory]
    [InlineData("flip", "frame CRC mismatch")]
    [InlineData("length", "exceeds")]
    [InlineData("backwards", "host time goes backwards")]
    [InlineData("sensor", "frame names sensor 7")]
    public void A_recording_corrupt_in_the_middle_stores_nothing(string how, string expected)
    {
        var dir = Repo.TempDir();
        var store = StoreWithASession(dir);
        var before = StoreSnapshot.Of(store);
        var b = File.ReadAllBytes(Repo.Sample);
        var frames = RecordingMutants.FrameOffsets(b);
        var o = frames[frames.Count / 2];
        var len = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o));
        switch (how)
        {
            case "flip": b[o + 20] ^= 0x10; break;
            case "length": System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), 4000); break;
            case "backwards": System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o + 4), 0); break;
            default: b[o + 2] = 7; break;
        }

        if (how is "backwards" or "sensor")
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o + 12 + len), System.IO.Hashing.Crc32.HashToUInt32(b.AsSpan(o, 12 + len)));
        var bad = Path.Combine(dir, how + ".ggwrec");
        File.WriteAllBytes(bad, b);
        AssertOneLineError(Repo.Gaitgw("replay", bad, "--store", store, "--quiet"), how + ".ggwrec", $"byte {o}", expected);
        Assert.Equal(before, StoreSnapshot.Of(store));
    }

    // Item 8.
    [Fact]
    public void A_directory_is_reported_as_a_directory()
    {
        var dir = Repo.TempDir();
        AssertOneLineError(Repo.Gaitgw("replay", dir, "--no-store"), dir, "is a directory");
    }

    [Fact]
    public void Replay_help_names_the_recording_extension()
    {
        var r = Repo.Gaitgw("replay", "--help");
        Assert.Equal(0, r.Exit);
        Assert.Contains("(.ggwrec)", r.Out);
        Assert.DoesNotContain(".ggrec", r.Out);
    }

    // Item 9: a FIFO blocks open(2) until a writer comes; /dev/zero never ends. Both refused before opening.
    [Fact]
    public void A_named_pipe_is_refused_instead_of_hanging()
    {
        var fifo = Path.Combine(Repo.TempDir(), "pipe.ggwrec");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        Assert.True(File.Exists(fifo));
        AssertOneLineError(Repo.Gaitgw("replay", fifo, "--no-store", "--quiet"), fifo, "named pipe");
        AssertOneLineError(Repo.Gaitgw("replay", "--left", fifo, "--no-store", "--quiet"), fifo, "named pipe");
    }

    [Fact]
    public void A_device_is_refused_instead_of_read_forever()
    {
        AssertOneLineError(Repo.Gaitgw("replay", "/dev/zero", "--no-store", "--quiet"), "/dev/zero", "character device");
    }

    [Fact]
    public void A_csv_line_beyond_the_limit_is_refused_at_its_line()
    {
        var f = Path.Combine(Repo.TempDir(), "left.csv");
        File.WriteAllText(f, "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n0,0,0,9.81,0,0,0\n" + new string('1', 200_000) + "\n");
        AssertOneLineError(Repo.Gaitgw("replay", "--left", f, "--no-store", "--quiet"), "left.csv", "line 3", "longer than 65536 characters");
    }

    // Item 6 (CSV side): a time beyond the documented limit overflowed the bout table and the store's times.
    [Fact]
    public void A_csv_time_beyond_the_limit_is_refused_at_its_line()
    {
        var dir = Repo.TempDir();
        var f = Path.Combine(dir, "left.csv");
        var rows = string.Concat(Enumerable.Range(0, 50).Select(i => FormattableString.Invariant($"{1e12 + (i / 200.0)},0,0,9.81,0,0,0\n")));
        File.WriteAllText(f, "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + rows);
        AssertOneLineError(Repo.Gaitgw("replay", "--left", f, "--store", Path.Combine(dir, "s.db"), "--quiet"), "left.csv", "line 2", "beyond");
    }

    // Configuration: a value of the wrong type or malformed JSON was an unhandled exception (exit 134).
    [Theory]
    [InlineData("{\"GaitGateway\": {\"SensorStatusIntervalS\": \"abc\"}}", "GaitGateway:SensorStatusIntervalS")]
    [InlineData("{\"GaitGateway\": {\"SensorStatusIntervalS\": -5}}", "GaitGateway:SensorStatusIntervalS")]
    [InlineData("{\"GaitGateway\": {\"Runners\": [ {\"Name\": \"a\"} ,, ]}}", "LineNumber")]
    public void A_bad_configuration_file_is_one_line_naming_file_and_key_or_position(string json, string expected)
    {
        var dir = Repo.TempDir();
        var cfg = Path.Combine(dir, "appsettings.json");
        File.WriteAllText(cfg, json);
        AssertOneLineError(Repo.Gaitgw("run", "--config", cfg, "--store", Path.Combine(dir, "s.db"), "--no-dashboard", "--duration", "1"), "appsettings.json", expected);
    }

    // Item 11: the same recording again stores nothing twice, and says so.
    [Fact]
    public void Replaying_the_same_recording_again_adds_nothing_and_says_so()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var first = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet");
        Assert.True(first.Exit == 0, first.Err);
        var once = StoreSnapshot.Of(store);
        var again = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet");
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("session 1 already held this recording", again.Out);
        Assert.Equal(once, StoreSnapshot.Of(store));
    }

    // Item 11: a session of this input whose strides differ (another gaitgw's DSP) is not mixed with this replay's.
    [Fact]
    public void A_stored_session_that_does_not_match_the_replay_gets_nothing_added()
    {
        var dir = Repo.TempDir();
        var store = StoreWithASession(dir); // session 1: another recording's strides
        var id = Core.Recording.RecordingCheck.Run(Repo.Sample).ContentId;
        using (var db = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            db.Open();
            using var cmd = new SqliteCommand("UPDATE sessions SET input_id = @id WHERE id = 1;", db);
            cmd.Parameters.AddWithValue("@id", id);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        var before = StoreSnapshot.Of(store);
        AssertOneLineError(Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet"), Repo.Sample + ": session 1 holds this input with other strides", "nothing added");
        Assert.Equal(before, StoreSnapshot.Of(store));
    }

    [Fact]
    public void Importing_the_same_csv_again_adds_nothing_and_says_so()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "s.db");
        var csv = Path.Combine(Repo.Datasets, "gaitmap-walk", "imu_sample.csv");
        var first = Repo.Gaitgw("replay", csv, "--store", store, "--quiet");
        Assert.True(first.Exit == 0, first.Err);
        var once = StoreSnapshot.Of(store);
        var again = Repo.Gaitgw("replay", csv, "--store", store, "--quiet");
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("session 1 already held this CSV import", again.Out);
        Assert.Equal(once, StoreSnapshot.Of(store));
    }

    // Item 11: kill -9 half-way, replay again: the session is resumed to exactly what one whole replay stores.
    [Fact]
    public void A_replay_killed_half_way_is_resumed_to_exactly_the_complete_session()
    {
        var dir = Repo.TempDir();
        var rec = Path.Combine(dir, "w6r2.ggwrec");
        SimulationRecorder.Write("c25k-w6r2", new SimulationSettings(), rec); // 28 min, ~4000 strides
        var reference = Path.Combine(dir, "reference.db");
        var whole = Repo.Gaitgw("replay", rec, "--store", reference, "--quiet");
        Assert.True(whole.Exit == 0, whole.Err);

        var store = Path.Combine(dir, "s.db");
        var seen = ReplayAndKill(rec, store, killAfterStrides: 300);
        long partial;
        using (var s = SqliteStore.Open(store)) partial = s.GetStrides(1).Count;
        using (var s = SqliteStore.Open(reference)) Assert.True(partial < s.GetStrides(1).Count, $"the kill came after the replay finished ({partial} strides)");
        Assert.True(partial >= seen);

        var resumed = Repo.Gaitgw("replay", rec, "--store", store, "--quiet");
        Assert.True(resumed.Exit == 0, resumed.Err);
        output.WriteLine(resumed.Out);
        Assert.Contains($"resumed session 1 of this recording: {partial} strides were stored", resumed.Out);
        using var a = SqliteStore.Open(store);
        using var b = SqliteStore.Open(reference);
        Assert.Single(a.ListSessions());
        Assert.Equal(b.GetStrides(1), a.GetStrides(1));
        Assert.Equal(b.GetBouts(1), a.GetBouts(1));
        Assert.Equal(b.GetSession(1)!.EndedUtc, a.GetSession(1)!.EndedUtc);
    }

    /// <summary>Starts `gaitgw replay`, polls its store from another connection and SIGKILLs it once session 1 has
    /// <paramref name="killAfterStrides"/> strides. Returns the last count seen.</summary>
    private static long ReplayAndKill(string rec, string store, long killAfterStrides)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"), "replay", rec, "--store", store, "--quiet" }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Repo.TempDir();
        using var p = Process.Start(psi)!;
        var sw = Stopwatch.StartNew();
        try
        {
            while (sw.Elapsed < TimeSpan.FromSeconds(120) && !p.HasExited)
            {
                try
                {
                    using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                    db.Open();
                    using var cmd = new SqliteCommand("SELECT COUNT(*) FROM strides WHERE session_id = 1;", db);
                    while (!p.HasExited)
                    {
                        var seen = (long)cmd.ExecuteScalar()!;
                        if (seen >= killAfterStrides)
                        {
                            p.Kill();
                            return seen;
                        }
                    }
                }
                catch (SqliteException) { Thread.Sleep(1); }
            }

            throw new InvalidOperationException("gaitgw exited or stalled before it had committed enough strides: " + (p.HasExited ? p.StandardError.ReadToEnd() : ""));
        }
        finally
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(10_000);
        }
    }
}

/// <summary>The replay's channel when the session side fails.</summary>
public sealed class SessionRunnerFailureTests
{
    private sealed class ThrowingSink : GaitGateway.Dsp.Session.IGaitSink
    {
        public void OnStride(in GaitGateway.Core.Strides.StrideMetrics stride) => throw new GaitGateway.Storage.StoreException("disk full");
        public void OnBout(in GaitGateway.Core.Strides.BoutSummary bout) { }
    }

    // Item 6: "with --store the replay hangs at 0 % CPU until a signal shows the InsertStride overflow" — an exception
    // in the consumer left the producer waiting on a full channel. It must end the replay with that exception.
    [Fact]
    public async Task An_exception_in_the_session_ends_the_replay_instead_of_hanging_it()
    {
        using var reader = Core.Recording.RecordingReader.Open(Repo.Sample);
        var session = new GaitGateway.Dsp.Session.GaitSession(reader.Header.Sensors, new ThrowingSink());
        var run = SessionRunner.RunAsync(RecordingSource.Notifications(reader), session, CancellationToken.None);
        var e = await Assert.ThrowsAsync<GaitGateway.Storage.StoreException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("disk full", e.Message);
    }
}
