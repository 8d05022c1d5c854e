using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Influx;

/// <summary>
/// <see cref="ISessionReader"/> over InfluxDB (central mode, issue 14): every session every gateway forwarded, read
/// back through InfluxQL (<see cref="InfluxQueryClient"/>) into the very types the local store gives, so the dashboard
/// answers the same JSON for a session whichever it reads.
/// </summary>
/// <remarks>
/// <para>Ids: each gateway numbers its sessions from 1, so a session's id here is
/// <see cref="CentralId"/>(gateway, its id there) — 21 bits of the gateway's name hash above the 32-bit local id, at
/// most 2^53 − 1, so JavaScript reads it exactly. <see cref="StoredSession.Origin"/> carries both parts.</para>
/// <para>Order: strides by the store's row id (forwarded as <c>row_id</c>: commit order), bouts by <c>seq</c>, alerts
/// by time then row id, sessions by start then gateway then id — as the store orders them.</para>
/// </remarks>
public sealed class InfluxSessionReader(InfluxQueryClient client) : ISessionReader
{
    private readonly InfluxQueryClient _client = client ?? throw new ArgumentNullException(nameof(client));
    // Central id → where its rows are (gateway, local id, start): sessions never move, so it is cached for good.
    private readonly ConcurrentDictionary<long, (string Gateway, long Local, long StartNs)> _where = new();

    public string Description => $"InfluxDB {_client.Settings.DisplayUrl} database '{_client.Settings.Database}'";

