using GaitGateway.Core.Strides;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Dashboard.Tests;

/// <summary>Earlier sessions of a runner, as bouts only (what the load history reads).</summary>
public static class Seed
{
    /// <summary>A C25K session: 5-min walk then the given runs (minutes) with 3-min walks between.</summary>
    public static long Session(SqliteStore store, string runner, DateTimeOffset start, string plan, params double[] runsMin)
    {
        var id = store.BeginSession(new SessionInfo(runner, plan.ToUpperInvariant(), "simulate", start, null, plan));
        var bouts = new List<BoutSummary>();
        var t = 0.0;
        bouts.Add(new BoutSummary { Gait = Gait.Walk, StartTimeS = t, EndTimeS = t += 300, Strides = 300, CalfLoad = 30, DistanceM = 450, SpeedMps = 1.5, CadenceSpm = 115 });
        for (var i = 0; i < runsMin.Length; i++)
        {
            var s = runsMin[i] * 60;
            bouts.Add(new BoutSummary { Gait = Gait.Run, StartTimeS = t, EndTimeS = t += s, Strides = (int)(s * 2.6), CalfLoad = s * 2.5, DistanceM = s * 2.6, SpeedMps = 2.6, CadenceSpm = 158 });
            if (i < runsMin.Length - 1)
                bouts.Add(new BoutSummary { Gait = Gait.Walk, StartTimeS = t, EndTimeS = t += 180, Strides = 180, CalfLoad = 18, DistanceM = 270, SpeedMps = 1.5, CadenceSpm = 115 });
        }

        store.AppendBouts(id, bouts.ToArray());
        store.EndSession(id, start.AddSeconds(t));
        return id;
    }
}
