using System.Globalization;
using System.Numerics;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Sensors.Tests.Csv;

public sealed class CsvImportTests : IDisposable
{
    private const string Header = "time_s, acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z";
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>A file with <paramref name="rows"/> rows at <paramref name="rateHz"/>, acc (1, 2, 9.81), gyro (10, 20, 30).</summary>
    private string Uniform(string name, string header, int rows = 50, double rateHz = 400, double timeScale = 1, Func<int, double>? jitterS = null)
    {
        var sb = new StringBuilder(header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var t = ((i / rateHz) + (jitterS?.Invoke(i) ?? 0)) * timeScale;
            sb.Append(CultureInfo.InvariantCulture, $"{t:R},1,2,9.81,10,20,30\n");
        }

        return Write(name, sb.ToString());
    }

    // ------------------------------------------------------------ units and columns

    [Fact]
    public void Default_units_are_mps2_and_dps()
    {
        var d = CsvImport.ReadFootFile(Uniform("a.csv", Header), Foot.Right, null);
        Assert.Equal(Foot.Right, d.Foot);
        Assert.Equal(CsvLayout.PerFoot, d.Layout);
        Assert.Equal(50, d.Samples.Count);
        Assert.Equal(new Vector3(1, 2, 9.81f), d.Samples[0].AccSensorMps2);
        Assert.Equal(new Vector3(10, 20, 30), d.Samples[0].GyroSensorDps);
        Assert.Equal(400, d.SampleRateHz, 6);
        Assert.Equal(1 / 400.0, d.Samples[1].TimeS, 12);
    }

    [Theory]
    [InlineData("acc_x [g]", 9.80665)]
    [InlineData("acc_x [m/s^2]", 1)]
    [InlineData("acc_x [m/s2]", 1)]
    [InlineData("acc_x [m/s²]", 1)]
    [InlineData("acc_x[G]", 9.80665)]
    public void Accelerometer_unit_in_brackets_overrides(string column, double factor)
    {
        var path = Uniform("u.csv", Header.Replace("acc_x", column, StringComparison.Ordinal));
        var s = CsvImport.ReadFootFile(path, Foot.Left, null).Samples[0];
        Assert.Equal(1 * factor, s.AccSensorMps2.X, 5);
        Assert.Equal(2, s.AccSensorMps2.Y, 5);
    }

    [Theory]
    [InlineData("gyr_z [rad/s]", 180 / Math.PI)]
    [InlineData("gyr_z [deg/s]", 1)]
    [InlineData("gyr_z [dps]", 1)]
    [InlineData("gyr_z [°/s]", 1)]
    public void Gyroscope_unit_in_brackets_overrides(string column, double factor)
    {
        var path = Uniform("u.csv", Header.Replace("gyr_z", column, StringComparison.Ordinal));
        var s = CsvImport.ReadFootFile(path, Foot.Left, null).Samples[0];
        Assert.Equal(30 * factor, s.GyroSensorDps.Z, 3);
        Assert.Equal(20, s.GyroSensorDps.Y, 5);
    }

