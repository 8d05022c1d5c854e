using System.Text;

namespace GaitGateway.Storage.Influx;

/// <summary>Which write endpoint the server speaks.</summary>
public enum InfluxMode : byte
{
    /// <summary><c>/api/v2/write?org=…&amp;bucket=…</c>: InfluxDB 2.x/3.x, VictoriaMetrics, and 1.8+ with its v2 compatibility API.</summary>
    V2 = 0,
    /// <summary><c>/write?db=…</c>: InfluxDB 1.x before 1.8 (the bucket is used as the database name).</summary>
    V1 = 1,
}

/// <summary>
/// Settings of <see cref="InfluxForwarder"/>. <see cref="ToString"/> never prints the token.
/// </summary>
/// <param name="Url">Server base URL, e.g. <c>http://127.0.0.1:8086</c>.</param>
/// <param name="Org">
/// Organisation (v2; InfluxDB 2.x needs it). Ignored by VictoriaMetrics, InfluxDB 1.8's v2 API and in
/// <see cref="InfluxMode.V1"/>, so it may be empty: InfluxDB.Client refuses an empty org, so
/// <see cref="NoOrgPlaceholder"/> is sent instead (InfluxDB 2.x then answers 404 and the forwarder stops with a hint).
/// </param>
/// <param name="Bucket">Bucket (v2) or database (v1).</param>
/// <param name="Token">
/// API token (v2), or "user:password" (v1, sent as HTTP Basic), or null/empty for none. Resolve it with
/// <see cref="InfluxToken.Resolve"/> (environment variable or secrets file) rather than a command-line argument.
/// </param>
public sealed record InfluxSinkSettings(string Url, string Org, string Bucket, string? Token, InfluxMode Mode = InfluxMode.V2)
{
    /// <summary>
    /// Org sent when <see cref="Org"/> is empty (InfluxDB.Client refuses an empty one): VictoriaMetrics and InfluxDB
    /// 1.8 ignore it, <see cref="V1WriteHandler"/> drops it, InfluxDB 2.x answers 404 (no such org).
    /// </summary>
    public const string NoOrgPlaceholder = "no-org";

    /// <summary>Name of this sink's row in <c>forward_cursor</c>. Default "influx". Change it and everything is sent again.</summary>
    public string SinkName { get; init; } = "influx";

    /// <summary>
    /// Tag <c>gateway=…</c> on every point, so that several gateways forwarding to one database never mix their
    /// sessions (each store numbers its sessions from 1). The CLI sets it from <c>Influx:GatewayId</c>, default the
    /// host name; null = no tag (the points of a single gateway before issue 14).
    /// </summary>
    public string? GatewayId { get; init; }

    /// <summary>
    /// Central mode (issue 14): forward, besides strides, bouts and sensor status, every session (a point per
    /// session, re-sent as it changes) and every alert/cue, with string fields — what <c>gaitgw serve
    /// --influx-url</c> needs. Default true. Set false for VictoriaMetrics, which makes junk series of string fields
    /// and cannot serve the dashboard anyway (no InfluxQL).
    /// </summary>
    public bool Central { get; init; } = true;

    /// <summary>A session plan's Couch-to-5K week and run (e.g. "c25k-w6r2" → (6, 2)), forwarded as fields; null = none.</summary>
    public Func<string?, (int Week, int Run)?>? PlanWeekRun { get; init; }

    /// <summary>Points per HTTP request, at most. Default 5000 (InfluxDB's recommended batch size).</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>
    /// Write requests on the wire at once. Default 2: InfluxDB and VictoriaMetrics parse a request on one core,
    /// so two in flight use a second core (measured on 2 cores: 58 → 90 k points/s into InfluxDB 1.6, 87 → 125 k
    /// into VictoriaMetrics, pre-built bodies). The cursor still advances in row order over acknowledged batches
    /// only; memory holds this many batches plus the one being built. 1 = strictly one request at a time.
    /// </summary>
    public int MaxRequestsInFlight { get; init; } = 2;

