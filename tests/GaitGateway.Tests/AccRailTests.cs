using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Pipeline;

namespace GaitGateway.Tests;

/// <summary>
/// A CSV carries no accelerometer range, so a clipped landing could not be told from a hard one unless
/// <c>--acc-range-g</c> gave it (session 11). <see cref="AccRailCheck"/> reads the rail from the samples held at it; it
/// must never find one in a recording that did not clip.
/// </summary>
public sealed class AccRailTests
{
    public static TheoryData<string> RealFeet => GyroFrameTests.RealFeet;

    /// <summary>No shared real foot holds a rail: its extremes are each reached once (72 axes and sides).</summary>
    [Theory]
    [MemberData(nameof(RealFeet))]
    public void No_real_recording_is_read_as_clipping(string foot)
    {
        var rail = AccRailCheck.Find(GyroFrameTests.Samples(foot));
        Assert.False(rail.Found, $"{foot}: rail at {rail.FullScaleMps2 / Gravity.StandardMps2:F2} g ({rail.Visits} visits, {rail.Axes})");
    }

    /// <summary>The real jogging trial with most jogging strides (exp35, 14), clipped at ±6 g as a file clips (values
    /// held at the rail), is found to clip at 6 g, and the replay says so. (exp34, with 4 jogging strides, reaches 6 g
    /// three times: too few to call it a rail.)</summary>
    [Fact]
    public async Task Real_jogging_clipped_at_6_g_is_found_to_clip_at_6_g()
    {
        const string trial = "exp35";
        var railMps2 = 6 * Gravity.StandardMps2;
        var source = Path.Combine(Repo.Datasets, "footprints-walk-jog", trial + "_right.csv");
        var path = Path.Combine(Repo.TempDir(), trial + "_right.csv");
        var lines = File.ReadAllLines(source);
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            for (var c = 1; c <= 3; c++)
            {
                var v = Math.Clamp(double.Parse(cells[c], CultureInfo.InvariantCulture), -railMps2, railMps2);
                cells[c] = v.ToString("F5", CultureInfo.InvariantCulture);
            }

            lines[i] = string.Join(',', cells);
        }

        File.WriteAllLines(path, lines);
        var rail = AccRailCheck.Find(Sensors.Csv.CsvImport.ReadFootFile(path, Foot.Right).Samples);
        Assert.True(rail.Found, $"{trial}: no rail found");
        Assert.Equal(railMps2, rail.FullScaleMps2, 0.001 * railMps2);
        var r = await ReplayJob.RunAsync(new ReplayOptions { RightCsv = path, StorePath = "" }, null, CancellationToken.None);
        Assert.Contains("holds a rail at 6 g", r.Warning ?? "", StringComparison.Ordinal);
        Assert.Contains(r.Strides, s => (s.Flags & Core.Strides.StrideFlags.AccClipped) != 0);
    }
}
