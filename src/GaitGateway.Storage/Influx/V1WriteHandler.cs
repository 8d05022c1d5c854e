using System.Net.Http.Headers;
using System.Text;
using System.Web;

namespace GaitGateway.Storage.Influx;

/// <summary>
/// Lets the forwarder (which speaks the v2 write API) write to InfluxDB 1.x before 1.8, which has no <c>/api/v2/write</c>: rewrites
/// <c>POST /api/v2/write?org=O&amp;bucket=B&amp;precision=ns</c> to <c>POST /write?db=B&amp;precision=n</c>, and
/// the <c>Authorization: Token user:password</c> header to HTTP Basic (no header for an empty token). Requests to
/// other paths pass unchanged. Installed in the forwarder's HttpClient handler chain.
/// </summary>
/// <remarks>
/// 1.x spells nanosecond precision "n" (<c>/write</c> docs: n, u, ms, s, m, h); the v2 names are mapped.
/// The line protocol body is the same in both versions.
/// </remarks>
public sealed class V1WriteHandler : DelegatingHandler
{
    public V1WriteHandler() { }

    public V1WriteHandler(HttpMessageHandler inner) : base(inner) { }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is { } uri && uri.AbsolutePath.EndsWith("/api/v2/write", StringComparison.Ordinal))
        {
            var q = HttpUtility.ParseQueryString(uri.Query);
            var db = q["bucket"] ?? throw new InvalidOperationException("v2 write without a bucket");
            var precision = q["precision"] switch { null or "ns" => "n", "us" => "u", var p => p };
            var basePath = uri.AbsolutePath[..^"/api/v2/write".Length];
            request.RequestUri = new UriBuilder(uri)
            {
                Path = basePath + "/write",
                Query = "db=" + Uri.EscapeDataString(db) + "&precision=" + precision,
            }.Uri;

            if (request.Headers.Authorization is { Scheme: "Token" } auth)
            {
                request.Headers.Authorization = string.IsNullOrEmpty(auth.Parameter)
                    ? null
                    : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(auth.Parameter)));
            }
        }
        return base.SendAsync(request, cancellationToken);
    }
}
