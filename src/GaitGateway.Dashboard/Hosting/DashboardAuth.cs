using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GaitGateway.Dashboard.Hosting;

/// <summary>
/// The dashboard token, held only as its SHA-256 digest. <see cref="Matches"/> compares digests, which always have
/// the same length, with <see cref="CryptographicOperations.FixedTimeEquals"/>: comparing the raw strings returns
/// early on unequal lengths and so tells an attacker the token's length.
/// </summary>
internal sealed class DashboardToken
{
    private readonly byte[] _digest;

    public DashboardToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Bytes compared: 32 (a SHA-256 digest), whatever the token's length.</summary>
    internal int DigestLength => _digest.Length;

    public bool Matches(string? given)
    {
        if (string.IsNullOrEmpty(given)) return false;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(given), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}

/// <summary>Names of the dashboard's authentication scheme, cookie and authorization policy.</summary>
internal static class DashboardAuth
{
    /// <summary><see cref="DashboardAuthHandler"/>: a bearer header or the login cookie.</summary>
    public const string Scheme = "Dashboard";
    public const string CookieName = "gaitgw_auth";
    /// <summary>Required on every endpoint but the page's assets and the login exchange (also the fallback policy).</summary>
    public const string Policy = "Dashboard";
}

internal sealed class DashboardAuthOptions : AuthenticationSchemeOptions
{
    public DashboardToken? Token { get; set; }
    public LoginCookie? Cookie { get; set; }
}

/// <summary>
/// The login cookie's value: its expiry and an HMAC-SHA256 of it under a key drawn at random when the server starts.
/// It holds nothing secret, cannot be forged or extended without the key, and dies with the process (a restart asks
/// for the token again). Written by hand rather than with ASP.NET's cookie scheme: that one needs Data Protection,
/// whose key manager writes key files under $HOME at start-up even with an ephemeral provider configured.
/// </summary>
internal sealed class LoginCookie(TimeSpan lifetime, TimeProvider clock)
{
    private const int StampBytes = sizeof(long);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>How long a cookie is valid after it is issued (renewed by <see cref="NeedsRenewal"/>).</summary>
    public TimeSpan Lifetime { get; } = lifetime;

    public string Issue()
    {
        var value = new byte[StampBytes + HMACSHA256.HashSizeInBytes];
        BinaryPrimitives.WriteInt64LittleEndian(value, clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        HMACSHA256.HashData(_key, value.AsSpan(0, StampBytes), value.AsSpan(StampBytes));
        return Base64Url.EncodeToString(value);
    }

    /// <summary>True for a cookie this process issued that has not expired; its expiry in <paramref name="expiresUtc"/>.</summary>
    public bool IsValid(string? cookie, out DateTimeOffset expiresUtc)
    {
        expiresUtc = default;
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 128 || !Base64Url.IsValid(cookie)) return false; // TryDecode throws on bad characters
        Span<byte> value = stackalloc byte[96];
        if (!Base64Url.TryDecodeFromChars(cookie, value, out var n) || n != StampBytes + HMACSHA256.HashSizeInBytes) return false;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, value[..StampBytes], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, value.Slice(StampBytes, HMACSHA256.HashSizeInBytes))) return false;
        expiresUtc = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(value));
        return expiresUtc > clock.GetUtcNow();
    }

    /// <summary>Sliding expiry: renew once less than half the lifetime is left.</summary>
    public bool NeedsRenewal(DateTimeOffset expiresUtc) => expiresUtc - clock.GetUtcNow() < Lifetime / 2;

    /// <summary>Sets the cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page makes the
    /// browser send it), Secure behind https, a session cookie (no Expires: gone when the browser closes).</summary>
    public void Append(HttpResponse response) => response.Cookies.Append(DashboardAuth.CookieName, Issue(), Options(response));

    public static void Delete(HttpResponse response) => response.Cookies.Delete(DashboardAuth.CookieName, Options(response));

    private static CookieOptions Options(HttpResponse response) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = response.HttpContext.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}

/// <summary>
/// Authenticates <c>Authorization: Bearer TOKEN</c> (scripts) against <see cref="DashboardToken"/>, or else the
/// login cookie (the page: EventSource cannot send a header). Challenges with 401 and <c>WWW-Authenticate: Bearer</c>,
/// never a redirect.
/// </summary>
internal sealed class DashboardAuthHandler(IOptionsMonitor<DashboardAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<DashboardAuthOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
            return Task.FromResult(Options.Token is { } token && token.Matches(header["Bearer ".Length..].Trim())
                ? Success("token")
                : AuthenticateResult.Fail("the bearer token does not match Dashboard:Token"));
        }

        var cookie = Request.Cookies[DashboardAuth.CookieName];
        if (cookie is null || Options.Cookie is not { } login) return Task.FromResult(AuthenticateResult.NoResult());
        if (!login.IsValid(cookie, out var expires)) return Task.FromResult(AuthenticateResult.Fail("the login cookie is not valid (expired, forged, or from before a restart)"));
        if (login.NeedsRenewal(expires)) login.Append(Response);
        return Task.FromResult(Success("cookie"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string how)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard"), new Claim(ClaimTypes.AuthenticationMethod, how)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}

/// <summary>
/// The logger factory the dashboard's ASP.NET Core services log to: the host's, except that the hosting diagnostics'
/// "Request starting/finished" lines (Information, with the full URL and its query string) are dropped below Warning.
/// The request log is <c>UseHttpLogging</c> with method, path, status and duration, never the query string: a
/// query may carry a secret (a token pasted by habit), and the process log is read by more people than the token.
/// </summary>
internal sealed class DashboardLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    internal const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public ILogger CreateLogger(string categoryName) =>
        categoryName == HostingDiagnostics ? new AtLeast(inner.CreateLogger(categoryName), LogLevel.Warning) : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // the host owns the inner factory
    }

    private sealed class AtLeast(ILogger inner, LogLevel min) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= min && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
