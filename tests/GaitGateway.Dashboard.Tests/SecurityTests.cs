using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Dashboard.Tests;

/// <summary>
/// Issue 16's findings against the dashboard, each probed from outside over real HTTP to a real Kestrel on loopback:
/// the token check bypassed by letter case, the token in the request log, the token's length leaked by the comparison,
/// any Host header answered (DNS rebinding), and a session name XML cannot carry failing the TCX export.
/// </summary>
public sealed class SecurityTests : IDisposable
{
    private const string Token = "s3cret-Token-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-dash-sec-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    public static TheoryData<string> GuardedPaths() =>
    [
        "/api/live", "/API/live", "/Api/Live", "/API/live/stream", "/api/LIVE/stream", "/API/sessions", "/API/sessions/1",
        "/API/sessions/1/strides", "/API/sessions/1/bouts", "/API/sessions/1/analysis", "/API/sessions/1/export.tcx",
        "/API/history/bea", "/API/c25k", "/API/runners", "/%61pi/live", "/%41PI/sessions",
    ];

    [Theory]
    [MemberData(nameof(GuardedPaths))]
    public async Task Every_api_endpoint_needs_the_token_whatever_the_letter_case(string path)
    {
        // Before: the check was StartsWithSegments("/api", Ordinal) and routing is case-insensitive, so /API/… was open.
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        Seed.Session(store, "bea", DateTimeOffset.UtcNow.AddDays(-1), "c25k-w1r1", 1);
        await using var server = new DashboardServer(new LiveBoard(), store, new DashboardSettings { Urls = "http://127.0.0.1:0", Token = Token });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };

        using var anonymous = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.ToString());

        // The same path with the token is served (so the 401 above is the guard, not a missing route).
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.Authorization = new("Bearer", Token);
        using var ok = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Login_sets_an_HttpOnly_SameSite_Strict_cookie_that_opens_the_api_and_the_stream()
    {
        await using var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = "http://127.0.0.1:0", Token = Token });
        await server.StartAsync();
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(server.Addresses[0]) };

        var auth = await http.GetFromJsonAsync<JsonElement>("/api/auth");
        Assert.False(auth.GetProperty("signedIn").GetBoolean());
        Assert.True(auth.GetProperty("tokenRequired").GetBoolean());

        using (var wrong = await http.PostAsJsonAsync("/api/login", new { token = Token + "x" }))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(cookies.GetAllCookies());
        // A cross-site HTML form can post only form or text bodies: the login takes JSON only (routing's content-type
        // check refuses the form before the login endpoint runs; under the fallback policy that refusal is a 401).
        using (var form = await http.PostAsync("/api/login", new FormUrlEncodedContent([new("token", Token)])))
            Assert.False(form.IsSuccessStatusCode, form.StatusCode.ToString());
        Assert.Empty(cookies.GetAllCookies());

        using var login = await http.PostAsJsonAsync("/api/login", new { token = Token });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(DashboardAuth.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("expires", setCookie, StringComparison.OrdinalIgnoreCase); // a session cookie

        Assert.True((await http.GetFromJsonAsync<JsonElement>("/api/auth")).GetProperty("signedIn").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/live")).StatusCode);
        using (var stream = await http.GetAsync("/API/live/stream", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        }

        // A forged cookie is not a login.
        var forged = new CookieContainer();
        forged.Add(new Uri(server.Addresses[0]), new Cookie(DashboardAuth.CookieName, "CfDJ8" + new string('A', 200)));
        using (var h2 = new HttpClientHandler { CookieContainer = forged })
        using (var other = new HttpClient(h2) { BaseAddress = new Uri(server.Addresses[0]) })
            Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/live")).StatusCode);

        using (var logout = await http.PostAsync("/api/logout", null))
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/live")).StatusCode);
    }

    [Fact]
    public void The_login_cookie_expires_slides_and_cannot_be_forged()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var login = new LoginCookie(TimeSpan.FromMinutes(60), clock);
        var cookie = login.Issue();
        Assert.True(login.IsValid(cookie, out var expires));
        Assert.Equal(clock.Now.AddMinutes(60), expires);
        Assert.False(login.NeedsRenewal(expires));
        clock.Now = clock.Now.AddMinutes(31);
        Assert.True(login.IsValid(cookie, out _));
        Assert.True(login.NeedsRenewal(expires)); // past half its life: the next request gets a fresh one
        clock.Now = clock.Now.AddMinutes(30);
        Assert.False(login.IsValid(cookie, out _)); // expired

        var fresh = login.Issue();
        Assert.True(login.IsValid(fresh, out _));
        Assert.False(new LoginCookie(TimeSpan.FromMinutes(60), clock).IsValid(fresh, out _)); // another process's key
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(fresh);
        bytes[0] ^= 1; // a later expiry without the key
        Assert.False(login.IsValid(System.Buffers.Text.Base64Url.EncodeToString(bytes), out _));
        Assert.False(login.IsValid("", out _));
        Assert.False(login.IsValid("not base64!", out _));
        Assert.False(login.IsValid(new string('A', 4096), out _));
    }

    [Fact]
    public async Task Neither_the_token_nor_a_query_string_reaches_the_log()
    {
        // Before: ASP.NET Core's hosting diagnostics logged "Request starting HTTP/1.1 GET http://…/api/live?token=…"
        // at Information.
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(log));
        await using (var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = "http://127.0.0.1:0", Token = Token }, factory))
        {
            await server.StartAsync();
            var cookies = new CookieContainer();
            using var handler = new HttpClientHandler { CookieContainer = cookies };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(server.Addresses[0]) };
            await http.GetAsync("/api/live?token=" + Token);
            await http.GetAsync("/?token=" + Token);
            using (var req = new HttpRequestMessage(HttpMethod.Get, "/api/live"))
            {
                req.Headers.Authorization = new("Bearer", Token);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);
            }

            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/login", new { token = Token })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/c25k?note=query-" + Token)).StatusCode);
        }

        var lines = log.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("/api/c25k", StringComparison.Ordinal)); // requests are logged …
        Assert.Contains(lines, l => l.Contains("/api/live", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Token, StringComparison.Ordinal)); // … without the token
        Assert.DoesNotContain(lines, l => l.Contains("?token", StringComparison.Ordinal) || l.Contains("?note", StringComparison.Ordinal));
    }

    [Fact]
    public void The_token_check_compares_fixed_length_digests()
    {
        // FixedTimeEquals over the raw bytes returned at once for unequal lengths: the time told the token's length.
        // Now both sides are SHA-256 digests, 32 bytes whatever was typed (the timing itself is not asserted here).
        foreach (var secret in new[] { "x", Token, new string('k', 1000) })
        {
            var t = new DashboardToken(secret);
            Assert.Equal(32, t.DigestLength);
            Assert.True(t.Matches(secret));
            Assert.False(t.Matches(secret + "x"));
            Assert.False(t.Matches(secret[..^1]));
            Assert.False(t.Matches(secret + "\0"));
            Assert.False(t.Matches(""));
            Assert.False(t.Matches(null));
        }
    }

    [Fact]
    public async Task Tokenless_loopback_dashboard_answers_only_loopback_host_names()
    {
        // Before: 200 for "Host: evil.example" — a page on evil.example that re-points its DNS name at 127.0.0.1 could
        // read the dashboard as same-origin.
        await using var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        var port = new Uri(server.Addresses[0]).Port;
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        foreach (var host in new[] { "evil.example", $"evil.example:{port}", $"127.0.0.1.evil.example:{port}", $"localhost.evil.example:{port}", "10.0.0.5" })
        {
            foreach (var path in new[] { "/api/live", "/" })
                Assert.True(HttpStatusCode.BadRequest == await StatusWithHost(http, path, host), $"{host} {path}");
        }

        foreach (var host in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"LOCALHOST:{port}", $"[::1]:{port}", "localhost" })
            Assert.True(HttpStatusCode.OK == await StatusWithHost(http, "/api/live", host), host);
    }

    [Fact]
    public async Task Configured_allowed_hosts_replace_the_loopback_names()
    {
        await using var server = new DashboardServer(new LiveBoard(), null,
            new DashboardSettings { Urls = "http://127.0.0.1:0", Token = Token, AllowedHosts = "gateway.local; *.club.example" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        Assert.Equal(HttpStatusCode.OK, await StatusWithHost(http, "/", "gateway.local:5080"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithHost(http, "/", "coach.club.example"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusWithHost(http, "/", "localhost"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusWithHost(http, "/", "evil.example"));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    public async Task A_wildcard_bind_needs_allowed_hosts(string url)
    {
        await using var server = new DashboardServer(new LiveBoard(), null, new DashboardSettings { Urls = url, Token = Token });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.Contains("AllowedHosts", e.Message, StringComparison.Ordinal);
        Assert.Equal(["a.example", "10.0.0.2"], DashboardServer.AllowedHostsFor([url], "a.example;10.0.0.2"));
    }

    [Fact]
    public void Default_allowed_hosts_are_the_loopback_names_and_the_bound_hosts() =>
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "127.3.4.5", "gateway.local"],
            DashboardServer.AllowedHostsFor(["http://127.0.0.1:5080", "http://127.3.4.5:80", "http://[::1]:5080", "https://gateway.local:5443"], null));

    [Fact]
    public async Task A_session_name_with_a_NUL_exports_as_TCX()
    {
        // Before: XmlWriter threw on U+0000 in the notes and export.tcx answered 500.
        using var store = SqliteStore.Open(Path.Combine(_dir, "store.db"));
        var id = store.BeginSession(new SessionInfo("bea", "run\0one", "simulate", DateTimeOffset.UtcNow, null, "c25k-w1r1"));
        store.EndSession(id, DateTimeOffset.UtcNow);
        await using var server = new DashboardServer(new LiveBoard(), store, new DashboardSettings { Urls = "http://127.0.0.1:0" });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        using var tcx = await http.GetAsync($"/api/sessions/{id}/export.tcx");
        Assert.Equal(HttpStatusCode.OK, tcx.StatusCode);
        var doc = XDocument.Parse(await tcx.Content.ReadAsStringAsync());
        Assert.Equal("run\uFFFDone (c25k-w1r1)", doc.Descendants(XName.Get("Notes", Coaching.Export.TcxExport.TcxNamespace)).Single().Value);
    }

    private static async Task<HttpStatusCode> StatusWithHost(HttpClient http, string path, string host)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.Host = host;
        using var r = await http.SendAsync(req);
        return r.StatusCode;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A real logger provider that keeps every formatted line (with its category).</summary>
    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var b = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
                if (exception is not null) b.Append(' ').Append(exception);
                lines.Enqueue(b.ToString());
            }
        }
    }
}
