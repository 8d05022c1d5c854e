using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Load;

/// <summary>The load of one session, from its bouts.</summary>
/// <param name="SessionId">The store's id (or any caller id).</param>
/// <param name="StartedUtc">Session start.</param>
/// <param name="RunningTimeS">Sum of running bouts, s.</param>
/// <param name="LongestRunS">Longest continuous running bout, s.</param>
/// <param name="CalfLoad">Sum of calf load over all bouts (walking included: it is small but real), Dsp calf-load units.</param>
/// <param name="RunningDistanceM">Distance of the running bouts, m.</param>
/// <param name="Plan">Training plan name (e.g. "c25k-w6r2"), if any.</param>
public sealed record SessionLoad(
    long SessionId,
    DateTimeOffset StartedUtc,
    double RunningTimeS,
    double LongestRunS,
    double CalfLoad,
    double RunningDistanceM,
    string? Plan = null)
{
    public static SessionLoad FromBouts(long sessionId, DateTimeOffset startedUtc, IEnumerable<BoutSummary> bouts, string? plan = null)
    {
        ArgumentNullException.ThrowIfNull(bouts);
        double running = 0, longest = 0, calf = 0, distance = 0;
        foreach (var b in bouts)
        {
            if (double.IsFinite(b.CalfLoad)) calf += b.CalfLoad;
            if (b.Gait != Gait.Run || !(b.DurationS > 0)) continue;
            running += b.DurationS;
            longest = Math.Max(longest, b.DurationS);
            if (double.IsFinite(b.DistanceM)) distance += b.DistanceM;
        }

        return new SessionLoad(sessionId, startedUtc, running, longest, calf, distance, plan);
    }
}

/// <summary>Session spike bands of Frandsen 2025 (BJSM 59:1203; 5,205 runners, 588,071 sessions): a session's value
/// relative to the largest of the previous 30 days.</summary>
public enum SpikeBand : byte
{
    /// <summary>At most +10 % (or nothing to compare with).</summary>
    None = 0,
    /// <summary>&gt; 10–30 % above: injury hazard ratio 1.64.</summary>
    Small = 1,
    /// <summary>&gt; 30–100 % above: HR 1.52.</summary>
    Moderate = 2,
    /// <summary>&gt; 100 % above: HR 2.28.</summary>
    Large = 3,
}

public static class SpikeBands
{
    public static string ToWord(this SpikeBand band) => band switch
    {
        SpikeBand.Small => "10-30%",
        SpikeBand.Moderate => "30-100%",
        SpikeBand.Large => ">100%",
        _ => "none",
    };

    /// <summary>Injury hazard ratio Frandsen 2025 reports for the band; 1 for none.</summary>
    public static double HazardRatio(this SpikeBand band) => band switch
    {
        SpikeBand.Small => 1.64,
        SpikeBand.Moderate => 1.52,
        SpikeBand.Large => 2.28,
        _ => 1.0,
    };
}

/// <summary>One measure of a session compared with the largest of the previous window.</summary>
/// <param name="Measurement">"longest_run_s" or "calf_load".</param>
/// <param name="Value">The session's value.</param>
/// <param name="Reference">Largest value of the sessions in the previous window; NaN when there were none.</param>
/// <param name="IncreasePct">(Value / Reference − 1) × 100; NaN without a reference.</param>
public readonly record struct SpikeCheck(string Measurement, double Value, double Reference, double IncreasePct, SpikeBand Band);

/// <summary>A session with its spike checks.</summary>
public sealed record SessionSpike(SessionLoad Session, SpikeCheck LongestRun, SpikeCheck CalfLoad)
{
    /// <summary>The higher of the two bands.</summary>
    public SpikeBand Band => (SpikeBand)Math.Max((byte)LongestRun.Band, (byte)CalfLoad.Band);
}

/// <summary>One calendar week (Monday start) of a runner.</summary>
/// <param name="WeekStart">Monday of the week, in <see cref="LoadHistorySettings.UtcOffset"/> local time.</param>
/// <param name="RunningChangePct">Running time vs the previous calendar week, %; NaN when that week had none.</param>
/// <param name="CalfLoadChangePct">Calf load vs the previous calendar week, %; NaN when that week had none.</param>
/// <param name="FastIncrease">Running time or calf load rose by more than <see cref="LoadHistorySettings.WeeklyIncreasePct"/>.</param>
/// <param name="MaxSpike">Highest spike band of the week's sessions.</param>
public sealed record WeekLoad(
    DateOnly WeekStart,
    int Sessions,
    double RunningTimeS,
    double LongestRunS,
    double CalfLoad,
    double RunningDistanceM,
    double RunningChangePct,
    double CalfLoadChangePct,
    bool FastIncrease,
    SpikeBand MaxSpike);

