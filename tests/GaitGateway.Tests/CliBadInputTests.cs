using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

/// <summary>Bad input: one clear line naming what and where, a non-zero exit, no stack trace, nothing stored lost.</summary>
public sealed class CliBadInputTests
{
    private static void AssertOneLineError((int Exit, string Out, string Err) r, params string[] mustContain)
    {
        Assert.Equal(2, r.Exit);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        foreach (var m in mustContain) Assert.Contains(m, lines[0]);
    }

    private static string Csv(string dir, string name, string text)
    {
        var p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    private static string GoodRows(int n, double rateHz = 200)
    {
        var b = new System.Text.StringBuilder();
        for (var i = 0; i < n; i++) b.Append(System.FormattableString.Invariant($"{i / rateHz},0,0,9.81,0,0,0\n"));
        return b.ToString();
    }

    [Fact]
    public void Missing_column_names_file_and_line()
    {
        var dir = Repo.TempDir();
        var f = Csv(dir, "left.csv", "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y\n0,0,0,9.81,0,0\n");
        AssertOneLineError(Repo.Gaitgw("replay", "--left", f, "--no-store"), "left.csv", "gyr_z");
    }

    [Fact]
    public void Non_numeric_cell_names_line_and_column()
    {
        var dir = Repo.TempDir();
        var f = Csv(dir, "left.csv", "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + GoodRows(20) + "0.1,0,0,9.81,0,0,abc\n");
        AssertOneLineError(Repo.Gaitgw("replay", "--left", f, "--no-store"), "left.csv", "line 22", "abc");
    }

    [Fact]
    public void Time_going_backwards_is_an_error_with_its_line()
    {
        var dir = Repo.TempDir();
        var f = Csv(dir, "right.csv", "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + GoodRows(50) + "0.01,0,0,9.81,0,0,0\n");
        AssertOneLineError(Repo.Gaitgw("replay", "--right", f, "--no-store"), "right.csv", "line 52");
    }

    /// <summary><c>evaluate --footprints DIR --slow-down F</c> reads the trials through the replay's CSV reader before it
    /// slows them (RealWalkSlowdown): its bad input is one line too, and the factor and the flag's partner are checked.</summary>
    [Fact]
    public void Slowed_footprint_walks_name_a_bad_cell_a_bad_factor_and_a_missing_folder()
    {
        var dir = Repo.TempDir();
        Csv(dir, "exp01_footprints.csv", "footprint,time_s,x_m,y_m\n0,1.0,0,0\n1,2.1,1.2,0\n");
        Csv(dir, "exp01_right.csv", "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + GoodRows(20) + "0.1,0,0,9.81,0,zz,0\n");
        AssertOneLineError(Repo.Gaitgw("evaluate", "--footprints", dir, "--slow-down", "1.6"), "exp01_right.csv", "line 22", "column gyr_y", "zz");
        AssertOneLineError(Repo.Gaitgw("evaluate", "--footprints", dir, "--slow-down", "0.5"), "--slow-down 0.5");
        AssertOneLineError(Repo.Gaitgw("evaluate", "--slow-down", "1.6"), "--slow-down goes with --footprints");
        AssertOneLineError(Repo.Gaitgw("evaluate", "--footprints", Path.Combine(dir, "nowhere"), "--slow-down", "1.6"), "nowhere");
    }

    [Fact]
    public void Unknown_unit_is_an_error()
    {
        var dir = Repo.TempDir();
        var f = Csv(dir, "left.csv", "time_s,acc_x [furlong],acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + GoodRows(20));
        AssertOneLineError(Repo.Gaitgw("replay", "--left", f, "--no-store"), "left.csv", "furlong");
    }

    [Theory]
    [InlineData("GAITGW_Influx__BatchSize", "lots", "not a whole number")]
    [InlineData("GAITGW_Influx__BatchSize", "0", "Influx:BatchSize 0")]
    [InlineData("GAITGW_Influx__MaxRequestsInFlight", "-1", "Influx:MaxRequestsInFlight -1")]
    public void Bad_influx_batching_settings_are_one_line_errors(string variable, string value, string expected)
    {
        var dir = Repo.TempDir();
        var r = Repo.GaitgwWithEnv(new() { [variable] = value },
            "replay", Repo.Sample, "--store", Path.Combine(dir, "s.db"), "--quiet", "--influx-url", "http://127.0.0.1:9");
        AssertOneLineError(r, expected);
        Assert.False(File.Exists(Path.Combine(dir, "s.db")), "nothing should be stored before the settings are checked");
    }

    [Fact]
    public void Unreadable_file_is_an_error()
    {
        AssertOneLineError(Repo.Gaitgw("replay", "/nonexistent/run.ggwrec", "--no-store"), "/nonexistent/run.ggwrec");
    }

    [Fact]
    public void Corrupted_recording_names_the_byte_offset_and_keeps_what_was_stored()
    {
        var dir = Repo.TempDir();
        var store = Path.Combine(dir, "store.db");
        var ok = Repo.Gaitgw("replay", Repo.Sample, "--store", store, "--quiet");
        Assert.Equal(0, ok.Exit);
        long before;
        using (var s = SqliteStore.Open(store)) before = s.GetStrides(s.ListSessions()[0].Id).Count;
        Assert.True(before > 100);

        // Flip a byte in the middle of the file: a frame's CRC fails with more frames after it.
        var bad = Path.Combine(dir, "bad.ggwrec");
        var bytes = File.ReadAllBytes(Repo.Sample);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(bad, bytes);
        var r = Repo.Gaitgw("replay", bad, "--store", store, "--quiet");
        AssertOneLineError(r, "bad.ggwrec", "byte ");

        using var after = SqliteStore.Open(store);
        Assert.Equal(before, after.GetStrides(after.ListSessions().OrderBy(x => x.Id).First().Id).Count);
    }

    [Fact]
    public void Torn_recording_is_replayed_with_a_warning()
    {
        var dir = Repo.TempDir();
        var torn = Path.Combine(dir, "torn.ggwrec");
        var bytes = File.ReadAllBytes(Repo.Sample);
        File.WriteAllBytes(torn, bytes.AsSpan(0, bytes.Length - 100).ToArray());
        var r = Repo.Gaitgw("replay", torn, "--no-store", "--quiet");
        Assert.Equal(0, r.Exit);
        Assert.Contains("torn final frame", r.Err);
    }

    [Fact]
    public void Unknown_plan_lists_the_known_ones()
    {
        var dir = Repo.TempDir();
        AssertOneLineError(Repo.Gaitgw("simulate", "--plan", "marathon", "--out", Path.Combine(dir, "x.ggwrec")), "marathon", "c25k-w6r2");
    }

    [Fact]
    public void Unknown_clip_place_lists_the_known_ones_and_writes_nothing()
    {
        var dir = Repo.TempDir();
        var output = Path.Combine(dir, "x.ggwrec");
        AssertOneLineError(Repo.Gaitgw("simulate", "--plan", "walking", "--clip-at", "ankle", "--out", output), "--clip-at 'ankle'", "lateral-heel");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_simulator_setting_out_of_range_names_itself_and_its_range_and_writes_nothing()
    {
        var dir = Repo.TempDir();
        var output = Path.Combine(dir, "x.ggwrec");
        var r = Repo.Gaitgw("simulate", "--plan", "run-steady", "--stance-twist-deg", "20", "--out", output);
        AssertOneLineError(r, "StanceTwistDeg = 20 is out of range (0..10°)");
        Assert.DoesNotContain("(Parameter", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Run_without_runners_is_an_input_error()
    {
        AssertOneLineError(Repo.Gaitgw("run", "--store", Path.Combine(Repo.TempDir(), "s.db"), "--no-dashboard"), "no runners configured");
    }

    [Fact]
    public void No_bluetooth_is_one_line_and_exit_code_3()
    {
        var r = Repo.GaitgwWithEnv(new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + Path.Combine(Repo.TempDir(), "no-bus") }, "scan", "--seconds", "1");
        Assert.Equal(3, r.Exit);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Bluetooth unavailable", r.Err);
    }
}