    /// <summary>The central id of session <paramref name="localId"/> of <paramref name="gateway"/> (see remarks).</summary>
    public static long CentralId(string gateway, long localId)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (localId is < 0 or > uint.MaxValue) throw new StoreException($"session id {localId} of gateway '{gateway}' is outside 0..2^32-1");
        // FNV-1a, 32 bits, over the UTF-8 name: stable across processes and versions (string.GetHashCode is not).
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(gateway)) h = (h ^ b) * 16777619u;
        return ((long)(h & 0x1F_FFFF) << 32) | localId;
    }

    public async Task<IReadOnlyList<StoredSession>> ListSessionsAsync(CancellationToken cancellationToken = default)
    {
        var series = await _client.QueryAsync("SELECT * FROM \"session\"", null, cancellationToken).ConfigureAwait(false);
        return Sessions(series).OrderBy(s => s.StartedUtc).ThenBy(s => s.Origin!.Gateway, StringComparer.Ordinal).ThenBy(s => s.Origin!.GatewaySessionId).ToList();
    }

    public async Task<StoredSession?> GetSessionAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        if (sessionId < 0) return null;
        var local = sessionId & uint.MaxValue;
        // Every gateway's session with that local id; the one whose gateway hashes to the id's upper bits.
        var series = await _client.QueryAsync("SELECT * FROM \"session\" WHERE \"session\" = $s",
            new Dictionary<string, object> { ["s"] = local.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        return Sessions(series).FirstOrDefault(s => s.Id == sessionId);
    }

    public async Task<IReadOnlyList<StrideMetrics>> GetStridesAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var rows = await RowsOfAsync("stride", sessionId, cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.Whole("row_id") ?? 0).Select(Stride).ToList();
    }

    public async Task<IReadOnlyList<BoutSummary>> GetBoutsAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var rows = await RowsOfAsync("bout", sessionId, cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.Whole("seq") ?? 0).Select(r => new BoutSummary
        {
            Gait = SqliteStore.ParseGait(r.Text("gait") ?? ""),
            StartTimeS = r.Number("start_time_s"),
            EndTimeS = r.Number("end_time_s"),
            Strides = (int)(r.Whole("strides") ?? 0),
            CadenceSpm = r.Number("cadence_spm"),
            StrideLengthM = r.Number("stride_length_m"),
            SpeedMps = r.Number("speed_mps"),
            DistanceM = r.Number("distance_m"),
            ContactTimeS = r.Number("contact_time_s"),
            StrikeAngleDeg = r.Number("strike_angle_deg"),
            StrikePattern = StrideCsv.ParsePattern(r.Text("strike_pattern") ?? ""),
            OverstrideFraction = r.Number("overstride_fraction"),
            CalfLoad = r.Number("calf_load"),
            // The asymmetry fields are not stored (the bouts table has no such columns): left at their default, as
            // the store reads them.
        }).ToList();
    }

    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var rows = await RowsOfAsync("alert", sessionId, cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.Number("time_s")).ThenBy(r => r.Whole("row_id") ?? 0)
            .Select(r => new AlertRecord(r.Number("time_s"), r.Text("kind") ?? "", r.Text("message") ?? "", r.Text("measurement"), r.Number("value"), r.Text("detail"), r.Number("baseline")))
            .ToList();
    }

    /// <summary>The rows of <paramref name="measurement"/> that belong to the session (none for an unknown id).</summary>
    private async Task<List<InfluxRow>> RowsOfAsync(string measurement, long sessionId, CancellationToken cancellationToken)
    {
        if (!_where.TryGetValue(sessionId, out var where))
        {
            if (await GetSessionAsync(sessionId, cancellationToken).ConfigureAwait(false) is null) return [];
            if (!_where.TryGetValue(sessionId, out where)) return [];
        }

        // measurement is one of our constants (never input); values are bound. Points of a session are never before
        // its start (strides, bouts, alerts and status are all start + session time).
        var series = await _client.QueryAsync(
            $"SELECT * FROM \"{measurement}\" WHERE \"gateway\" = $g AND \"session\" = $s AND time >= $t",
            new Dictionary<string, object>
            {
                ["g"] = where.Gateway,
                ["s"] = where.Local.ToString(CultureInfo.InvariantCulture),
                ["t"] = where.StartNs,
            }, cancellationToken).ConfigureAwait(false);
        return series.SelectMany(s => s.Rows).ToList();
    }

    private List<StoredSession> Sessions(IReadOnlyList<InfluxSeries> series)
    {
        var list = new List<StoredSession>();
        var prefixes = new Dictionary<long, string>();
        foreach (var r in series.SelectMany(s => s.Rows))
        {
            if (!long.TryParse(r.Text("session"), NumberStyles.None, CultureInfo.InvariantCulture, out var local) || local > uint.MaxValue) continue;
            var gateway = r.Text("gateway") ?? "";
            var id = CentralId(gateway, local);
            // Two gateway names whose hashes share the 21 bits (odds ~n²/4 million for n gateways) would mix their
            // sessions: say so rather than show one gateway's session as the other's.
            if (prefixes.TryGetValue(id >> 32, out var other) && other != gateway)
                throw new StoreException($"gateways '{other}' and '{gateway}' map to the same session ids; rename one (Influx:GatewayId)");
            prefixes[id >> 32] = gateway;
            var startNs = r.Whole("started_utc_ns") ?? r.TimeNs;
            _where[id] = (gateway, local, startNs);
            list.Add(new StoredSession(
                id,
                r.Text("runner") ?? "",
                r.Text("name") ?? "",
                r.Text("source") ?? "",
                SqliteStore.FromUnixNs(startNs),
                r.Whole("ended_utc_ns") is { } end ? SqliteStore.FromUnixNs(end) : null,
                r.Text("recording_path"),
                r.Text("plan"),
                CentralJson.ParseSensors(r.Text("sensors")),
                r.Whole("stride_count") ?? 0,
                r.Number("distance_m") is var d && double.IsFinite(d) ? d : 0,
                r.Number("last_ic_time_s"))
            {
                Origin = new SessionOrigin(gateway, local),
            });
        }

        return list;
    }

    private static StrideMetrics Stride(InfluxRow r) => new()
    {
        Foot = r.Text("foot") == "right" ? Foot.Right : Foot.Left,
        IcTimeS = r.Number("ic_time_s"),
        ToTimeS = r.Number("to_time_s"),
        NextIcTimeS = r.Number("next_ic_time_s"),
        StrideTimeS = r.Number("stride_time_s"),
        StrideLengthM = r.Number("stride_length_m"),
        SpeedMps = r.Number("speed_mps"),
        ContactTimeS = r.Number("contact_time_s"),
        FlightTimeS = r.Number("flight_time_s"),
        SwingTimeS = r.Number("swing_time_s"),
        DutyFactor = r.Number("duty_factor"),
        StrikeAngleDeg = r.Number("strike_angle_deg"),
        StrikePattern = StrideCsv.ParsePattern(r.Text("strike_pattern") ?? ""),
        CadenceSpm = r.Number("cadence_spm"),
        PeakImpactG = r.Number("peak_impact_g"),
        FootClearanceM = r.Number("foot_clearance_m"),
        PeakSwingSpeedMps = r.Number("peak_swing_speed_mps"),
        OverstrideIndex = r.Number("overstride_index"),
        Overstride = r.Whole("overstride") == 1,
        CalfLoad = r.Number("calf_load"),
        Gait = (Gait)(r.Whole("gait") ?? 0),
        Flags = (StrideFlags)(r.Whole("flags") ?? 0),
    };
}