    [Fact]
    public void Time_in_milliseconds()
    {
        var d = CsvImport.ReadFootFile(Uniform("ms.csv", Header.Replace("time_s", "time_s [ms]", StringComparison.Ordinal), timeScale: 1000), Foot.Left, null);
        Assert.Equal(400, d.SampleRateHz, 6);
        Assert.Equal(0.0025, d.Samples[1].TimeS, 9);
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order_and_extra_columns_are_ignored()
    {
        var path = Write("o.csv", "gyr_z,note , acc_z,time_s,gyr_x,acc_y ,gyr_y,acc_x\n3,a,9.8,0,1,0.5,2,0.25\n3,b,9.8,0.005,1,0.5,2,0.25\n");
        var d = CsvImport.ReadFootFile(path, Foot.Left, null);
        Assert.Equal(new Vector3(0.25f, 0.5f, 9.8f), d.Samples[0].AccSensorMps2);
        Assert.Equal(new Vector3(1, 2, 3), d.Samples[0].GyroSensorDps);
        Assert.Equal(200, d.SampleRateHz, 6);
    }

    [Fact]
    public void Axis_map_applies_to_acc_and_gyro()
    {
        var d = CsvImport.ReadFootFile(Uniform("m.csv", Header), Foot.Left, AxisMap.Parse("x=-y,y=x,z=z"));
        Assert.Equal(new Vector3(-2, 1, 9.81f), d.Samples[0].AccSensorMps2);
        Assert.Equal(new Vector3(-20, 10, 30), d.Samples[0].GyroSensorDps);
    }

    // ------------------------------------------------------------ rate, jitter, duplicates

    [Fact]
    public void Rate_is_the_median_step_despite_jitter_and_a_gap()
    {
        var rng = new Random(7);
        // ±0.8 ms of jitter on a 2.5 ms step, plus one 50 ms gap.
        var d = CsvImport.ReadFootFile(Uniform("j.csv", Header, rows: 2001, jitterS: i => ((rng.NextDouble() - 0.5) * 0.0016) + (i >= 1000 ? 0.05 : 0)), Foot.Left, null);
        Assert.InRange(d.SampleRateHz, 390, 410);
        Assert.Equal(2001, d.Samples.Count);
    }

    [Fact]
    public void Repeated_timestamps_are_skipped_and_counted()
    {
        var path = Write("dup.csv", Header + "\n0,0,0,9.8,0,0,0\n0.0025,1,0,9.8,0,0,0\n0.0025,1,0,9.8,0,0,0\n0.005,2,0,9.8,0,0,0\n0.005,9,9,9,9,9,9\n0.0075,3,0,9.8,0,0,0\n");
        var d = CsvImport.ReadFootFile(path, Foot.Left, null);
        Assert.Equal(6, d.RowCount);
        Assert.Equal(2, d.DuplicateCount);
        Assert.Equal([0f, 1f, 2f, 3f], d.Samples.Select(s => s.AccSensorMps2.X));
        Assert.Equal(400, d.SampleRateHz, 6);
    }

    [Fact]
    public void Streaming_reader_yields_rows_beyond_the_rate_window()
    {
        var path = Uniform("s.csv", Header, rows: 300);
        using var r = CsvImport.Open(path, new CsvImportOptions { Foot = Foot.Right, RateWindowRows = 16 });
        Assert.Equal(16, r.RowCount); // only the window has been read so far
        var n = r.ReadSamples().Count(s => s.Foot == Foot.Right);
        Assert.Equal(300, n);
        Assert.Equal(300, r.RowCount);
        Assert.Throws<InvalidOperationException>(() => r.ReadSamples());
    }

    // ------------------------------------------------------------ bad input: one line, file, line, column

    private static CsvFormatException Fails(string path) =>
        Assert.Throws<CsvFormatException>(() => CsvImport.ReadFootFile(path, Foot.Left, null));

    private static void AssertOneLine(CsvFormatException e, string path, int? line, string? column)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.LineNumber);
        Assert.Equal(column, e.Column);
        if (line is { } l) Assert.Contains($"line {l}", e.Message, StringComparison.Ordinal);
        if (column is { } c) Assert.Contains($"column {c}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_numeric_cell_names_line_and_column()
    {
        var sb = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 15; i++) sb.Append(CultureInfo.InvariantCulture, $"{i * 0.0025:R},0,0,9.8,0,0,0\n");
        sb.Append("0.0375,0,0,9.8,0,0,abc\n"); // line 17
        var path = Write("left.csv", sb.ToString());
        var e = Fails(path);
        AssertOneLine(e, path, 17, "gyr_z");
        Assert.Equal($"{path}: line 17, column gyr_z: 'abc' is not a number", e.Message);
    }

