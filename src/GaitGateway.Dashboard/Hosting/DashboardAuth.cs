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

/// <summary>Names of the dashboard's authentication schemes and its one authorization policy.</summary>
internal static class DashboardAuth
{
    /// <summary>Picks <see cref="Bearer"/> when the request has an Authorization header, else <see cref="Cookie"/>.</summary>
    public const string Scheme = "Dashboard";
    /// <summary><c>Authorization: Bearer TOKEN</c>: for scripts and curl.</summary>
    public const string Bearer = "Bearer";
    /// <summary>The cookie <c>POST /api/login</c> sets: for the page, whose EventSource cannot send a header.</summary>
    public const string Cookie = "DashboardCookie";
    public const string CookieName = "gaitgw_auth";
    /// <summary>Required on every endpoint but the page's assets and the login exchange (also the fallback policy).</summary>
    public const string Policy = "Dashboard";
}

internal sealed class BearerTokenOptions : AuthenticationSchemeOptions
{
    public DashboardToken? Token { get; set; }
}

/// <summary>
/// Authenticates <c>Authorization: Bearer TOKEN</c> against <see cref="DashboardToken"/>; challenges with 401 and
/// <c>WWW-Authenticate: Bearer</c> (also for the cookie scheme: the API never redirects to a login page).
/// </summary>
internal sealed class BearerTokenHandler(IOptionsMonitor<BearerTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<BearerTokenOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        if (Options.Token is not { } token || !token.Matches(header["Bearer ".Length..].Trim()))
            return Task.FromResult(AuthenticateResult.Fail("the bearer token does not match Dashboard:Token"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "token")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
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
