using MathNet.Numerics.Statistics;

namespace GaitGateway.Evaluation;

/// <summary>Error summaries used by `gaitgw evaluate` (MathNet.Numerics statistics over the finite values).</summary>
public static class Stats
{
    public static double Mean(IEnumerable<double> v) => Finite(v) is { Length: > 0 } a ? a.Mean() : double.NaN;

    public static double MeanAbs(IEnumerable<double> v) => Mean(v.Select(Math.Abs));

    public static double Median(IEnumerable<double> v) => Finite(v) is { Length: > 0 } a ? a.Median() : double.NaN;

    /// <summary>Empirical quantile (R type 7, the common default), e.g. 0.99 for the p99.</summary>
    public static double Quantile(IEnumerable<double> v, double tau) => Finite(v) is { Length: > 0 } a ? a.Quantile(tau) : double.NaN;

    private static double[] Finite(IEnumerable<double> v) => v.Where(double.IsFinite).ToArray();
}
