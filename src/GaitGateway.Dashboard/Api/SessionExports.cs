using GaitGateway.Coaching.Export;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Dashboard.Api;

/// <summary>A stored session as export files: the one mapping from the store to the exporters, shared by the
/// dashboard's download links and <c>gaitgw export</c>.</summary>
public static class SessionExports
{
    /// <summary>The session's FIT activity file (<see cref="FitExport"/>): its strides, bouts and sensors as stored.</summary>
    public static byte[] Fit(SqliteStore store, StoredSession session) => FitExport.Write(FitActivity(store, session));

    /// <summary>What <see cref="Fit"/> encodes.</summary>
    public static FitActivity FitActivity(SqliteStore store, StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        return FitActivity(session, store.GetStrides(session.Id), store.GetBouts(session.Id));
    }

    /// <summary>What <see cref="Fit"/> encodes, from the session's strides and bouts however they were read.</summary>
    public static FitActivity FitActivity(StoredSession session, IReadOnlyList<Core.Strides.StrideMetrics> strides, IReadOnlyList<Core.Strides.BoutSummary> bouts)
    {
        ArgumentNullException.ThrowIfNull(session);
        var clips = session.Sensors.Select(x => new FitClip(x.Index, x.Foot, x.Id, x.Kind, x.Firmware, x.Manufacturer, x.Model)).ToArray();
        return new FitActivity(session.StartedUtc, strides, bouts, clips);
    }

    /// <summary>The session's TCX document (<see cref="TcxExport"/>), with the name and plan as notes.</summary>
    public static string Tcx(SqliteStore store, StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        return Tcx(session, store.GetStrides(session.Id), store.GetBouts(session.Id));
    }

    /// <summary>The session's TCX document from its strides and bouts however they were read.</summary>
    public static string Tcx(StoredSession session, IReadOnlyList<Core.Strides.StrideMetrics> strides, IReadOnlyList<Core.Strides.BoutSummary> bouts)
    {
        ArgumentNullException.ThrowIfNull(session);
        return TcxExport.ToXml(session.StartedUtc, strides, bouts, Notes(session));
    }

    /// <summary>"name (plan)", or the name without a plan — as the TCX endpoint writes its notes.</summary>
    public static string Notes(StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Plan is null ? session.Name : $"{session.Name} ({session.Plan})";
    }
}
