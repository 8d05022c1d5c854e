namespace GaitGateway.Dashboard.Hosting;

/// <summary>Settings of <see cref="DashboardServer"/>.</summary>
public sealed record DashboardSettings
{
    /// <summary>Where Kestrel listens, ';'-separated. Default "http://127.0.0.1:5080": this machine only. Port 0 picks
    /// a free port (see <see cref="DashboardServer.Addresses"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Access token for every API endpoint: scripts send <c>Authorization: Bearer …</c>; the page asks for it
    /// once and exchanges it at <c>POST /api/login</c> for an HttpOnly, SameSite=Strict cookie (EventSource cannot
    /// send a header, and a token in a URL ends up in logs and browser history, so URLs never carry it). Required
    /// when any URL is not loopback: the server refuses to start without one, because the API shows runners'
    /// health-related data. Optional on loopback; enforced whenever set.</summary>
    public string? Token { get; init; }

    /// <summary>Host names (';'-separated, without port; IPv6 in brackets; "*.example.org" and "*" allowed) that
    /// requests may name in their Host header; any other gets 400. Default null: the loopback names (localhost,
    /// 127.0.0.1, [::1]) plus the hosts named in <see cref="Urls"/>. A wildcard bind (0.0.0.0, [::], *, +) has no
    /// name to derive, so the server refuses to start on one without this setting. Why: a web page a coach opens can
    /// point its own DNS name at 127.0.0.1 (DNS rebinding) and read a tokenless loopback dashboard as same-origin;
    /// only the Host header tells the two apart.</summary>
    public string? AllowedHosts { get; init; }

    /// <summary>How long the login cookie is valid without use, minutes (sliding: a request in the second half of its
    /// life renews it). Default 720 (a training day). Range 1..10080 (a week). The cookie is a session cookie (gone
    /// when the browser closes) and dies with the process, whose signing key lives in memory only.</summary>
    public int LoginLifetimeMinutes { get; init; } = 720;

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
        if (LoginLifetimeMinutes is < 1 or > 10080) throw new ArgumentException($"LoginLifetimeMinutes = {LoginLifetimeMinutes} is out of range (1..10080 min)", nameof(LoginLifetimeMinutes));
        if (StreamPollMs < 20 || StreamPollMs > TileIntervalMs) throw new ArgumentException($"StreamPollMs = {StreamPollMs} is out of range (20..TileIntervalMs)", nameof(StreamPollMs));
    }
}
