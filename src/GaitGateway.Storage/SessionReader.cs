using GaitGateway.Core.Strides;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage;

/// <summary>Where a session shown by a central dashboard was recorded (issue 14, central mode).</summary>
/// <param name="Gateway">The gateway id it was forwarded with (<c>Influx:GatewayId</c>, default the host name).</param>
/// <param name="GatewaySessionId">The session's id in that gateway's own store.</param>
public sealed record SessionOrigin(string Gateway, long GatewaySessionId);

/// <summary>
/// What the dashboard reads about stored sessions: a gateway's own SQLite store
/// (<see cref="SqliteStore"/>) or, in central mode, InfluxDB (<see cref="Influx.InfluxSessionReader"/>), which holds every gateway's sessions.
/// Both answer with the same types, so the dashboard's JSON is the same whichever it reads.
/// </summary>
public interface ISessionReader
{
    /// <summary>For logs: the store's path or the server's URL (no password).</summary>
    string Description { get; }

    /// <summary>All sessions, oldest first (started, then id), with stride totals.</summary>
    Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken = default);

    /// <summary>The session, or null when there is none with that id.</summary>
    Task<StoredSession?> GetSessionAsync(long sessionId, CancellationToken cancellationToken = default);

    /// <summary>The session's strides in commit order (per foot: sequence order).</summary>
    Task<IReadOnlyList<StrideMetrics>> GetStridesAsync(long sessionId, CancellationToken cancellationToken = default);

    /// <summary>The session's bouts in order.</summary>
    Task<IReadOnlyList<BoutSummary>> GetBoutsAsync(long sessionId, CancellationToken cancellationToken = default);

    /// <summary>The session's alerts (cues and device alerts) by time.</summary>
    Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(long sessionId, CancellationToken cancellationToken = default);
}
