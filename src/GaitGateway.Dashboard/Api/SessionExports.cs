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
        var clips = session.Sensors.Select(x => new FitClip(x.Index, x.Foot, x.Id, x.Kind, x.Firmware, x.Manufacturer, x.Model)).ToArray();
        return new FitActivity(session.StartedUtc, store.GetStrides(session.Id), store.GetBouts(session.Id), clips);
    }

    /// <summary>The session's TCX document (<see cref="TcxExport"/>), with the name and plan as notes.</summary>
    public static string Tcx(SqliteStore store, StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(session);
        return TcxExport.ToXml(session.StartedUtc, store.GetStrides(session.Id), store.GetBouts(session.Id), Notes(session));
    }

    /// <summary>"name (plan)", or the name without a plan — as the TCX endpoint writes its notes.</summary>
    public static string Notes(StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Plan is null ? session.Name : $"{session.Name} ({session.Plan})";
    }
}
