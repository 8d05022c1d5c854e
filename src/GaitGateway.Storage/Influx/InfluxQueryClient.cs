using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GaitGateway.Storage.Influx;

/// <summary>Where <see cref="InfluxQueryClient"/> reads. <see cref="ToString"/> never prints the token.</summary>
/// <param name="Url">Server base URL, e.g. <c>http://127.0.0.1:8086</c>.</param>
/// <param name="Database">Database (1.x), or the bucket's DBRP-mapped database name (2.x), or the database (3.x).</param>
/// <param name="Token">"user:password" (<see cref="InfluxMode.V1"/>, sent as HTTP Basic) or an API token
/// (<see cref="InfluxMode.V2"/>: <c>Authorization: Token …</c>, which 2.x and 3.x accept on /query); null = none.</param>
public sealed record InfluxQuerySettings(string Url, string Database, string? Token, InfluxMode Mode = InfluxMode.V1)
{
    /// <summary>Timeout of one query. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string DisplayUrl => InfluxSinkSettings.RedactUrl(Url);

    private bool PrintMembers(StringBuilder b)
    {
        b.Append("Url = ").Append(DisplayUrl).Append(", Database = ").Append(Database)
            .Append(", Token = ").Append(string.IsNullOrEmpty(Token) ? "(none)" : "***").Append(", Mode = ").Append(Mode);
        return true;
    }
}

/// <summary>One series of a query's answer: its name, tags (GROUP BY), columns and rows.</summary>
public sealed class InfluxSeries
{
    private readonly Dictionary<string, int> _index;

    internal InfluxSeries(string name, IReadOnlyDictionary<string, string> tags, string[] columns, List<JsonElement[]> values)
    {
        Name = name;
        Tags = tags;
        Columns = columns;
        Values = values;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length; i++) _index.TryAdd(columns[i], i);
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Tags { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<JsonElement[]> Values { get; }

    public IEnumerable<InfluxRow> Rows => Values.Select(v => new InfluxRow(this, v));

    internal bool TryColumn(string name, out int i) => _index.TryGetValue(name, out i);
}

/// <summary>One row, read by column name (or GROUP BY tag); typed accessors, null/NaN where InfluxDB has no value.</summary>
public readonly struct InfluxRow
{
    private readonly InfluxSeries _series;
    private readonly JsonElement[] _values;

    internal InfluxRow(InfluxSeries series, JsonElement[] values)
    {
        _series = series;
        _values = values;
    }

    private JsonElement? Get(string column) =>
        _series.TryColumn(column, out var i) && i < _values.Length && _values[i].ValueKind != JsonValueKind.Null ? _values[i] : null;

    /// <summary>The column's value as text, or the GROUP BY tag of that name; null when neither has one.</summary>
    public string? Text(string column)
    {
        if (Get(column) is { } e) return e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
        return _series.Tags.TryGetValue(column, out var t) ? t : null;
    }

    /// <summary>A number; NaN when absent (a NaN the gateway left out).</summary>
    public double Number(string column) => Get(column) is { ValueKind: JsonValueKind.Number } e ? e.GetDouble() : double.NaN;

    public long? Whole(string column) => Get(column) is { ValueKind: JsonValueKind.Number } e && e.TryGetInt64(out var v) ? v : null;

    /// <summary>The point's time, ns since the Unix epoch (queries ask for <c>epoch=ns</c>).</summary>
    public long TimeNs => Whole("time") ?? 0;
}

/// <summary>
/// A small typed client of InfluxDB's v1 <c>/query</c> API (InfluxQL) over <see cref="HttpClient"/> and System.Text.Json:
/// InfluxDB 1.x answers it natively, 2.x through its v1-compatible API (with a DBRP mapping) and 3.x likewise.
/// InfluxDB.Client 5.x queries only in Flux, which 1.x and 3.x lack, hence this.
/// </summary>
/// <remarks>
/// <para>No value is ever spliced into the query text: every value goes as a bound parameter (<c>$name</c> in the
/// query, the values in the <c>params</c> form field as JSON — InfluxDB 1.x's bound parameters), so a runner named
/// <c>x' OR 1=1</c> is a string compared as such. The statement text itself must be a constant of ours
/// (<see cref="QueryAsync"/> refuses a statement holding a quote, so that no caller builds one from input).</para>
/// <para>POST with a form body (not GET): the parameters never appear in a URL or a proxy's log. Timestamps are asked
/// in ns (<c>epoch=ns</c>). An answer cut short by the server's <c>max-row-limit</c> (<c>"partial": true</c>) is an
/// error, not a silent truncation.</para>
/// </remarks>
public sealed class InfluxQueryClient : IDisposable
{
    private readonly InfluxQuerySettings _settings;
    private readonly HttpClient _http;
    private readonly Uri _query;

