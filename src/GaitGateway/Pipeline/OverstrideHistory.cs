using GaitGateway.Dsp.Overstride;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Pipeline;

/// <summary>A runner's speed-matched overstriding baseline from her stored sessions (issue 12: "her history in the store").</summary>
public static class OverstrideHistory
{
    /// <summary>Her last sessions read for the baseline. Default 10: a few weeks of a three-runs-a-week plan (C25K), so
    /// the baseline follows her as she gets fitter; each speed bin keeps at most 200 strides anyway.</summary>
    public const int MaxSessions = 10;

    /// <summary>The baseline learnt from the runner's last <see cref="MaxSessions"/> stored sessions (newest first; the
    /// session <paramref name="exceptSessionId"/> left out); null when she has no stored running.</summary>
    public static OverstrideBaseline? FromStore(SqliteStore store, string runner, long? exceptSessionId = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var sessions = store.ListSessions()
            .Where(s => s.Runner == runner && s.Id != exceptSessionId)
            .OrderByDescending(s => s.StartedUtc)
            .Take(MaxSessions)
            .Reverse()
            .ToList();
        if (sessions.Count == 0) return null;
        var baseline = OverstrideBaseline.Learn(sessions.SelectMany(s => store.GetStrides(s.Id)));
        return baseline.Ready ? baseline : null;
    }
}