/// <summary>Settings of <see cref="LoadHistory"/>.</summary>
public sealed record LoadHistorySettings
{
    /// <summary>Look-back window for the spike reference, days. Default 30 (Frandsen 2025).</summary>
    public double WindowDays { get; init; } = 30;

    /// <summary>Band edges, % above the reference. Defaults 10 / 30 / 100 (Frandsen 2025).</summary>
    public double SmallSpikePct { get; init; } = 10;

    public double ModerateSpikePct { get; init; } = 30;

    public double LargeSpikePct { get; init; } = 100;

    /// <summary>Week-over-week increase flagged as fast, %. Default 30 %: weekly increases &gt; 30 % over two weeks
    /// carried HR 1.59 for distance-related injuries in novices (Nielsen 2014, JOSPT); the "10 % rule" did not
    /// reduce injuries (Buist 2008, AJSM 36:33), so 10 % is not used.</summary>
    public double WeeklyIncreasePct { get; init; } = 30;

    /// <summary>The runner's offset from UTC for calendar weeks. Default zero (UTC).</summary>
    public TimeSpan UtcOffset { get; init; } = TimeSpan.Zero;

    /// <summary>A plan step's longest run may be exceeded by this much before the session counts as ahead of the
    /// plan, %. Default 10 %: the lower edge of Frandsen's first spike band.</summary>
    public double PlanTolerancePct { get; init; } = 10;
}

/// <summary>A session compared with its Couch-to-5K plan run.</summary>
/// <param name="Planned">The plan's run (week/run).</param>
/// <param name="PreviousPlanned">The plan's previous run; null for W1R1.</param>
/// <param name="ActualLongestRunS">The session's longest continuous run, s.</param>
/// <param name="ActualRunningTimeS">The session's running time, s.</param>
/// <param name="PlanRisePct">Plan's longest run vs its previous run's, %.</param>
/// <param name="ActualRisePct">Session's longest run vs the longest of the previous 30 days, %; NaN without history.</param>
/// <param name="LongestAbovePlan">The longest run exceeds the plan's by more than the tolerance.</param>
/// <param name="RisesFasterThanPlan">The longest run rose faster than the plan's step (by more than the tolerance).</param>
public sealed record C25kCheck(
    C25kRun Planned,
    C25kRun? PreviousPlanned,
    double ActualLongestRunS,
    double ActualRunningTimeS,
    double PlanRisePct,
    double ActualRisePct,
    bool LongestAbovePlan,
    bool RisesFasterThanPlan);

/// <summary>
/// A runner's load over weeks: weekly running time and calf load, the session spike warning of Frandsen 2025
/// (BJSM 59:1203: a session's longest run — here also its calf load — against the largest of the previous 30 days)
/// and Couch-to-5K awareness. Immutable: build it from the runner's sessions; pure, no I/O.
/// </summary>
/// <remarks>Frandsen measured the longest <em>session</em> distance; this gateway sees walk breaks, so the measure is
/// the longest continuous run — what the C25K plan progresses — and calf load, the product's own load measure.</remarks>
public sealed class LoadHistory
{
    private readonly LoadHistorySettings _settings;
    private readonly SessionLoad[] _sessions;

    public LoadHistory(IEnumerable<SessionLoad> sessions, LoadHistorySettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _settings = settings ?? new LoadHistorySettings();
        _sessions = sessions.OrderBy(s => s.StartedUtc).ThenBy(s => s.SessionId).ToArray();
        Spikes = _sessions.Select(s => SpikeFor(s)).ToArray();
        Weeks = BuildWeeks();
    }

    public LoadHistorySettings Settings => _settings;

    /// <summary>The sessions, oldest first.</summary>
    public IReadOnlyList<SessionLoad> Sessions => _sessions;

    /// <summary>One entry per session, same order as <see cref="Sessions"/>.</summary>
    public IReadOnlyList<SessionSpike> Spikes { get; }

    /// <summary>Calendar weeks from the first session's to the last session's, empty weeks included.</summary>
    public IReadOnlyList<WeekLoad> Weeks { get; }

