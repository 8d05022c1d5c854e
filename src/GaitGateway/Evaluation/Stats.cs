namespace GaitGateway.Evaluation;

/// <summary>Error summaries used by `gaitgw evaluate`.</summary>
public static class Stats
{
    public static double Mean(IEnumerable<double> v) { var a = v.Where(double.IsFinite).ToArray(); return a.Length == 0 ? double.NaN : a.Average(); }
    public static double MeanAbs(IEnumerable<double> v) => Mean(v.Select(Math.Abs));
    public static double Median(IEnumerable<double> v)
    {
        var a = v.Where(double.IsFinite).OrderBy(x => x).ToArray();
        if (a.Length == 0) return double.NaN;
        return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[(a.Length / 2) - 1] + a[a.Length / 2]);
    }
}
