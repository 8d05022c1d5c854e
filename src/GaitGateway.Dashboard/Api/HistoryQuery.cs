using System.Globalization;
using GaitGateway.Coaching.Load;
using GaitGateway.Storage;

namespace GaitGateway.Dashboard.Api;

/// <summary>Builds a runner's load history from the store.</summary>
public static class HistoryQuery
{
    /// <param name="store">The sessions: a gateway's store, or InfluxDB in central mode.</param>
    /// <param name="runner">Runner name as stored.</param>
    /// <param name="settings">Spike and week settings.</param>
    /// <param name="planOverride">C25K week/run to check the latest session against; null = each session's own plan.</param>
    public static async Task<HistoryDto> BuildAsync(ISessionReader store, string runner, LoadHistorySettings? settings = null, C25kRun? planOverride = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = (await store.ListSessionsAsync(cancellationToken).ConfigureAwait(false)).Where(s => string.Equals(s.Runner, runner, StringComparison.Ordinal)).ToList();
        var loads = new List<SessionLoad>(stored.Count);
        foreach (var s in stored) loads.Add(SessionLoad.FromBouts(s.Id, s.StartedUtc, await store.GetBoutsAsync(s.Id, cancellationToken).ConfigureAwait(false), s.Plan));
        var history = new LoadHistory(loads, settings);
        var names = stored.ToDictionary(s => s.Id, s => s.Name);
        var sessions = new List<HistorySessionDto>();
        for (var i = 0; i < history.Sessions.Count; i++)
        {
            var load = history.Sessions[i];
            var spike = history.Spikes[i];
            var isLatest = i == history.Sessions.Count - 1;
            C25kRun? plan = isLatest && planOverride is not null ? planOverride : C25kPlan.TryParse(load.Plan, out var p) ? p : null;
            sessions.Add(new HistorySessionDto(load.SessionId, names[load.SessionId], load.Plan, load.StartedUtc, load.RunningTimeS,
                load.LongestRunS, load.CalfLoad, load.RunningDistanceM, spike.Band.ToWord(), spike.Band.HazardRatio(),
                SpikeCheckDto.From(spike.LongestRun), SpikeCheckDto.From(spike.CalfLoad),
                plan is null ? null : C25kDto.From(history.CheckC25k(load, plan))));
        }

        var latest = sessions.Count > 0 ? sessions[^1] : null;
        return new HistoryDto(runner, history.Weeks.Select(WeekDto.From).ToArray(), sessions, latest, Warning(latest));
    }

    /// <summary>The plain-words warning for the latest session, or null.</summary>
    public static string? Warning(HistorySessionDto? s)
    {
        if (s is null) return null;
        var parts = new List<string>();
        if (s.LongestRun.Band != "none")
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"your longest run ({s.LongestRunS / 60:0.#} min) was {s.LongestRun.IncreasePct:0} % longer than any in the previous 30 days"));
        if (s.CalfLoadSpike.Band != "none")
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"your calf load was {s.CalfLoadSpike.IncreasePct:0} % above your largest session of the previous 30 days"));
        if (s.C25k is { LongestAbovePlan: true } c)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"you ran {c.ActualLongestRunS / 60:0.#} min in one go where Couch to 5K {c.Planned.Label} asks for {c.Planned.LongestRunMin:0.#}"));
        if (parts.Count == 0) return null;
        var band = s.SpikeBand == "none" ? "" : string.Create(CultureInfo.InvariantCulture,
            $" Spike band {s.SpikeBand} (Frandsen 2025: injury hazard ×{s.HazardRatio:0.00}).");
        return "Load spike: " + string.Join("; ", parts) + "." + band;
    }
}
