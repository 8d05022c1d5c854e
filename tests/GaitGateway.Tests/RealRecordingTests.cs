using System.Globalization;
using System.Text;
using GaitGateway.Evaluation;
using GaitGateway.Pipeline;

namespace GaitGateway.Tests;

/// <summary>
/// Regression guard over every real recording vendored in tests/data/datasets (issue 11): the gaitmap walk against
/// motion capture, both xio loops (end-point closure) and all eight footprints-walk-jog trials (stride length against
/// footprints measured with a ruler), replayed exactly as `gaitgw evaluate` does. No later change may trade one set for
/// another unseen. The whole class replays ~6 min of recordings in a few seconds.
/// </summary>
/// <remarks>
/// Targets met are asserted at the issue's figure and never loosened. Targets not met yet are asserted at the present
/// figure (marked "not met yet: no-regression bound"), so they can only improve; tighten them as fixes land.
/// </remarks>
public sealed class RealRecordingTests
{
    private static string Footprints => Path.Combine(Repo.Datasets, "footprints-walk-jog");

    private static readonly Lazy<Task<FootprintFigures>> FootprintRun = new(() => FootprintEvaluation.EvaluateAsync(Footprints, CancellationToken.None));

    [Fact]
    public async Task Gaitmap_walk_stride_length_events_and_strike_angle_hold_against_motion_capture()
    {
        var dir = Path.Combine(Repo.Datasets, "gaitmap-walk");
        var r = await ReplayJob.RunAsync(new ReplayOptions { CsvFiles = [Path.Combine(dir, "imu_sample.csv")], StorePath = "" }, null, CancellationToken.None);
        var f = GaitmapEvaluation.Evaluate(dir, r.Strides);
        Assert.Equal(f.ReferenceStrides, f.Matched);
        // Issue 11, no regression: gaitmap ≤ 2.1 cm.
        Assert.True(f.StrideLengthMaeM <= 0.021, $"stride length MAE {f.StrideLengthMaeM * 100:F2} cm");
        Assert.True(Math.Abs(f.StrideLengthBiasM) <= 0.015, $"stride length bias {f.StrideLengthBiasM * 100:F2} cm");
        Assert.True(f.StrikeAngleMaeDeg <= 3.0, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
        Assert.True(f.IcMedianAbsErrorS <= 0.020, $"IC median |error| {f.IcMedianAbsErrorS * 1000:F1} ms");
    }

    /// <summary>Issue 11, no regression: the closed walks end where they started within 0.7 % of the path.</summary>
    [Theory]
    [InlineData("short_walk.csv")]
    [InlineData("long_walk.csv")]
    public void Xio_loops_close_within_0_7_percent_of_the_path(string file)
    {
        var f = LoopEvaluation.Evaluate(Path.Combine(Repo.Datasets, "xio-loop-walk", file));
        Assert.True(f.Strides >= 10 && f.PathLengthM > 15, $"{f.Strides} strides, {f.PathLengthM:F1} m");
        Assert.True(f.EndErrorPercent <= 0.7, $"end-point error {f.EndErrorM:F2} m = {f.EndErrorPercent:F2} % of {f.PathLengthM:F1} m");
    }

    [Fact]
    public async Task Footprints_stride_length_walking_and_jogging()
    {
        var f = await FootprintRun.Value;
        Assert.Equal(8, f.Trials.Count);
        // Issue 11 targets, met: walking MAE ≤ 3 cm with |bias| ≤ 1.5 cm, jogging MAE ≤ 2.5 %.
        Assert.True(f.WalkingMaeM <= 0.03, $"walking MAE {f.WalkingMaeM * 100:F2} cm");
        Assert.True(Math.Abs(f.WalkingBiasM) <= 0.015, $"walking bias {f.WalkingBiasM * 100:F2} cm");
        Assert.True(f.JoggingMaePercent <= 2.5, $"jogging MAE {f.JoggingMaePercent:F2} %");
        Assert.Equal(0, f.Merged);
        Assert.Equal(0, f.Unpaired);
    }

    /// <summary>Per trial: strides found ≥ 97 % (issue target, met: the first stride from standing is reported) and no
    /// split or cut-short stride (target 0, met: a quiet moment inside a swing is no stance).</summary>
    [Theory]
    [InlineData("exp31")]
    [InlineData("exp32")]
    [InlineData("exp33")]
    [InlineData("exp34")]
    [InlineData("exp35")]
    [InlineData("exp36")]
    [InlineData("exp42")]
    [InlineData("exp45")]
    public async Task Footprints_every_stride_found_and_no_stance_split(string trial)
    {
        var t = (await FootprintRun.Value).Trials.Single(x => x.Trial == trial);
        Assert.True(t.RecallPercent >= 97, $"{trial}: {t.Found}/{t.ScoredCount} strides found");
        Assert.Equal(0, t.SplitOrCutShort);
        // Issue 11 target: walking MAE ≤ 3 cm in every trial too (met).
        Assert.True(t.WalkingMaeM <= 0.03, $"{trial}: walking MAE {t.WalkingMaeM * 100:F2} cm");
    }

    [Fact]
    public async Task Footprints_first_stride_from_standing_and_last_before_a_stop_are_reported()
    {
        var f = await FootprintRun.Value;
        // Issue 11 target: 8/8 both (met; exp42's first step hovers just above the floor before it lands).
        Assert.Equal(8, f.LastBeforeStopReported);
        Assert.Equal(8, f.FirstFromStandingReported);
    }

    /// <summary>
    /// Very slow walking, from real feet (session 21; issue 11: "very slow walking, ~1.9 s per stride, gives half-length or
    /// dropped strides, and the first stride after standing is missed", in recordings kept back). The six footprint walks
    /// slowed 1.6-fold (<see cref="RealWalkSlowdown"/>: the same foot paths in 1.6 times the time, strides of 1.6–2.1 s),
    /// with their real landings, stance sway and swing shapes. Before: 98.4 % found, exp31 92.6 %, first strides from
    /// standing 3 of 6 (a first step that hovered before it landed cut the stride at the hover, or its segment from the
    /// stand outlasted the longest stride).
    /// </summary>
    [Fact]
    public async Task Footprint_walks_slowed_to_two_second_strides_keep_every_stride_and_the_first_and_last()
    {
        const double factor = 1.6;
        var dir = Repo.TempDir();
        var trials = RealWalkSlowdown.SlowFootprintWalks(Footprints, dir, factor);
        Assert.Equal(["exp31", "exp32", "exp33", "exp36", "exp42", "exp45"], trials);
        var f = await FootprintEvaluation.EvaluateAsync(dir, CancellationToken.None, factor);
        foreach (var t in f.Trials)
        {
            Assert.True(t.RecallPercent >= 97, $"×{factor} {t.Trial}: {t.Found}/{t.ScoredCount} strides found");
            Assert.Equal(0, t.SplitOrCutShort);
            Assert.True(t.FirstFromStandingReported, $"×{factor} {t.Trial}: first stride from standing missed");
            Assert.True(t.LastBeforeStopReported, $"×{factor} {t.Trial}: last stride before the stop missed");
        }

        // Not met yet (3 cm), a no-regression bound: 3.3 cm now, partly the slowing itself (at ×1.3, where every stride
        // is found before and after, 2.4 cm against the walks' own 2.1).
        Assert.True(f.WalkingMaeM <= 0.035, $"×{factor}: walking MAE {f.WalkingMaeM * 100:F2} cm");

        // Strides held back and handed out later (a stride on trial, FootPipeline) still come out in time order, once.
        var r = await ReplayJob.RunAsync(new ReplayOptions { RightCsv = Path.Combine(dir, "exp31_right.csv"), StorePath = "" }, null, CancellationToken.None);
        var ic = r.Strides.Select(s => s.NextIcTimeS).ToList();
        Assert.True(ic.Zip(ic.Skip(1)).All(p => p.Second > p.First), "strides out of order or repeated: " + string.Join(", ", ic.Select(x => x.ToString("F3", CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Slower still (×1.9, 2.0–2.4-s strides), the first step from standing turns at 10–27 °/s for over a second before
    /// anything passes for a swing, and the standing mid-stance was taken inside that step: the foot was zeroed while it
    /// moved (4.8–5.7 m/s by the first landing), and 4 of the 6 first strides from standing were lost (session 22,
    /// <c>SegmentationSettings.StandingStillRateDps</c>). Every one is reported now.
    /// </summary>
    [Fact]
    public async Task Footprint_walks_slowed_below_a_swing_start_their_first_stride_from_where_the_foot_stood()
    {
        const double factor = 1.9;
        var dir = Repo.TempDir();
        RealWalkSlowdown.SlowFootprintWalks(Footprints, dir, factor);
        var f = await FootprintEvaluation.EvaluateAsync(dir, CancellationToken.None, factor);
        var missed = f.Trials.Where(t => !t.FirstFromStandingReported).Select(t => t.Trial).ToList();
        Assert.True(missed.Count == 0, $"×{factor}: first stride from standing missed in {string.Join(", ", missed)}");
    }

    /// <summary>
    /// Other devices' rates (session 10). A 100-Hz part timed by its own clock can read just under 100 Hz (x-io's
    /// nominal 400 Hz reads 398), and such files were refused; a lab's 2-kHz file was refused too. The loops read at a
    /// quarter of their rate (~99.6 Hz, each sample the mean of four) and at five times it (~1990 Hz, interpolated;
    /// the reader averages pairs back to ~995 Hz) still close within the loops' 1 % target (issue 3).
    /// </summary>
    [Theory]
    [InlineData("short_walk.csv", 4, 1)]
    [InlineData("long_walk.csv", 4, 1)]
    [InlineData("short_walk.csv", 1, 5)]
    [InlineData("long_walk.csv", 1, 5)]
    public void Xio_loops_close_within_1_percent_at_other_devices_rates(string file, int down, int up)
    {
        var dir = Repo.TempDir();
        var path = Path.Combine(dir, file);
        Resample(Path.Combine(Repo.Datasets, "xio-loop-walk", file), path, down, up);
        var f = LoopEvaluation.Evaluate(path);
        Assert.True(f.Strides >= 10 && f.PathLengthM > 15, $"{f.Strides} strides, {f.PathLengthM:F1} m");
        Assert.True(f.EndErrorPercent <= 1.0, $"÷{down} ×{up}: end-point error {f.EndErrorM:F2} m = {f.EndErrorPercent:F2} % of {f.PathLengthM:F1} m");
    }

    /// <summary>
    /// The footprint trials (200/250 Hz) read at half their rate (100/125 Hz), a third (66.7/83.3 Hz) and a quarter
    /// (50/62.5 Hz) meet every issue-11 target (found ≥ 97 % in every trial, none split, walking ≤ 3 cm with |bias| ≤
    /// 1.5 cm, jogging ≤ 2.5 %, every first stride from standing). At a quarter a jogging stance (~0.25 s) is a dozen
    /// samples, each a 20-ms mean, and exp35's never looked still enough (least energy 40–45 % of the swing threshold; the
    /// check is 40 %): 6 of its 26 strides were lost and jogging read 9.3 % (at a third: 4 lost, 8.2 %), until a stance
    /// followed by a real swing counted as a stance (session 13, StanceSegmenter.TurningStance).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Footprints_at_a_half_a_third_and_a_quarter_of_the_rate(int down)
    {
        var dir = Repo.TempDir();
        foreach (var fp in Directory.GetFiles(Footprints, "*_footprints.csv"))
        {
            File.Copy(fp, Path.Combine(dir, Path.GetFileName(fp)));
            var right = fp.Replace("_footprints.csv", "_right.csv", StringComparison.Ordinal);
            Resample(right, Path.Combine(dir, Path.GetFileName(right)), down, 1);
        }

        var f = await FootprintEvaluation.EvaluateAsync(dir, CancellationToken.None);
        Assert.Equal(8, f.Trials.Count);
        foreach (var t in f.Trials)
        {
            Assert.Equal(0, t.SplitOrCutShort);
            Assert.True(t.RecallPercent >= 97, $"÷{down} {t.Trial}: {t.Found}/{t.ScoredCount} strides found");
        }

        Assert.True(f.WalkingMaeM <= 0.03, $"÷{down}: walking MAE {f.WalkingMaeM * 100:F2} cm");
        Assert.True(Math.Abs(f.WalkingBiasM) <= 0.015, $"÷{down}: walking bias {f.WalkingBiasM * 100:F2} cm");
        Assert.True(f.JoggingMaePercent <= 2.5, $"÷{down}: jogging MAE {f.JoggingMaePercent:F2} %");
        Assert.Equal(8, f.FirstFromStandingReported);
    }

    /// <summary>
    /// Other gaitmap datasets were recorded at 102.4 Hz in the same two-foot layout, whose time column is a sample
    /// index: read at the sample's 204.8 Hz they would be twice too fast. The gaitmap walk at half its rate (each row
    /// the mean of two, re-indexed), given its rate, is measured against motion capture within the walk's targets.
    /// </summary>
    [Fact]
    public async Task A_gaitmap_layout_file_at_102_Hz_given_its_rate_is_measured_against_motion_capture()
    {
        var dir = Repo.TempDir();
        var source = Path.Combine(Repo.Datasets, "gaitmap-walk");
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        var lines = File.ReadAllLines(Path.Combine(source, "imu_sample.csv"));
        var rows = lines.Skip(2).Where(l => l.Length > 0).Select(l => l.Split(',').Skip(1).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
        var sb = new StringBuilder().Append(lines[0]).Append('\n').Append(lines[1]).Append('\n');
        for (var i = 0; i + 1 < rows.Count; i += 2)
            sb.Append(i / 2).Append(',').AppendJoin(',', rows[i].Select((v, c) => (0.5 * (v + rows[i + 1][c])).ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        var path = Path.Combine(dir, "imu_sample.csv");
        File.WriteAllText(path, sb.ToString());

        var r = await ReplayJob.RunAsync(new ReplayOptions { CsvFiles = [path], StorePath = "", IndexRateHz = 102.4 }, null, CancellationToken.None);
        var f = GaitmapEvaluation.Evaluate(dir, r.Strides);
        Assert.Equal(f.ReferenceStrides, f.Matched);
        Assert.True(f.StrideLengthMaeM <= 0.021, $"stride length MAE {f.StrideLengthMaeM * 100:F2} cm");
        Assert.True(f.StrikeAngleMaeDeg <= 3.0, $"strike angle MAE {f.StrikeAngleMaeDeg:F2}°");
        Assert.True(f.IcMedianAbsErrorS <= 0.020, $"IC median |error| {f.IcMedianAbsErrorS * 1000:F1} ms");
    }

    /// <summary>Writes <paramref name="src"/> (a header, then rows of numbers with the time first) at
    /// 1/<paramref name="down"/> of its rate, each row the mean of <paramref name="down"/> rows (a part's own
    /// moving-average decimation), or at <paramref name="up"/> times it, interpolated linearly.</summary>
    private static void Resample(string src, string dst, int down, int up)
    {
        var lines = File.ReadAllLines(src);
        var rows = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
        var sb = new StringBuilder(lines[0]).Append('\n');
        void Row(IEnumerable<double> values) =>
            sb.AppendJoin(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        for (var i = 0; i + down <= rows.Count; i += down)
        {
            if (up == 1)
            {
                var group = rows.Skip(i).Take(down).ToList();
                Row(Enumerable.Range(0, rows[i].Length).Select(c => group.Average(r => r[c])));
                continue;
            }

            if (i + 1 >= rows.Count) break;
            for (var k = 0; k < up; k++)
            {
                var (a, b, w) = (rows[i], rows[i + 1], (double)k / up);
                Row(a.Select((v, c) => v + ((b[c] - v) * w)));
            }
        }

        File.WriteAllText(dst, sb.ToString());
    }
}
