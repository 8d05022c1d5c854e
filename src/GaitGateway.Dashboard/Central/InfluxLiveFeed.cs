using System.Text;
using System.Text.Json;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage;
using GaitGateway.Storage.Influx;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Dashboard.Central;

/// <summary>
/// Central mode, serve side: polls InfluxDB for the newest <c>live</c> point of every gateway's runners
/// (<see cref="LiveTilePublisher"/>) and shows those tiles on the board (<see cref="LiveBoard.ShowRemote"/>), their
/// session ids turned into central ids (<see cref="InfluxSessionReader.CentralId"/>) so the tile links to the session.
/// </summary>
/// <remarks>
/// A gateway publishes once a second and this polls every <see cref="PollInterval"/> (0.5 s), so a tile is at most
/// about 1.5 s behind the gateway's own plus the query's time. A runner whose newest tile is older than
/// <see cref="Window"/> leaves the board (the gateway stopped or lost the server).
/// </remarks>
public sealed class InfluxLiveFeed(LiveBoard board, InfluxQueryClient client, ILogger? log = null)
{
    private readonly LiveBoard _board = board ?? throw new ArgumentNullException(nameof(board));
    private readonly InfluxQueryClient _client = client ?? throw new ArgumentNullException(nameof(client));
    private bool _failing;

    /// <summary>How often InfluxDB is asked. Default 0.5 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a runner's last tile stays on the board. Default 2 minutes (fixed in the query text).</summary>
    public static TimeSpan Window => TimeSpan.FromMinutes(2);

    public Task RunAsync(CancellationToken cancellationToken) =>
        PeriodicLoop.RunAsync(PollInterval, ct => PollAsync(ct), cancellationToken);

    /// <summary>One poll; a failure is logged once until the next success and leaves the board as it was.</summary>
    public async Task PollAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<InfluxSeries> series;
        try
        {
            series = await _client.QueryAsync("SELECT last(\"tile\") AS \"tile\" FROM \"live\" WHERE time > now() - 2m GROUP BY \"gateway\", \"runner\"", null, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            if (!_failing) log?.LogWarning("Live tiles: {Message}", e.Message);
            _failing = true;
            return;
        }

        if (_failing) log?.LogInformation("Live tiles: InfluxDB answers again");
        _failing = false;
        var tiles = new List<RunnerTile>();
        var fingerprint = new StringBuilder();
        foreach (var s in series)
        {
            s.Tags.TryGetValue("gateway", out var gateway);
            gateway ??= "";
            foreach (var row in s.Rows)
            {
                if (row.Text("tile") is not { } json) continue;
                RunnerTile? tile;
                try
                {
                    tile = JsonSerializer.Deserialize<RunnerTile>(json, DashboardServer.Json);
                }
                catch (JsonException e)
                {
                    log?.LogWarning("Live tile of gateway {Gateway} unreadable: {Message}", gateway, e.Message);
                    continue;
                }

                if (tile is null) continue;
                long? central = tile.SessionId is { } local ? InfluxSessionReader.CentralId(gateway, local) : null;
                tiles.Add(tile with
                {
                    SessionId = central,
                    Gateway = gateway,
                    Cues = [.. tile.Cues.Select(c => c with { SessionId = c.SessionId is { } l ? InfluxSessionReader.CentralId(gateway, l) : null })],
                });
                fingerprint.Append(gateway).Append('\u0001').Append(json).Append('\u0002');
            }
        }

        _board.ShowRemote(tiles, fingerprint.ToString());
    }
}