    [Fact]
    public void Non_numeric_cell_after_the_rate_window_is_reported_while_streaming()
    {
        var sb = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 40; i++) sb.Append(CultureInfo.InvariantCulture, $"{i * 0.0025:R},0,0,9.8,0,0,0\n");
        sb.Append("0.1,0,x1,9.8,0,0,0\n"); // line 42
        var path = Write("late.csv", sb.ToString());
        using var r = CsvImport.Open(path, new CsvImportOptions { RateWindowRows = 10 });
        var e = Assert.Throws<CsvFormatException>(() => r.ReadSamples().Count());
        AssertOneLine(e, path, 42, "acc_y");
    }

    [Fact]
    public void Missing_column() => AssertOneLine(Fails(Write("m.csv", "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y\n0,0,0,0,0,0\n")), Path.Combine(_dir, "m.csv"), 1, "gyr_z");

    [Fact]
    public void Short_row()
    {
        var path = Write("short.csv", Header + "\n0,0,0,9.8,0,0,0\n0.0025,0,0,9.8\n");
        var e = Fails(path);
        AssertOneLine(e, path, 3, null);
        Assert.Contains("found 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_going_backwards()
    {
        var path = Write("back.csv", Header + "\n0,0,0,9.8,0,0,0\n0.0025,0,0,9.8,0,0,0\n0.005,0,0,9.8,0,0,0\n0.004,0,0,9.8,0,0,0\n");
        var e = Fails(path);
        AssertOneLine(e, path, 5, "time_s");
        Assert.Contains("backwards", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_unit()
    {
        var path = Uniform("unit.csv", Header.Replace("acc_y", "acc_y [furlong/s2]", StringComparison.Ordinal));
        var e = Fails(path);
        AssertOneLine(e, path, 1, "acc_y [furlong/s2]");
        Assert.Contains("unknown unit 'furlong/s2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file()
    {
        var path = Path.Combine(_dir, "nope.csv");
        AssertOneLine(Fails(path), path, null, null);
        Assert.Throws<CsvFormatException>(() => CsvImport.DetectLayout(path));
    }

    [Fact]
    public void Unreadable_path_is_a_directory()
    {
        var e = Fails(_dir);
        AssertOneLine(e, _dir, null, null);
        Assert.Contains("cannot open", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file() => AssertOneLine(Fails(Write("e.csv", "")), Path.Combine(_dir, "e.csv"), 1, null);

    [Fact]
    public void Header_only() => AssertOneLine(Fails(Write("h.csv", Header + "\n")), Path.Combine(_dir, "h.csv"), 2, null);

    [Fact]
    public void Unrecognised_header() => AssertOneLine(Fails(Write("x.csv", "a,b,c\n1,2,3\n")), Path.Combine(_dir, "x.csv"), 1, null);

    [Theory]
    [InlineData(40)]     // too slow
    [InlineData(20000)]  // too fast
    public void Rate_outside_50_to_10000_Hz(double rateHz)
    {
        var path = Uniform("r.csv", Header, rateHz: rateHz);
        var e = Fails(path);
        AssertOneLine(e, path, 2, "time_s");
        Assert.Contains("outside 50–10000 Hz", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A 100-Hz part timed by its own clock may read just under 100 Hz; files down to 50 Hz are read as they
    /// are, and up to 1600 Hz too.</summary>
    [Theory]
    [InlineData(50)]
    [InlineData(99.6)]
    [InlineData(1600)]
    public void Rates_from_50_to_1600_Hz_are_read_sample_for_row(double rateHz)
    {
        using var r = CsvImport.Open(Uniform("r.csv", Header, rows: 40, rateHz: rateHz));
        Assert.Equal(rateHz, r.SampleRateHz, 6);
        Assert.Equal(1, r.DecimationFactor);
        Assert.Equal(40, r.ReadSamples().Count());
    }

    /// <summary>A file faster than the clips' 1600 Hz is handed on at the smallest whole fraction of its rate at or
    /// under it, each sample the mean of that many rows at their mean time, a clip on any of them marked; a tail
    /// shorter than the factor is dropped.</summary>
    [Fact]
    public void A_file_faster_than_1600_Hz_is_averaged_down_by_whole_rows()
    {
        var sb = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 10; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{i / 4000.0:R},{i},{-2 * i},{(i == 4 ? 200 : 9.81)},{10 * i},0,{i % 3}\n");
        using var r = CsvImport.Open(Write("fast.csv", sb.ToString()), new CsvImportOptions { AccRangeG = 16 });
        Assert.Equal(4000, r.SampleRateHz, 6);
        Assert.Equal(3, r.DecimationFactor);   // 4000 / 3 = 1333 Hz; ÷2 would leave 2000
        Assert.Equal(4000 / 3.0, r.OutputSampleRateHz, 6);
        var s = r.ReadSamples().Select(x => x.Sample).ToList();
        Assert.Equal(3, s.Count);               // rows 0–2, 3–5, 6–8; row 9 dropped
        Assert.Equal(1 / 4000.0, s[0].TimeS, 12);
        Assert.Equal(4 / 4000.0, s[1].TimeS, 12);
        Assert.Equal(4, s[1].AccSensorMps2.X);
        Assert.Equal(-8, s[1].AccSensorMps2.Y);
        Assert.Equal((9.81 + 200 + 9.81) / 3, s[1].AccSensorMps2.Z, 4);
        Assert.Equal(new Vector3(70, 0, 1), s[2].GyroSensorDps);
        Assert.Equal(ImuSampleFlags.None, s[0].Flags);
        Assert.NotEqual(ImuSampleFlags.None, s[1].Flags);   // row 4 read 200 m/s² on a ±16 g part
        Assert.Equal(ImuSampleFlags.None, s[2].Flags);
    }

    [Fact]
    public void Time_in_ms_without_the_unit_is_caught_by_the_rate_check()
    {
        var path = Uniform("nounit.csv", Header, timeScale: 1000);
        Assert.Contains("check the time unit", Fails(path).Message, StringComparison.Ordinal);
    }

    /// <summary>10 s at 200 Hz of a foot walking at 1 Hz (half of each second in swing: |a| swinging ±8 m/s² about
    /// gravity, pitch rate ±400 °/s) or standing, written in the given units (values divided by the unit's size).</summary>
    private string Walking(string name, string header, bool moving = true, double accUnitMps2 = 1, double gyroUnitDps = 1)
    {
        var sb = new StringBuilder(header).Append('\n');
        for (var i = 0; i < 2000; i++)
        {
            var t = i / 200.0;
            var swing = moving && t % 1.0 < 0.5;
            var az = 9.81 + (swing ? 8 * Math.Sin(2 * Math.PI * 3 * t) : 0.05 * Math.Sin(t));
            var gy = swing ? 400 * Math.Sin(2 * Math.PI * t) : 0.5;
            sb.Append(CultureInfo.InvariantCulture, $"{t:R},{0.3 / accUnitMps2:R},{-0.2 / accUnitMps2:R},{az / accUnitMps2:R},{1.0 / gyroUnitDps:R},{gy / gyroUnitDps:R},{-2.0 / gyroUnitDps:R}\n");
        }

        return Write(name, sb.ToString());
    }

    [Fact]
    public void Acceleration_in_g_under_a_header_without_units_is_refused_with_the_fix_named()
    {
        var path = Walking("g.csv", Header, accUnitMps2: 9.80665);
        var e = Fails(path);
        AssertOneLine(e, path, 2, "acc_x");
        Assert.Contains("acc_x[g]", e.Message, StringComparison.Ordinal);
        // Named in the header, the same numbers are read as g.
        var named = Walking("g-named.csv", "time_s,acc_x[g],acc_y[g],acc_z[g],gyr_x,gyr_y,gyr_z", accUnitMps2: 9.80665);
        Assert.InRange(CsvImport.ReadFootFile(named, Foot.Left, null).Samples[^1].AccSensorMps2.Z, 9.7, 9.9);
        // In m/s², walking and standing pass.
        _ = CsvImport.ReadFootFile(Walking("mps2.csv", Header), Foot.Left, null);
        _ = CsvImport.ReadFootFile(Walking("stand.csv", Header, moving: false), Foot.Left, null);
    }

    [Fact]
    public void Angular_rate_in_rad_s_under_a_header_without_units_is_refused_with_the_fix_named()
    {
        var path = Walking("rad.csv", Header, gyroUnitDps: 180 / Math.PI);
        var e = Fails(path);
        AssertOneLine(e, path, 2001, "gyr_x");
        Assert.Contains("gyr_x[rad/s]", e.Message, StringComparison.Ordinal);
        var named = Walking("rad-named.csv", "time_s,acc_x,acc_y,acc_z,gyr_x[rad/s],gyr_y[rad/s],gyr_z[rad/s]", gyroUnitDps: 180 / Math.PI);
        Assert.Equal(-2, CsvImport.ReadFootFile(named, Foot.Left, null).Samples[0].GyroSensorDps.Z, 3);
        // Standing tells nothing about the unit: small rates pass.
        _ = CsvImport.ReadFootFile(Walking("rad-stand.csv", Header, moving: false, gyroUnitDps: 180 / Math.PI), Foot.Left, null);
    }

    [Fact]
    public void Gaitmap_file_given_as_a_foot_file_is_refused()
    {
        var sb = new StringBuilder("sensor");
        foreach (var a in new[] { "acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z" }) sb.Append(",left_sensor,right_sensor");
        sb.Append("\naxis");
        foreach (var a in new[] { "acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z" }) sb.Append(CultureInfo.InvariantCulture, $",{a},{a}");
        sb.Append('\n');
        for (var i = 0; i < 5; i++) sb.Append(CultureInfo.InvariantCulture, $"{i},0,0,0,0,9.8,9.8,0,0,0,0,0,0\n");
        var path = Write("g.csv", sb.ToString());
        Assert.Equal(CsvLayout.GaitmapBothFeet, CsvImport.DetectLayout(path));
        var e = Fails(path);
        AssertOneLine(e, path, 1, null);
        Assert.Contains("both feet", e.Message, StringComparison.Ordinal);
        var (left, right) = CsvImport.ReadGaitmapBothFeet(path);
        Assert.Equal(5, left.Samples.Count);
        Assert.Equal(9.8f, right.Samples[4].AccSensorMps2.Z);
        Assert.Throws<CsvFormatException>(() => CsvImport.ReadGaitmapBothFeet(Uniform("notgm.csv", Header)));
    }

    // ------------------------------------------------------------ the real datasets vendored in tests/data/datasets

    private static string Dataset(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GaitGateway.sln")))
                return Path.GetFullPath(Path.Combine([dir.FullName, "tests", "data", "datasets", .. parts]));
        }

        throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Mean |acc| over the first <paramref name="n"/> samples (the recordings start at rest).</summary>
    private static double RestGravity(IReadOnlyList<ImuSample> s, int n) => s.Take(n).Average(x => x.AccSensorMps2.Length());

    [Fact]
    public void Reads_gaitmap_both_feet()
    {
        var path = Dataset("gaitmap-walk", "imu_sample.csv");
        Assert.Equal(CsvLayout.GaitmapBothFeet, CsvImport.DetectLayout(path));
        var (left, right) = CsvImport.ReadGaitmapBothFeet(path);
        Assert.Equal(204.8, left.SampleRateHz, 6);
        Assert.Equal(7928, left.RowCount);
        Assert.Equal(0, left.DuplicateCount);
        Assert.Equal(left.Samples.Count, right.Samples.Count);
        Assert.Equal(10 / 204.8, left.Samples[10].TimeS, 9);
        Assert.InRange(RestGravity(left.Samples, 100), 9.6, 10.0);
        Assert.InRange(RestGravity(right.Samples, 100), 9.6, 10.0);
        // gaitmap's sensor frame has z up at rest for both feet, as ours does.
        Assert.True(left.Samples[0].AccSensorMps2.Z > 9 && right.Samples[0].AccSensorMps2.Z > 9);
        Assert.Equal(new Vector3(0.8808107f, 2.762208f, 9.40865f), left.Samples[0].AccSensorMps2);
        Assert.Equal(-0.3230373811130934, right.Samples[0].GyroSensorDps.X, 6);
    }

    [Fact]
    public void Reads_xio_short_walk_with_duplicates_at_about_400_Hz()
    {
        var path = Dataset("xio-loop-walk", "short_walk.csv");
        Assert.Equal(CsvLayout.Xio, CsvImport.DetectLayout(path));
        var d = CsvImport.ReadFootFile(path, Foot.Right, null);
        Assert.Equal(CsvLayout.Xio, d.Layout);
        Assert.InRange(d.SampleRateHz, 380, 420);
        Assert.True(d.DuplicateCount > 0, "the x-io export repeats rows");
        Assert.Equal(d.RowCount - d.DuplicateCount, d.Samples.Count);
        Assert.InRange(RestGravity(d.Samples, 200), 9.6, 10.0);
        // First row: Gyroscope X = -0.1428319 deg/s, Accelerometer X = -0.4937814 g.
        Assert.Equal(-0.1428319, d.Samples[0].GyroSensorDps.X, 5);
        Assert.Equal(-0.4937814 * Gravity.StandardMps2, d.Samples[0].AccSensorMps2.X, 4);
        for (var i = 1; i < d.Samples.Count; i++) Assert.True(d.Samples[i].TimeS > d.Samples[i - 1].TimeS);
    }
}
