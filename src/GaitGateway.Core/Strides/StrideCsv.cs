using System.Globalization;
using System.Text;
using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Strides;

/// <summary>
/// The <c>replay --export</c> CSV. The header is a public contract: other tools depend on it, so it never changes
/// shape; new values go to other files.
/// </summary>
public static class StrideCsv
{
    public const string Header =
        "foot,ic_time_s,to_time_s,stride_time_s,stride_length_m,speed_mps,contact_time_s,flight_time_s,strike_angle_deg,strike_pattern,cadence_spm,overstride,calf_load";

    public static string PatternWord(StrikePattern p) => p switch
    {
        StrikePattern.Rearfoot => "rearfoot",
        StrikePattern.Midfoot => "midfoot",
        StrikePattern.Forefoot => "forefoot",
        _ => "",
    };

    public static StrikePattern ParsePattern(string word) => word.Trim().ToUpperInvariant() switch
    {
        "REARFOOT" => StrikePattern.Rearfoot,
        "MIDFOOT" => StrikePattern.Midfoot,
        "FOREFOOT" => StrikePattern.Forefoot,
        _ => StrikePattern.Unknown,
    };

    public static string FormatRow(in StrideMetrics s)
    {
        var b = new StringBuilder(160);
        b.Append(s.Foot.ToWord()).Append(',');
        Num(b, s.IcTimeS, "F4"); Num(b, s.ToTimeS, "F4"); Num(b, s.StrideTimeS, "F4"); Num(b, s.StrideLengthM, "F3");
        Num(b, s.SpeedMps, "F3"); Num(b, s.ContactTimeS, "F4"); Num(b, s.FlightTimeS, "F4"); Num(b, s.StrikeAngleDeg, "F2");
        b.Append(PatternWord(s.StrikePattern)).Append(',');
        Num(b, s.CadenceSpm, "F2");
        b.Append(s.Overstride ? '1' : '0').Append(',');
        if (double.IsFinite(s.CalfLoad)) b.Append(s.CalfLoad.ToString("F3", CultureInfo.InvariantCulture));
        return b.ToString();
    }

    private static void Num(StringBuilder b, double v, string format)
    {
        if (double.IsFinite(v)) b.Append(v.ToString(format, CultureInfo.InvariantCulture));
        b.Append(',');
    }
}
