using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Csv;

/// <summary>What a column measures, for unit checking.</summary>
internal enum Quantity
{
    Time,
    Acceleration,
    AngularRate,
}

/// <summary>Unit names accepted in headers (<c>acc_x [g]</c>, <c>Gyroscope X (deg/s)</c>) and their factor to the
/// gateway's units: s, m/s², °/s. The one place CSV units become SI.</summary>
internal static class CsvUnits
{
    /// <summary>Factor that converts a value in <paramref name="unit"/> to the gateway unit, or null if unknown.</summary>
    public static double? Factor(Quantity q, string unit)
    {
        var u = unit.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        return q switch
        {
            Quantity.Time => u switch
            {
                "S" or "SEC" => 1.0,
                "MS" => 1e-3,
                "US" or "µS" or "ΜS" => 1e-6,
                _ => null,
            },
            Quantity.Acceleration => u switch
            {
                "G" => Gravity.StandardMps2,
                "M/S^2" or "M/S2" or "M/S²" or "MPS2" => 1.0,
                _ => null,
            },
            Quantity.AngularRate => u switch
            {
                "DEG/S" or "DPS" or "°/S" or "DEGREE/S" or "DEGREES/S" => 1.0,
                "RAD/S" => 180.0 / Math.PI,
                _ => null,
            },
            _ => null,
        };
    }

    public static string Accepted(Quantity q) => q switch
    {
        Quantity.Time => "s, ms, us",
        Quantity.Acceleration => "m/s^2, m/s2, m/s², g",
        _ => "deg/s, dps, °/s, rad/s",
    };
}