    public InfluxQueryClient(InfluxQuerySettings settings, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        if (!Uri.TryCreate(settings.Url.TrimEnd('/') + "/query", UriKind.Absolute, out var query) || query.Scheme is not ("http" or "https"))
            throw new StoreException($"InfluxDB URL '{settings.DisplayUrl}': not an http(s) URL");
        _query = query;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = settings.RequestTimeout,
        };
        if (!string.IsNullOrEmpty(settings.Token))
        {
            _http.DefaultRequestHeaders.Authorization = settings.Mode == InfluxMode.V1
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.Token)))
                : new AuthenticationHeaderValue("Token", settings.Token);
        }
    }

    public InfluxQuerySettings Settings => _settings;

    /// <summary>
    /// Runs one InfluxQL statement with bound <paramref name="parameters"/> (<c>$name</c> in the text; strings,
    /// integers and floats) and returns its series. Throws <see cref="StoreException"/> with one line for a server
    /// error, an InfluxQL error, a partial answer or no answer.
    /// </summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string statement, IReadOnlyDictionary<string, object>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(statement);
        // Values go as parameters, identifiers are double-quoted constants: a single quote in the text would be a
        // literal someone spliced in.
        if (statement.Contains('\'', StringComparison.Ordinal) || statement.Contains(';', StringComparison.Ordinal))
            throw new ArgumentException("InfluxQL statement with a literal or a second statement: bind values as parameters", nameof(statement));
        var form = new List<KeyValuePair<string, string>>
        {
            new("db", _settings.Database),
            new("q", statement),
            new("epoch", "ns"),
        };
        if (parameters is { Count: > 0 }) form.Add(new("params", JsonSerializer.Serialize(parameters)));
        using var content = new FormUrlEncodedContent(form);
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await _http.PostAsync(_query, content, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreException($"InfluxDB at {_settings.DisplayUrl}: no answer to a query ({OneLine(e.Message)})", e);
        }

        return Parse(body, status);
    }

    private List<InfluxSeries> Parse(string body, HttpStatusCode status)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new StoreException($"InfluxDB at {_settings.DisplayUrl}: query answered HTTP {(int)status} with no JSON: {OneLine(body.Length > 200 ? body[..200] : body)}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var top)) throw Error(status, top.GetString());
            if ((int)status >= 400) throw Error(status, root.GetRawText());
            var series = new List<InfluxSeries>();
            if (!root.TryGetProperty("results", out var results)) return series;
            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("error", out var err)) throw Error(status, err.GetString());
                if (result.TryGetProperty("partial", out var partial) && partial.ValueKind == JsonValueKind.True)
                    throw new StoreException($"InfluxDB at {_settings.DisplayUrl}: the answer was cut short (max-row-limit): raise it or set it to 0");
                if (!result.TryGetProperty("series", out var list)) continue;
                foreach (var s in list.EnumerateArray())
                {
                    if (s.TryGetProperty("partial", out var p) && p.ValueKind == JsonValueKind.True)
                        throw new StoreException($"InfluxDB at {_settings.DisplayUrl}: the answer was cut short (max-row-limit): raise it or set it to 0");
                    var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (s.TryGetProperty("tags", out var t))
                    {
                        foreach (var tag in t.EnumerateObject()) tags[tag.Name] = tag.Value.GetString() ?? "";
                    }

                    var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToArray();
                    var values = new List<JsonElement[]>();
                    if (s.TryGetProperty("values", out var v))
                    {
                        foreach (var row in v.EnumerateArray()) values.Add(row.EnumerateArray().Select(e => e.Clone()).ToArray());
                    }

                    series.Add(new InfluxSeries(s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "", tags, columns, values));
                }
            }

            return series;
        }
    }

    private StoreException Error(HttpStatusCode status, string? message) => new(string.Create(CultureInfo.InvariantCulture,
        $"InfluxDB at {_settings.DisplayUrl}: query failed (HTTP {(int)status}): {OneLine(message ?? "")}"));

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    public void Dispose() => _http.Dispose();
}