    /// <summary>Spike checks of <paramref name="session"/> (stored or not yet: a live session) against the sessions
    /// that started in the <see cref="LoadHistorySettings.WindowDays"/> before it.</summary>
    public SessionSpike SpikeFor(SessionLoad session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var from = session.StartedUtc - TimeSpan.FromDays(_settings.WindowDays);
        double longest = double.NaN, calf = double.NaN;
        foreach (var s in _sessions)
        {
            if (s.StartedUtc < from || s.StartedUtc >= session.StartedUtc || s.SessionId == session.SessionId) continue;
            if (s.LongestRunS > 0) longest = double.IsNaN(longest) ? s.LongestRunS : Math.Max(longest, s.LongestRunS);
            if (s.CalfLoad > 0) calf = double.IsNaN(calf) ? s.CalfLoad : Math.Max(calf, s.CalfLoad);
        }

        return new SessionSpike(session, Check("longest_run_s", session.LongestRunS, longest), Check("calf_load", session.CalfLoad, calf));
    }

    /// <summary>Band of an increase in % (Frandsen 2025 edges from the settings).</summary>
    public SpikeBand BandFor(double increasePct) =>
        !double.IsFinite(increasePct) || increasePct <= _settings.SmallSpikePct ? SpikeBand.None
        : increasePct <= _settings.ModerateSpikePct ? SpikeBand.Small
        : increasePct <= _settings.LargeSpikePct ? SpikeBand.Moderate
        : SpikeBand.Large;

    /// <summary>Compares <paramref name="session"/> with its C25K plan run.</summary>
    public C25kCheck CheckC25k(SessionLoad session, C25kRun planned)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(planned);
        var previous = C25kPlan.Previous(planned);
        var planRise = previous is null ? 0 : (planned.LongestRunMin / previous.LongestRunMin - 1) * 100;
        var spike = SpikeFor(session).LongestRun;
        var tolerance = 1 + _settings.PlanTolerancePct / 100;
        return new C25kCheck(
            planned,
            previous,
            session.LongestRunS,
            session.RunningTimeS,
            planRise,
            spike.IncreasePct,
            LongestAbovePlan: session.LongestRunS > planned.LongestRunMin * 60 * tolerance,
            RisesFasterThanPlan: double.IsFinite(spike.IncreasePct) && spike.IncreasePct > planRise + _settings.PlanTolerancePct);
    }

    private SpikeCheck Check(string measurement, double value, double reference)
    {
        if (!(reference > 0) || !double.IsFinite(value)) return new SpikeCheck(measurement, value, reference, double.NaN, SpikeBand.None);
        var pct = (value / reference - 1) * 100;
        return new SpikeCheck(measurement, value, reference, pct, BandFor(pct));
    }

    private DateOnly WeekOf(DateTimeOffset t)
    {
        var local = DateOnly.FromDateTime(t.ToOffset(_settings.UtcOffset).DateTime);
        var daysFromMonday = ((int)local.DayOfWeek + 6) % 7;
        return local.AddDays(-daysFromMonday);
    }

    private WeekLoad[] BuildWeeks()
    {
        if (_sessions.Length == 0) return [];
        var byWeek = _sessions.Zip(Spikes).GroupBy(p => WeekOf(p.First.StartedUtc)).ToDictionary(g => g.Key, g => g.ToList());
        var first = WeekOf(_sessions[0].StartedUtc);
        var last = WeekOf(_sessions[^1].StartedUtc);
        var weeks = new List<WeekLoad>();
        WeekLoad? prev = null;
        for (var w = first; w <= last; w = w.AddDays(7))
        {
            var items = byWeek.TryGetValue(w, out var list) ? list : [];
            var running = items.Sum(p => p.First.RunningTimeS);
            var calf = items.Sum(p => p.First.CalfLoad);
            var runChange = prev is { RunningTimeS: > 0 } ? (running / prev.RunningTimeS - 1) * 100 : double.NaN;
            var calfChange = prev is { CalfLoad: > 0 } ? (calf / prev.CalfLoad - 1) * 100 : double.NaN;
            var week = new WeekLoad(
                w,
                items.Count,
                running,
                items.Count == 0 ? 0 : items.Max(p => p.First.LongestRunS),
                calf,
                items.Sum(p => p.First.RunningDistanceM),
                runChange,
                calfChange,
                FastIncrease: runChange > _settings.WeeklyIncreasePct || calfChange > _settings.WeeklyIncreasePct,
                MaxSpike: items.Count == 0 ? SpikeBand.None : items.Max(p => p.Second.Band));
            weeks.Add(week);
            prev = week;
        }

        return [.. weeks];
    }
}
