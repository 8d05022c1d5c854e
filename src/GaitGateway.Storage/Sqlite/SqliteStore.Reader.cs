using GaitGateway.Core.Strides;

namespace GaitGateway.Storage.Sqlite;

/// <summary>The store as the dashboard reads it (synchronous underneath: SQLite is a local file).</summary>
public sealed partial class SqliteStore : ISessionReader
{
    string ISessionReader.Description => Path;

    Task<IReadOnlyList<StoredSession>> ISessionReader.ListSessionsAsync(CancellationToken cancellationToken) => Task.FromResult(ListSessions());

    Task<StoredSession?> ISessionReader.GetSessionAsync(long sessionId, CancellationToken cancellationToken) => Task.FromResult(GetSession(sessionId));

    Task<IReadOnlyList<StrideMetrics>> ISessionReader.GetStridesAsync(long sessionId, CancellationToken cancellationToken) => Task.FromResult(GetStrides(sessionId));

    Task<IReadOnlyList<BoutSummary>> ISessionReader.GetBoutsAsync(long sessionId, CancellationToken cancellationToken) => Task.FromResult(GetBouts(sessionId));

    Task<IReadOnlyList<AlertRecord>> ISessionReader.GetAlertsAsync(long sessionId, CancellationToken cancellationToken) => Task.FromResult(GetAlerts(sessionId));
}
