using System.Globalization;

namespace GaitGateway.Coaching.Load;

/// <summary>One run of the NHS Couch to 5K plan.</summary>
/// <param name="Week">1..9.</param>
/// <param name="Run">1..3.</param>
/// <param name="LongestRunMin">Longest continuous run, minutes.</param>
/// <param name="TotalRunMin">Running time of the whole session (the 5-minute walk and walk breaks excluded), minutes.</param>
/// <param name="Intervals">The intervals as REFERENCES.md writes them.</param>
public sealed record C25kRun(int Week, int Run, double LongestRunMin, double TotalRunMin, string Intervals)
{
    /// <summary>"W6R2".</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"W{Week}R{Run}");
}

/// <summary>
/// The NHS Couch to 5K plan (REFERENCES.md table; nine weeks, three runs a week, each after a 5-minute brisk walk).
/// Weeks 1–4 and 7–9 repeat the same run three times. Week 1 repeats 1 r / 1.5 w for 20 min = 8 runs; week 2
/// 1.5 r / 2 w for 20 min ≈ 6 runs (as the simulator's plans do).
/// </summary>
public static class C25kPlan
{
    private static readonly C25kRun[] Runs = Build();

    public static IReadOnlyList<C25kRun> All => Runs;

    /// <summary>The run of week 1..9, run 1..3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside the plan.</exception>
    public static C25kRun Get(int week, int run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(week, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(week, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(run, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(run, 3);
        return Runs[((week - 1) * 3) + run - 1];
    }

    /// <summary>The run before this one in the plan; null for W1R1.</summary>
    public static C25kRun? Previous(C25kRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var i = ((run.Week - 1) * 3) + run.Run - 1;
        return i == 0 ? null : Runs[i - 1];
    }

    /// <summary>Parses plan names such as "c25k-w6r2" (the simulator's and the store's plan names) or "W6R2".</summary>
    public static bool TryParse(string? plan, out C25kRun? run)
    {
        run = null;
        if (string.IsNullOrWhiteSpace(plan)) return false;
        var s = plan.Trim().ToUpperInvariant();
        if (s.StartsWith("C25K", StringComparison.Ordinal)) s = s[4..].TrimStart('-', '_', ' ');
        if (s.Length < 4 || s[0] != 'W') return false;
        var r = s.IndexOf('R', StringComparison.Ordinal);
        if (r < 2 || !int.TryParse(s[1..r], NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || !int.TryParse(s[(r + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || week is < 1 or > 9 || n is < 1 or > 3) return false;
        run = Get(week, n);
        return true;
    }

    private static C25kRun[] Build()
    {
        var list = new List<C25kRun>();
        void Same(int week, double longest, double total, string text)
        {
            for (var r = 1; r <= 3; r++) list.Add(new C25kRun(week, r, longest, total, text));
        }

        Same(1, 1, 8, "1 r / 1.5 w, repeated for 20 min");
        Same(2, 1.5, 9, "1.5 r / 2 w, repeated for 20 min");
        Same(3, 3, 9, "2 × (1.5 r, 1.5 w, 3 r, 3 w)");
        Same(4, 5, 16, "3 r, 1.5 w, 5 r, 2.5 w, 3 r, 1.5 w, 5 r");
        list.Add(new C25kRun(5, 1, 5, 15, "5 r, 3 w, 5 r, 3 w, 5 r"));
        list.Add(new C25kRun(5, 2, 8, 16, "8 r, 5 w, 8 r"));
        list.Add(new C25kRun(5, 3, 20, 20, "20 r"));
        list.Add(new C25kRun(6, 1, 8, 18, "5 r, 3 w, 8 r, 3 w, 5 r"));
        list.Add(new C25kRun(6, 2, 10, 20, "10 r, 3 w, 10 r"));
        list.Add(new C25kRun(6, 3, 25, 25, "25 r"));
        Same(7, 25, 25, "25 min continuous");
        Same(8, 28, 28, "28 min continuous");
        Same(9, 30, 30, "30 min continuous");
        return [.. list];
    }
}
