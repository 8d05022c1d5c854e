using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Evaluation;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Tests;

/// <summary>
/// A CSV whose gyroscope does not use its accelerometer's axes (session 10): a left-handed export, or gaitmap's foot
/// body frame, which its authors call "not right handed". As given, such files were measured as nonsense (the mirrored
/// footprint trials: 13 of 417 strides; gaitmap's body frame: 4 of 57). <see cref="GyroFrameCheck"/> finds the
/// relabelling from the real recordings themselves, and every good file is left as it is.
/// </summary>
public sealed class GyroFrameTests
{
    private static string Datasets => Repo.Datasets;

    public static TheoryData<string> RealFeet => new()
    {
        "footprints-walk-jog/exp31_right.csv", "footprints-walk-jog/exp32_right.csv", "footprints-walk-jog/exp33_right.csv",
        "footprints-walk-jog/exp34_right.csv", "footprints-walk-jog/exp35_right.csv", "footprints-walk-jog/exp36_right.csv",
        "footprints-walk-jog/exp42_right.csv", "footprints-walk-jog/exp45_right.csv",
        "xio-loop-walk/short_walk.csv", "xio-loop-walk/long_walk.csv", "gaitmap-walk/imu_sample.csv left", "gaitmap-walk/imu_sample.csv right",
    };

    /// <summary>Every shared real foot keeps its gyroscope as given: no good file is ever relabelled.</summary>
    [Theory]
    [MemberData(nameof(RealFeet))]
    public void Every_real_recording_keeps_its_gyroscope_as_given(string foot)
    {
        var v = GyroFrameCheck.Check(Samples(foot));
        Assert.True(v.Segments >= 5, $"{foot}: {v.Segments} still-to-still motions");
        Assert.True(v.Remap.IsIdentity, $"{foot}: relabelled {v.Remap} ({v.GivenResidualMps:F2} → {v.BestResidualMps:F2} m/s)");
    }

    /// <summary>A left-handed export mirrors one axis of both sensors; the gyroscope then turns the accelerometer's frame
    /// backwards, and read as given every real foot ends its strides at 4–8 m/s instead of 0.3–1.3. Found on all 12.</summary>
    [Theory]
    [MemberData(nameof(RealFeet))]
    public void A_mirrored_export_is_found_on_every_real_foot(string foot)
    {
        var mirrored = Samples(foot).Select(s => s with
        {
            AccSensorMps2 = s.AccSensorMps2 with { Y = -s.AccSensorMps2.Y },
            GyroSensorDps = s.GyroSensorDps with { Y = -s.GyroSensorDps.Y },
        }).ToList();
        var v = GyroFrameCheck.Check(mirrored);
        Assert.Equal("x=-x,y=-y,z=-z", v.Remap.ToString());
    }

    /// <summary>The mirrored footprint trials, replayed as `gaitgw evaluate` does, meet every issue-11 target as the
    /// originals do.</summary>
    [Fact]
    public async Task The_mirrored_footprint_trials_are_measured_as_the_originals()
    {
        var dir = Repo.TempDir();
        var source = Path.Combine(Datasets, "footprints-walk-jog");
        foreach (var fp in Directory.GetFiles(source, "*_footprints.csv"))
        {
            File.Copy(fp, Path.Combine(dir, Path.GetFileName(fp)));
            var right = fp.Replace("_footprints.csv", "_right.csv", StringComparison.Ordinal);
            Negate(right, Path.Combine(dir, Path.GetFileName(right)), headerRows: 1, columns: [2, 5]); // acc_y, gyr_y
        }

        var f = await FootprintEvaluation.EvaluateAsync(dir, CancellationToken.None);
        foreach (var t in f.Trials)
        {
            Assert.True(t.RecallPercent >= 97, $"{t.Trial}: {t.Found}/{t.ScoredCount} strides found");
            Assert.Equal(0, t.SplitOrCutShort);
        }

        Assert.True(f.WalkingMaeM <= 0.03, $"walking MAE {f.WalkingMaeM * 100:F2} cm");
        Assert.True(Math.Abs(f.WalkingBiasM) <= 0.015, $"walking bias {f.WalkingBiasM * 100:F2} cm");
        Assert.True(f.JoggingMaePercent <= 2.5, $"jogging MAE {f.JoggingMaePercent:F2} %");
    }

    /// <summary>
    /// The gaitmap walk in gaitmap's own foot body frame (its FSF_FBF_CONVERSION_LEFT/RIGHT signs, columns kept in
    /// the file's order), replayed and scored against motion capture as the original is: the same targets.
    /// </summary>
    [Fact]
    public async Task Gaitmaps_body_frame_is_measured_against_motion_capture_as_its_sensor_frame_is()
    {
        var dir = Repo.TempDir();
        var source = Path.Combine(Datasets, "gaitmap-walk");
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        // Columns after the index: L acc_x, R acc_x, L acc_y, R acc_y, L acc_z, R acc_z, L gyr_x, R gyr_x, … R gyr_z.
        // Left: acc (x, y, −z), gyro (−x, −y, −z); right: acc (x, −y, −z), gyro (x, −y, z).
        Negate(Path.Combine(source, "imu_sample.csv"), Path.Combine(dir, "imu_sample.csv"), headerRows: 2, columns: [5, 7, 9, 11, 4, 6, 10]);
        var r = await ReplayJob.RunAsync(new ReplayOptions { CsvFiles = [Path.Combine(dir, "imu_sample.csv")], StorePath = "" }, null, CancellationToken.None);
        Assert.NotNull(r.Warning);
        Assert.Contains("read as x=x,y=y,z=-z", r.Warning, StringComparison.Ordinal);
        var f = GaitmapEvaluation.Evaluate(dir, r.Strides);
        Assert.Equal(f.ReferenceStrides, f.Matched);
        Assert.True(f.StrideLengthMaeM <= 0.021, $"stride length MAE {f.StrideLengthMaeM * 100:F2} cm");
        Assert.True(f.StrikeAngleMaeDeg <= 3.0, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
    }

    internal static IReadOnlyList<ImuSample> Samples(string foot)
    {
        var parts = foot.Split(' ');
        var path = Path.Combine(Datasets, parts[0]);
        if (parts.Length == 1) return CsvImport.ReadFootFile(path, Foot.Right).Samples;
        var both = CsvImport.ReadGaitmapBothFeet(path);
        return parts[1] == "left" ? both.Left.Samples : both.Right.Samples;
    }

    /// <summary>Copies a CSV with the given columns (0 = the first) negated below its header rows.</summary>
    private static void Negate(string src, string dst, int headerRows, int[] columns)
    {
        var lines = File.ReadAllLines(src);
        for (var i = headerRows; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            foreach (var c in columns)
                cells[c] = (-double.Parse(cells[c], CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture);
            lines[i] = string.Join(',', cells);
        }

        File.WriteAllLines(dst, lines);
    }
}
