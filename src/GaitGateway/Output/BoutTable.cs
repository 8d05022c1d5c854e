using System.Globalization;
using GaitGateway.Core.Strides;
using Spectre.Console;

namespace GaitGateway.Output;

/// <summary>The per-bout table printed after a replay: the walk/run intervals of the session.</summary>
public static class BoutTable
{
    public static Table Build(IReadOnlyList<BoutSummary> bouts)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "#", "gait", "start", "duration", "strides", "cadence [spm]", "stride [m]", "speed [m/s]", "pace [min/km]", "contact [ms]", "strike [°]", "pattern", "overstride", "calf load" })
            table.AddColumn(new TableColumn(new Text(h)).RightAligned());
        var i = 1;
        foreach (var b in bouts)
        {
            table.AddRow(
                (i++).ToString(CultureInfo.InvariantCulture),
                b.Gait == Gait.Run ? "run" : b.Gait == Gait.Walk ? "walk" : "?",
                Clock(b.StartTimeS),
                Clock(b.DurationS),
                b.Strides.ToString(CultureInfo.InvariantCulture),
                F(b.CadenceSpm, "F0"),
                F(b.StrideLengthM, "F2"),
                F(b.SpeedMps, "F2"),
                Pace(b.SpeedMps),
                F(b.ContactTimeS * 1000, "F0"),
                F(b.StrikeAngleDeg, "F1"),
                StrideCsv.PatternWord(b.StrikePattern),
                b.OverstrideFraction > 0 ? (b.OverstrideFraction * 100).ToString("F0", CultureInfo.InvariantCulture) + " %" : "-",
                F(b.CalfLoad, "F0"));
        }

        return table;
    }

    /// <summary>m:ss or h:mm:ss; beyond a year (a time no session has, but a file may claim) plain seconds, which
    /// cannot overflow <see cref="TimeSpan"/>.</summary>
    public static string Clock(double s) =>
        !double.IsFinite(s) ? ""
        : Math.Abs(s) >= 365 * 86400.0 ? s.ToString("0 's'", CultureInfo.InvariantCulture)
        : TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    public static string Pace(double speedMps) =>
        speedMps > 0.3 ? TimeSpan.FromSeconds(Math.Round(1000 / speedMps)).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "";

    private static string F(double v, string fmt) => double.IsFinite(v) ? v.ToString(fmt, CultureInfo.InvariantCulture) : "";
}
