namespace GaitGateway.Dashboard.Hosting;

/// <summary>Settings of <see cref="DashboardServer"/>.</summary>
public sealed record DashboardSettings
{
    /// <summary>Where Kestrel listens, ';'-separated. Default "http://127.0.0.1:5080": this machine only. Port 0 picks
    /// a free port (see <see cref="DashboardServer.Addresses"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Access token for /api/* (header <c>Authorization: Bearer …</c> or query <c>?token=…</c>, which
    /// EventSource needs). Required when any URL is not loopback: the server refuses to start without one, because
    /// the API shows runners' health-related data. Optional on loopback; enforced whenever set.</summary>
    public string? Token { get; init; }

    /// <summary>Longest time between two tile events on /api/live/stream, ms. Default 1000 (≥ 1 update/s even when
    /// nothing changed, so the page can tell a quiet runner from a dead stream). Range 100..1000.</summary>
    public int TileIntervalMs { get; init; } = 1000;

    /// <summary>How often the stream checks for changed tiles and new cues, ms. Default 200: cues reach the browser
    /// within a fifth of a second, tiles at most 5 times a second. Range 20..TileIntervalMs.</summary>
    public int StreamPollMs { get; init; } = 200;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Urls);
        if (TileIntervalMs is < 100 or > 1000) throw new ArgumentException($"TileIntervalMs = {TileIntervalMs} is out of range (100..1000 ms)", nameof(TileIntervalMs));
        if (StreamPollMs < 20 || StreamPollMs > TileIntervalMs) throw new ArgumentException($"StreamPollMs = {StreamPollMs} is out of range (20..TileIntervalMs)", nameof(StreamPollMs));
    }
}
