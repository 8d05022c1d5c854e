using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Dashboard.Central;

/// <summary>
/// Central mode, gateway side: once a second, every runner tile of this gateway's <see cref="LiveBoard"/> to InfluxDB
/// as a <c>live</c> point (the tile's JSON plus its main numbers), so that <c>gaitgw serve --influx-url</c> shows the
/// same tiles (<see cref="InfluxLiveFeed"/>) about a second later.
/// </summary>
/// <remarks>
/// Live points are not stored and forwarded like strides: a tile is only worth showing now, so while the server is
/// down they are dropped (one warning per outage) and the next second's tile replaces them. The point's time is the
/// wall clock at the snapshot (ms), tagged by gateway and runner, so a re-sent point overwrites itself.
/// </remarks>
public sealed class LiveTilePublisher : IDisposable
{
    private readonly LiveBoard _board;
    private readonly InfluxSinkSettings _settings;
    private readonly ILogger? _log;
    private readonly HttpClient _http;
    private readonly Uri _write;
    private bool _down;

    public LiveTilePublisher(LiveBoard board, InfluxSinkSettings settings, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(settings);
        _board = board;
        _settings = settings;
        _log = log;
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None };
        if (settings.Mode == InfluxMode.V1) handler = new V1WriteHandler(handler); // /api/v2/write → /write?db=, Token → Basic
        _http = new HttpClient(handler) { Timeout = settings.RequestTimeout };
        if (!string.IsNullOrEmpty(settings.Token)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", settings.Token);
        var org = string.IsNullOrEmpty(settings.Org) ? InfluxSinkSettings.NoOrgPlaceholder : settings.Org;
        _write = new Uri(settings.Url.TrimEnd('/') + "/api/v2/write?org=" + Uri.EscapeDataString(org) + "&bucket=" + Uri.EscapeDataString(settings.Bucket) + "&precision=ns");
    }

    /// <summary>How often tiles are sent. Default 1 s (the dashboard's own tile rate).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Tiles sent (acknowledged) so far.</summary>
    public long TilesSent { get; private set; }

    /// <summary>Publishes every <see cref="Interval"/> until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        PeriodicLoop.RunAsync(Interval, ct => PublishAsync(ct), cancellationToken);

    /// <summary>Sends the board's tiles now (also the last, "ended" ones on stop); false when the server did not take them.</summary>
    public async Task<bool> PublishAsync(CancellationToken cancellationToken = default)
    {
        var tiles = _board.Snapshot();
        if (tiles.Count == 0) return true;
        var nowNs = SqliteStore.ToUnixNs(DateTimeOffset.UtcNow) / 1_000_000 * 1_000_000;
        using var w = new LineProtocolWriter(4096) { Gateway = _settings.GatewayId, Strings = true };
        foreach (var t in tiles)
        {
            (string, double?)[] numbers =
            [
                ("session_time_s", t.SessionTimeS), ("distance_m", t.DistanceM), ("cadence_spm", t.CadenceSpm), ("speed_mps", t.SpeedMps),
                ("pace_s_per_km", t.PaceSPerKm), ("stride_length_m", t.StrideLengthM), ("contact_time_s", t.ContactTimeS),
                ("flight_time_s", t.FlightTimeS), ("strike_angle_deg", t.StrikeAngleDeg), ("overstride_index", t.OverstrideIndex),
                ("overstride_fraction", t.OverstrideFraction), ("calf_load_per_min", t.CalfLoadPerMin), ("calf_load_pct_of_usual", t.CalfLoadPctOfUsual),
                ("left_contact_share_pct", t.LeftContactSharePct), ("contact_asymmetry_pct", t.ContactAsymmetryPct),
            ];
            w.AppendLive(t.Runner, nowNs, t.SessionId, JsonSerializer.Serialize(t, DashboardServer.Json), t.Strides, numbers);
        }

        try
        {
            using var content = new StringContent(w.ToString(), Encoding.UTF8, "text/plain");
            using var response = await _http.PostAsync(_write, content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Down($"HTTP {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).ReplaceLineEndings(" ").Trim()}");
                return false;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Down(e.Message.ReplaceLineEndings(" "));
            return false;
        }

        TilesSent += tiles.Count;
        if (_down) _log?.LogInformation("InfluxDB at {Url} takes live tiles again", _settings.DisplayUrl);
        _down = false;
        return true;
    }

    private void Down(string why)
    {
        if (!_down) _log?.LogWarning("InfluxDB at {Url}: live tiles not sent ({Reason}); they are dropped until it answers (strides are kept and forwarded)", _settings.DisplayUrl, why);
        _down = true;
    }

    public void Dispose() => _http.Dispose();
}
