using System.Globalization;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Reports;

/// <summary>
/// Plain-text output of <c>gaitgw sessions</c> and <c>gaitgw report &lt;session&gt;</c>. Fixed-width columns,
/// invariant culture, units in the headers, "-" for no value; lines end with '\n'.
/// </summary>
public static class SessionReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] SessionListHeader = ["id", "runner", "start (UTC)", "duration", "strides", "distance (km)"];

    private static readonly string[] BoutHeader =
    [
        "#", "gait", "start", "duration", "strides", "cadence (spm)", "stride (m)", "speed (m/s)", "distance (m)",
        "contact (ms)", "strike", "overstride (%)", "calf load",
    ];

    /// <summary>The session list of <c>gaitgw sessions</c>.</summary>
    public static string Sessions(SqliteStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return FormatSessionList(store.ListSessions());
    }

    /// <summary>The report of <c>gaitgw report &lt;session&gt;</c>; <see cref="StoreException"/> when there is no such session.</summary>
    public static string Report(SqliteStore store, long sessionId)
    {
        ArgumentNullException.ThrowIfNull(store);
        var session = store.GetSession(sessionId) ?? throw new StoreException($"no session {sessionId}; 'gaitgw sessions' lists them");
        return FormatSession(session, store.GetBouts(sessionId), store.GetStrides(sessionId), store.GetAlerts(sessionId));
    }

    public static string FormatSessionList(IReadOnlyList<StoredSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0) return "no sessions\n";
        var rows = new List<string[]> { SessionListHeader };
        foreach (var s in sessions)
        {
            rows.Add([
                s.Id.ToString(Inv),
                s.Runner,
                s.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Inv),
                Duration(s.Duration) + (s.EndedUtc is null ? "+" : ""),
                s.StrideCount.ToString(Inv),
                (s.DistanceM / 1000).ToString("F2", Inv),
            ]);
        }
        var text = Table(rows, rightAligned: [true, false, false, true, true, true]);
        return sessions.Any(s => s.EndedUtc is null)
            ? text + "+ not ended (open or interrupted): duration up to the last stride\n"
            : text;
    }

    public static string FormatSession(
        StoredSession session,
        IReadOnlyList<BoutSummary> bouts,
        IReadOnlyList<StrideMetrics> strides,
        IReadOnlyList<AlertRecord> alerts)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bouts);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(alerts);
        var b = new StringBuilder();
        b.Append(Inv, $"Session {session.Id}: {session.Name} ({session.Runner})\n");
        b.Append(Inv, $"  started   {session.StartedUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\n");
        b.Append("  ended     ")
            .Append(session.EndedUtc is { } end
                ? end.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv) + " UTC"
                : "not ended (open or interrupted)")
            .Append(Inv, $", duration {Duration(session.Duration)}\n");
        b.Append(Inv, $"  source    {session.Source}");
        if (session.Plan is { } plan) b.Append(Inv, $", plan {plan}");
        b.Append('\n');
        if (session.RecordingPath is { } rec) b.Append(Inv, $"  recording {rec}\n");
        foreach (var s in session.Sensors)
        {
            b.Append(Inv, $"  sensor {s.Index}  {s.Foot.ToWord(),-5} {s.Id} ({s.Kind}");
            if (s.Firmware is { } fw) b.Append(Inv, $", firmware {fw}");
            if (double.IsFinite(s.BatteryPct)) b.Append(Inv, $", battery {s.BatteryPct:F0} %");
            if (double.IsFinite(s.SampleRateHz)) b.Append(Inv, $", {s.SampleRateHz:F0} Hz");
            b.Append(")\n");
        }

        b.Append("\nBouts\n");
        if (bouts.Count == 0)
        {
            b.Append("  none\n");
        }
        else
        {
            var rows = new List<string[]> { BoutHeader };
            for (var i = 0; i < bouts.Count; i++)
            {
                var o = bouts[i];
                rows.Add([
                    (i + 1).ToString(Inv), SqliteStore.GaitWord(o.Gait) ?? "-", Duration(TimeSpan.FromSeconds(o.StartTimeS)),
                    Duration(TimeSpan.FromSeconds(o.DurationS)), o.Strides.ToString(Inv), Num(o.CadenceSpm, "F0"),
                    Num(o.StrideLengthM, "F2"), Num(o.SpeedMps, "F2"), Num(o.DistanceM, "F0"), Num(o.ContactTimeS * 1000, "F0"),
                    StrideCsv.PatternWord(o.StrikePattern) is { Length: > 0 } w ? w : "-", Num(o.OverstrideFraction * 100, "F0"),
                    Num(o.CalfLoad, "F1"),
                ]);
            }
            b.Append(Table(rows, [true, false, true, true, true, true, true, true, true, true, false, true, true], indent: "  "));
        }

        b.Append("\nTotals\n");
        var left = strides.Count(s => s.Foot == Foot.Left);
        b.Append(Inv, $"  strides        {strides.Count} (left {left}, right {strides.Count - left})\n");
        b.Append(Inv, $"  distance       {session.DistanceM / 1000:F2} km\n");
        var walk = bouts.Where(o => o.Gait == Gait.Walk).Sum(o => o.DurationS);
        var run = bouts.Where(o => o.Gait == Gait.Run).Sum(o => o.DurationS);
        if (bouts.Count > 0)
            b.Append(Inv, $"  walk / run     {Duration(TimeSpan.FromSeconds(walk))} / {Duration(TimeSpan.FromSeconds(run))}\n");
        b.Append(Inv, $"  cadence        {Num(Mean(strides, s => s.CadenceSpm), "F0")} spm (mean)\n");
        b.Append(Inv, $"  speed          {Num(Mean(strides, s => s.SpeedMps), "F2")} m/s (mean)\n");
        b.Append(Inv, $"  contact time   {Num(Mean(strides, s => s.ContactTimeS) * 1000, "F0")} ms (mean)\n");
        var overstride = strides.Count == 0 ? double.NaN : 100.0 * strides.Count(s => s.Overstride) / strides.Count;
        b.Append(Inv, $"  overstride     {Num(overstride, "F0")} % of strides\n");
        var calf = strides.Where(s => double.IsFinite(s.CalfLoad)).Sum(s => s.CalfLoad);
        b.Append(Inv, $"  calf load      {calf:F1} (sum)\n");
        b.Append(Inv, $"  alerts         {alerts.Count}\n");
        if (alerts.Count > 0)
        {
            // Each alert explains itself: the runner's words, then the coach's (issue 12).
            b.Append("\nAlerts\n");
            foreach (var a in alerts)
            {
                b.Append(Inv, $"  {Duration(TimeSpan.FromSeconds(a.TimeS))}  {a.Kind}  {a.Message}\n");
                if (a.Detail is { Length: > 0 } d) b.Append(Inv, $"        coach: {d}\n");
            }
        }

        return b.ToString();
    }

    private static double Mean(IReadOnlyList<StrideMetrics> strides, Func<StrideMetrics, double> value)
    {
        double sum = 0;
        var n = 0;
        foreach (var s in strides)
        {
            var v = value(s);
            if (!double.IsFinite(v)) continue;
            sum += v;
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    private static string Num(double v, string format) => double.IsFinite(v) ? v.ToString(format, Inv) : "-";

    /// <summary>h:mm:ss (hours unbounded, so a 26 h session reads 26:00:00).</summary>
    private static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        return string.Create(Inv, $"{(long)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}");
    }

    private static string Table(List<string[]> rows, bool[] rightAligned, string indent = "")
    {
        var widths = new int[rows[0].Length];
        foreach (var r in rows)
            for (var i = 0; i < r.Length; i++) widths[i] = Math.Max(widths[i], r[i].Length);
        var b = new StringBuilder();
        foreach (var r in rows)
        {
            b.Append(indent);
            for (var i = 0; i < r.Length; i++)
            {
                if (i > 0) b.Append("  ");
                b.Append(rightAligned[i] ? r[i].PadLeft(widths[i]) : r[i].PadRight(widths[i]));
            }
            // No trailing blanks: golden-file comparisons and terminals both prefer that.
            while (b.Length > 0 && b[^1] == ' ') b.Length--;
            b.Append('\n');
        }
        return b.ToString();
    }
}
