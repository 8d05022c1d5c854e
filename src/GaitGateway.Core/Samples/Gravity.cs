namespace GaitGateway.Core.Samples;

public static class Gravity
{
    /// <summary>Standard gravity, m/s² (CGPM 1901). Used to convert g to m/s² everywhere.</summary>
    public const double StandardMps2 = 9.80665;
}
