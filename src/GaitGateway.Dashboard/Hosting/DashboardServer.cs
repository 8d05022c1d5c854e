using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GaitGateway.Coaching.Cues;
using GaitGateway.Coaching.Export;
using GaitGateway.Coaching.Load;
using GaitGateway.Dashboard.Api;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Dashboard.Hosting;

/// <summary>
/// The dashboard web server: Kestrel with minimal APIs and the embedded page. In-process, started and stopped by the
/// host (or a test); live data comes from a <see cref="LiveBoard"/>, stored sessions from a <see cref="SqliteStore"/>.
/// </summary>
/// <remarks>
/// <para>API (JSON, camelCase, units in names, null for unknown values):</para>
/// <list type="table">
/// <item><term>GET /api/live</term><description>every runner tile (<see cref="LiveDto"/>).</description></item>
/// <item><term>GET /api/live/stream</term><description>Server-Sent Events: <c>event: tiles</c> (a <see cref="LiveDto"/>)
/// on change and at least every <see cref="DashboardSettings.TileIntervalMs"/>, <c>event: cue</c> (a <see cref="CueView"/>)
/// as cues are raised.</description></item>
/// <item><term>GET /api/sessions</term><description>stored sessions, newest first.</description></item>
/// <item><term>GET /api/sessions/{id}</term><description>one session.</description></item>
/// <item><term>GET /api/sessions/{id}/strides | /bouts | /analysis</term><description>strides, bouts, and the
/// overstriding/calf-load stretches and cues of the cue engine replayed on the strides.</description></item>
/// <item><term>GET /api/sessions/{id}/export.tcx</term><description>Garmin TCX (see <see cref="TcxExport"/>).</description></item>
/// <item><term>GET /api/sessions/{id}/export.fit</term><description>FIT activity with running dynamics (see <see cref="FitExport"/>).</description></item>
/// <item><term>GET /api/history/{runner}?week=W&amp;run=R</term><description>weekly load, sessions with spike bands
/// (Frandsen 2025), C25K check of the latest session against W/R (default: the session's own plan).</description></item>
/// <item><term>GET /api/c25k</term><description>the Couch to 5K plan table.</description></item>
/// <item><term>GET /api/auth</term><description><c>{"signedIn": bool, "tokenRequired": bool}</c>, anonymous: the page's
/// "do I need to log in?" (a 200 either way, so the browser console shows no failed request).</description></item>
/// <item><term>POST /api/login</term><description><c>{"token": "…"}</c> (JSON only: a cross-site form cannot post it) →
/// 204 and an HttpOnly, SameSite=Strict session cookie; 401 for a wrong token. <c>POST /api/logout</c> drops it.</description></item>
/// </list>
/// <para>Security: binds to loopback by default. Any other address requires <see cref="DashboardSettings.Token"/>
/// (refuses to start otherwise). Every endpoint is authorised by ASP.NET Core's authorization middleware against one
/// policy (<see cref="DashboardAuth.Policy"/>, also the fallback for any endpoint added later), so the check follows
/// the endpoint routing chose, whatever the path's letter case or encoding; only the page's assets and the login
/// exchange are anonymous (the static page carries no data). With a token the policy needs a bearer header or the
/// login cookie; without one (loopback only) it admits every request. Requests whose Host header is not an allowed
/// name get 400 (<see cref="DashboardSettings.AllowedHosts"/>: DNS rebinding). The request log has no query strings.</para>
/// </remarks>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly LiveBoard _board;
    private readonly ISessionReader? _store;
    private readonly DashboardSettings _settings;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly DashboardToken? _token;
    private readonly LoginCookie? _login;
    private readonly EmbeddedAssets _assets = EmbeddedAssets.Load();
    private WebApplication? _app;

    internal static readonly JsonSerializerOptions Json = CreateJson();

    /// <param name="board">Live state, fed by the host.</param>
    /// <param name="store">Stored sessions: a gateway's <see cref="SqliteStore"/>, or InfluxDB in central mode
    /// (<see cref="Storage.Influx.InfluxSessionReader"/>); null = the session and history APIs answer 503.</param>
    /// <param name="settings">Null = defaults (loopback port 5080, no token).</param>
    /// <param name="loggerFactory">Kestrel's and ASP.NET Core's logs go here; null = no logging.</param>
    public DashboardServer(LiveBoard board, ISessionReader? store = null, DashboardSettings? settings = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        _board = board;
        _store = store;
        _settings = settings ?? new DashboardSettings();
        _settings.Validate();
        _loggerFactory = loggerFactory;
        _token = string.IsNullOrEmpty(_settings.Token) ? null : new DashboardToken(_settings.Token);
        _login = _token is null ? null : new LoginCookie(TimeSpan.FromMinutes(_settings.LoginLifetimeMinutes), TimeProvider.System);
    }

    /// <summary>The addresses Kestrel actually listens on (port 0 resolved); empty before <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>
    /// Starts listening. Throws <see cref="InvalidOperationException"/> when an address is not loopback and there is no
    /// token, or binds every address and <see cref="DashboardSettings.AllowedHosts"/> is unset, and Kestrel's exception
    /// (e.g. <see cref="IOException"/>, address in use) when it cannot bind.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("the dashboard server is already started");
        var (urls, allowedHosts) = Check(_settings);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (_loggerFactory is not null) builder.Services.AddSingleton<ILoggerFactory>(new DashboardLoggerFactory(_loggerFactory));
        builder.WebHost.UseUrls(urls);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            foreach (var c in Json.Converters) o.SerializerOptions.Converters.Add(c);
        });
        builder.Services.AddHostFiltering(o =>
        {
            o.AllowedHosts = allowedHosts;
            o.AllowEmptyHosts = false; // HTTP/1.0 without Host: no browser sends that
        });
        builder.Services.AddHttpLogging(o =>
        {
            // Path, never the query string (RequestQuery): see DashboardLoggerFactory.
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        AddAuth(builder.Services);
        AddCompression(builder.Services);

        var app = builder.Build();
        app.UseHostFiltering();
        app.UseResponseCompression();
        app.UseHttpLogging();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        MapApi(app.MapGroup("/api").RequireAuthorization(DashboardAuth.Policy));
        // Typed as Func<…, Task<IResult>>: a lambda taking only HttpContext would bind to the RequestDelegate overload,
        // which drops the returned IResult and answers an empty 200.
        app.MapGet("/api/auth", (Func<HttpContext, Task<IResult>>)AuthAsync).AllowAnonymous();
        app.MapPost("/api/login", Login).AllowAnonymous();
        app.MapPost("/api/logout", (Func<HttpContext, Task<IResult>>)LogoutAsync).AllowAnonymous();
        app.MapGet("/{**path}", ServeAsset).AllowAnonymous();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        _app = app;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is null) return;
        var app = _app;
        _app = null;
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(cts.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// What <see cref="StartAsync"/> refuses, checked without starting (the host calls it before anything runs, so a
    /// bad setting is one line and exit 2): <see cref="DashboardSettings.Validate"/>'s ranges, an address beyond
    /// loopback without a token, a wildcard address without <see cref="DashboardSettings.AllowedHosts"/>. Returns
    /// the URLs and the allowed host names.
    /// </summary>
    public static (string[] Urls, string[] AllowedHosts) Check(DashboardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var urls = settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var exposed = urls.Where(u => !IsLoopback(u)).ToArray();
        if (exposed.Length > 0 && string.IsNullOrEmpty(settings.Token))
        {
            throw new InvalidOperationException(
                $"dashboard: refusing to listen on {string.Join(", ", exposed)} without a token: set a token or bind to 127.0.0.1");
        }

        return (urls, AllowedHostsFor(urls, settings.AllowedHosts));
    }

    /// <summary>True for 127.0.0.0/8, ::1 and "localhost"; false for wildcards (*, +, 0.0.0.0, [::]) and other hosts.</summary>
    public static bool IsLoopback(string url)
    {
        var host = HostOf(url).Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// The Host names the server answers (see <see cref="DashboardSettings.AllowedHosts"/>): the configured ones, or
    /// localhost, 127.0.0.1, [::1] and the hosts of <paramref name="urls"/>. Throws <see cref="InvalidOperationException"/>
    /// for a wildcard URL when none are configured.
    /// </summary>
    public static string[] AllowedHostsFor(IEnumerable<string> urls, string? configured)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (!string.IsNullOrWhiteSpace(configured)) return configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
        foreach (var url in urls)
        {
            var host = HostOf(url);
            if (host is "*" or "+" or "0.0.0.0" or "[::]" or "::")
            {
                throw new InvalidOperationException(
                    $"dashboard: {url} listens on every address, so the names browsers reach it by are unknown: set Dashboard:AllowedHosts (e.g. gateway.local;192.168.1.20, or * for any name)");
            }

            if (!hosts.Contains(host, StringComparer.OrdinalIgnoreCase)) hosts.Add(host);
        }

        return [.. hosts];
    }

    /// <summary>The host of a Kestrel URL, IPv6 in brackets as written ("http://[::1]:5080/" → "[::1]").</summary>
    private static string HostOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) rest = rest[..slash];
        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? rest[..(end + 1)] : rest;
        }

        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    // ---------------------------------------------------------------- pipeline pieces

    private void AddAuth(IServiceCollection services)
    {
        // AddAuthenticationCore, not AddAuthentication: the latter also adds Data Protection, whose hosted service
        // creates and writes key files under $HOME at every start; the dashboard's one scheme needs none of it.
        services.AddAuthenticationCore(o => o.DefaultScheme = DashboardAuth.Scheme);
        services.AddWebEncoders();
        new AuthenticationBuilder(services).AddScheme<DashboardAuthOptions, DashboardAuthHandler>(DashboardAuth.Scheme, o =>
        {
            o.Token = _token;
            o.Cookie = _login;
        });
        services.AddAuthorization(o =>
        {
            var policy = _token is null
                ? new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build() // tokenless: loopback and host-filtered
                : new AuthorizationPolicyBuilder(DashboardAuth.Scheme).RequireAuthenticatedUser().Build();
            o.AddPolicy(DashboardAuth.Policy, policy);
            o.FallbackPolicy = policy; // an endpoint someone adds later without RequireAuthorization is still guarded
        });
    }

    /// <summary>
    /// Brotli or gzip for JSON, the page and TCX (a 28-minute session's strides are 1.6 MB of JSON; see README for the
    /// measured ratio), at the fastest level: a gateway is a small computer and the answer is made once. The SSE stream
    /// (text/event-stream) is not in the list, so it is never buffered by a compressor. HTTPS responses are left alone
    /// (EnableForHttps false, ASP.NET's default: BREACH); Kestrel here speaks plain HTTP, a TLS proxy compresses itself.
    /// </summary>
    private static void AddCompression(IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["text/javascript", "application/problem+json", "application/vnd.garmin.tcx+xml"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
    }

    /// <summary>The login exchange's body.</summary>
    internal sealed record LoginRequest(string? Token);

    /// <summary>Answer of GET /api/auth.</summary>
    internal sealed record AuthDto(bool SignedIn, bool TokenRequired);

    private async Task<IResult> AuthAsync(HttpContext context) => Results.Json(
        new AuthDto(_token is null || (await context.AuthenticateAsync(DashboardAuth.Scheme).ConfigureAwait(false)).Succeeded, _token is not null), Json);

    private static Task<IResult> LogoutAsync(HttpContext context)
    {
        LoginCookie.Delete(context.Response);
        return Task.FromResult(Results.NoContent());
    }

    private IResult Login(HttpContext context, LoginRequest request)
    {
        if (_token is null || _login is null) return Results.NoContent(); // nothing to log in to
        if (!_token.Matches(request.Token)) return Results.Unauthorized();
        _login.Append(context.Response);
        return Results.NoContent();
    }

    private IResult ServeAsset(HttpContext context, string? path)
    {
        if (!_assets.TryGet(path ?? "", out var asset)) return Results.NotFound();
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "no-cache"; // revalidate: the page changes with the gateway version
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    /// <summary>Maps the API on <paramref name="app"/>, the "/api" group that requires <see cref="DashboardAuth.Policy"/>.</summary>
    private void MapApi(RouteGroupBuilder app)
    {
        app.MapGet("/live", () => Results.Json(LiveNow(), Json));
        app.MapGet("/live/stream", StreamAsync);
        app.MapGet("/live/cues", (CancellationToken ct) => WithStore(async store => Results.Json(await StoredLiveCuesAsync(store, ct).ConfigureAwait(false), Json)));

        app.MapGet("/sessions", (CancellationToken ct) => WithStore(async store =>
        {
            var live = _board.LiveSessionIds();
            var sessions = await store.ListSessionsAsync(ct).ConfigureAwait(false);
            return Results.Json(sessions.Reverse().Select(s => SessionDto.From(s, live.Contains(s.Id))).ToArray(), Json);
        }));
        app.MapGet("/sessions/{id:long}", (long id, CancellationToken ct) => WithSession(id, (store, s) =>
            Task.FromResult(Results.Json(SessionDto.From(s, _board.LiveSessionIds().Contains(id)), Json)), ct));
        app.MapGet("/sessions/{id:long}/strides", (long id, CancellationToken ct) => WithSession(id, async (store, _) =>
            Results.Json((await store.GetStridesAsync(id, ct).ConfigureAwait(false)).Select(s => StrideDto.From(s)).ToArray(), Json), ct));
        app.MapGet("/sessions/{id:long}/bouts", (long id, CancellationToken ct) => WithSession(id, async (store, _) =>
            Results.Json((await store.GetBoutsAsync(id, ct).ConfigureAwait(false)).Select(b => BoutDto.From(b)).ToArray(), Json), ct));
        app.MapGet("/sessions/{id:long}/analysis", (long id, CancellationToken ct) => WithSession(id, async (store, _) =>
            Results.Json(AnalysisDto.From(SessionAnalysis.Run(Dsp.Overstride.OverstrideAssessor.Reassess(await store.GetStridesAsync(id, ct).ConfigureAwait(false)), _board.Settings.Cues)), Json), ct));
        app.MapGet("/sessions/{id:long}/export.tcx", (long id, CancellationToken ct) => WithSession(id, async (store, s) =>
        {
            var xml = SessionExports.Tcx(s, await store.GetStridesAsync(id, ct).ConfigureAwait(false), await store.GetBoutsAsync(id, ct).ConfigureAwait(false));
            var file = string.Create(CultureInfo.InvariantCulture, $"gaitgw-session-{id}.tcx");
            return Results.File(Encoding.UTF8.GetBytes(xml), "application/vnd.garmin.tcx+xml", file);
        }, ct));
        app.MapGet("/sessions/{id:long}/export.fit", (long id, CancellationToken ct) => WithSession(id, async (store, s) =>
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"gaitgw-session-{id}.fit");
            var activity = SessionExports.FitActivity(s, await store.GetStridesAsync(id, ct).ConfigureAwait(false), await store.GetBoutsAsync(id, ct).ConfigureAwait(false));
            return Results.File(FitExport.Write(activity), FitExport.MediaType, file);
        }, ct));
        app.MapGet("/history/{runner}", (string runner, int? week, int? run, CancellationToken ct) => WithStore(async store =>
        {
            C25kRun? plan = null;
            if (week is not null || run is not null)
            {
                if (week is not (>= 1 and <= 9) || run is not (>= 1 and <= 3))
                    return Results.Problem("week must be 1..9 and run 1..3", statusCode: StatusCodes.Status400BadRequest);
                plan = C25kPlan.Get(week.Value, run.Value);
            }

            return Results.Json(await HistoryQuery.BuildAsync(store, runner, null, plan, ct).ConfigureAwait(false), Json);
        }));
        app.MapGet("/c25k", () => Results.Json(C25kPlan.All.Select(C25kRunDto.From).ToArray(), Json));
        app.MapGet("/runners", (CancellationToken ct) => WithStore(async store =>
            Results.Json((await store.ListSessionsAsync(ct).ConfigureAwait(false)).Select(s => s.Runner).Concat(_board.Snapshot().Select(t => t.Runner)).Distinct().Order(StringComparer.Ordinal).ToArray(), Json)));
    }

    /// <summary>
    /// The cues stored for the sessions on the board, newest first, so the page's cue log shows the whole session and
    /// not only what arrived while it was open (the stream adds the new ones), each with the runner's usual it was
    /// judged against (stored since store migration 8).
    /// </summary>
    private async Task<CueView[]> StoredLiveCuesAsync(ISessionReader store, CancellationToken ct)
    {
        var cues = new List<CueView>();
        foreach (var tile in _board.Snapshot())
        {
            if (tile.SessionId is not { } id || await store.GetSessionAsync(id, ct).ConfigureAwait(false) is not { } session) continue;
            foreach (var a in await store.GetAlertsAsync(id, ct).ConfigureAwait(false))
            {
                cues.Add(new CueView(tile.Runner, id, a.TimeS, a.Kind, a.Message, a.Measurement ?? "",
                    double.IsFinite(a.Value) ? a.Value : null, double.IsFinite(a.Baseline) ? a.Baseline : null, session.StartedUtc.AddSeconds(a.TimeS), a.Detail));
            }
        }

        return [.. cues.OrderByDescending(c => c.RaisedUtc)];
    }

    private LiveDto LiveNow() => new(DateTimeOffset.UtcNow, _board.Version, _board.Snapshot());

    private async Task<IResult> WithStore(Func<ISessionReader, Task<IResult>> f)
    {
        if (_store is null) return Results.Problem("no session store configured", statusCode: StatusCodes.Status503ServiceUnavailable);
        try
        {
            return await f(_store).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            // InfluxDB down or refusing (central mode): one line to the page, not a stack trace.
            return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private Task<IResult> WithSession(long id, Func<ISessionReader, StoredSession, Task<IResult>> f, CancellationToken ct) => WithStore(async store =>
        await store.GetSessionAsync(id, ct).ConfigureAwait(false) is { } s ? await f(store, s).ConfigureAwait(false) : Results.NotFound());

    /// <summary>SSE: tiles when the board changed (at most every poll) and at least every TileIntervalMs; cues at once.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // a reverse proxy must not buffer the stream
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var cues = _board.Subscribe();
        long sentVersion = -1;
        var lastTiles = DateTime.MinValue;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", ct).ConfigureAwait(false);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_settings.StreamPollMs));
            do
            {
                var wrote = false;
                while (cues.Reader.TryRead(out var cue))
                {
                    await WriteEvent(response, "cue", JsonSerializer.Serialize(cue, Json), ct).ConfigureAwait(false);
                    wrote = true;
                }

                var now = DateTime.UtcNow;
                var version = _board.Version;
                if (version != sentVersion || (now - lastTiles).TotalMilliseconds >= _settings.TileIntervalMs - (_settings.StreamPollMs / 2))
                {
                    await WriteEvent(response, "tiles", JsonSerializer.Serialize(LiveNow(), Json), ct).ConfigureAwait(false);
                    sentVersion = version;
                    lastTiles = now;
                    wrote = true;
                }

                if (wrote) await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the browser went away: not an error
        }
    }

    private static Task WriteEvent(HttpResponse response, string name, string json, CancellationToken ct) =>
        response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct);

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