    /// <summary>
    /// How often the forwarder looks for new rows once it has caught up. Default 1 s: a dashboard sees a stride
    /// about a second after it is committed, at one request per second while running.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Unforwarded strides at which the backlog counts as full. Default 1,000,000 (~100 h of running, two feet;
    /// ~225 MB of store, measured 225 B per stride row). At 80 % a warning is raised; at the limit an error is raised, and nothing is dropped: the
    /// strides stay in the local store (the system of record) and are still sent, oldest first, once the server
    /// accepts writes. The limit exists to make a long outage loud, not to bound memory: the backlog lives on disk.
    /// </summary>
    public long MaxBacklogRows { get; init; } = 1_000_000;

    /// <summary>Fraction of <see cref="MaxBacklogRows"/> at which a warning is raised. Default 0.8.</summary>
    public double BacklogWarnFraction { get; init; } = 0.8;

    /// <summary>Timeout of one write request. Default 10 s. A timed-out write is retried (writes are idempotent).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the first retry. Default 1 s; doubles per failed attempt.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries. Default 60 s. Retries never stop while the error is transient.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Factor of the exponential backoff. Default 2.</summary>
    public double RetryBackoffFactor { get; init; } = 2;

    /// <summary>
    /// Random extra delay, as a fraction of the computed delay (0..1). Default 0.2: gateways that lost the same
    /// server at the same moment do not all come back in the same second.
    /// </summary>
    public double RetryJitter { get; init; } = 0.2;

    /// <summary><see cref="Url"/> for messages and logs: a password in it (<c>http://user:pw@host</c>) shown as ***.</summary>
    public string DisplayUrl => RedactUrl(Url);

    /// <summary>
    /// <paramref name="url"/> with the user-info part of its authority (<c>user:password@</c>) replaced by <c>***@</c>.
    /// Works on text, not <see cref="Uri"/>: it must also clean a URL too malformed to parse before it is echoed in
    /// an error message.
    /// </summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return url ?? "";
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 ? scheme + 3 : 0;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        if (end < 0) end = url.Length;
        if (end <= start) return url;
        var at = url.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), "***", url.AsSpan(at));
    }

    private bool PrintMembers(StringBuilder b)
    {
        // Written by hand so that neither the token nor a password in the URL reaches a log through ToString().
        b.Append("Url = ").Append(DisplayUrl).Append(", Org = ").Append(Org).Append(", Bucket = ").Append(Bucket)
            .Append(", Token = ").Append(string.IsNullOrEmpty(Token) ? "(none)" : "***")
            .Append(", Mode = ").Append(Mode).Append(", SinkName = ").Append(SinkName)
            .Append(", GatewayId = ").Append(GatewayId).Append(", Central = ").Append(Central)
            .Append(", BatchSize = ").Append(BatchSize).Append(", MaxRequestsInFlight = ").Append(MaxRequestsInFlight).Append(", FlushInterval = ").Append(FlushInterval)
            .Append(", MaxBacklogRows = ").Append(MaxBacklogRows).Append(", RequestTimeout = ").Append(RequestTimeout)
            .Append(", RetryInitialDelay = ").Append(RetryInitialDelay).Append(", RetryMaxDelay = ").Append(RetryMaxDelay);
        return true;
    }
}

/// <summary>Where the InfluxDB token comes from.</summary>
public static class InfluxToken
{
    /// <summary>Environment variable holding the token.</summary>
    public const string EnvironmentVariable = "GAITGW_INFLUX_TOKEN";

    /// <summary>
    /// The token from, in this order: <see cref="EnvironmentVariable"/>; the first non-blank line of
    /// <paramref name="secretsFile"/> (when given); otherwise null (no authentication). The token is never part of
    /// an exception message.
    /// </summary>
    public static string? Resolve(string? secretsFile = null)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env.Trim();
        if (string.IsNullOrEmpty(secretsFile)) return null;
        try
        {
            foreach (var line in File.ReadLines(secretsFile))
            {
                if (!string.IsNullOrWhiteSpace(line)) return line.Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot read InfluxDB token file '{secretsFile}': {e.Message}", e);
        }
        throw new StoreException($"InfluxDB token file '{secretsFile}' is empty");
    }
}
