using System.Globalization;
using System.Text.Json;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Tests;

/// <summary>A clip as the store holds it.</summary>
public sealed record ExpectedClip(int Index, Foot Foot, string Id, string? Firmware, string? Manufacturer = null, string? Model = null);

/// <summary>What a FIT export of a session must read back as: the session's values as stored.</summary>
/// <param name="SessionDistanceM">The store's session distance (StoredSession.DistanceM); NaN to take it from the strides.</param>
public sealed record ExpectedSession(
    DateTimeOffset StartedUtc, IReadOnlyList<StrideMetrics> Strides, IReadOnlyList<BoutSummary> Bouts,
    IReadOnlyList<ExpectedClip> Clips, double SessionDistanceM);

/// <summary>
/// Checks a decoded FIT file against the session it was written from, field by field, within FIT's resolution
/// (half a unit of each field's scale). The expected values are computed here from the strides and bouts, by brute
/// force and from the definitions in FitExport's remarks, not by the exporter's code.
/// </summary>
public static class FitExpectations
{
    private const double Eps = 1e-9;

    public static void AssertReadsBack(FitDecoders.Decoded d, ExpectedSession e)
    {
        var who = d.Decoder;
        Assert.True(d.IsFit, $"{who}: not a FIT file");
        Assert.True(d.Integrity, $"{who}: integrity check (header and file CRC) failed");
        Assert.True(d.Errors.Count == 0, $"{who}: decoder errors: {string.Join("; ", d.Errors)}");

        var strides = e.Strides.Where(s => double.IsFinite(s.IcTimeS)).OrderBy(s => s.IcTimeS).ToArray();
        var feet = Math.Max(1, strides.Select(s => s.Foot).Distinct().Count());
        var bouts = e.Bouts.OrderBy(b => b.StartTimeS).ToArray();
        var endS = Math.Max(strides.Length > 0 ? strides.Max(End) : 0, bouts.Length > 0 ? bouts.Max(b => b.EndTimeS) : 0);
        var start = e.StartedUtc.ToUnixTimeMilliseconds() / 1000.0 + (e.StartedUtc.UtcTicks % TimeSpan.TicksPerMillisecond) / 1e7;
        long Sec(double sessionS) => (long)Math.Floor(start + sessionS + 1e-6);

        // file_id, developer data, devices, events
        var fileId = Assert.Single(d.Of("file_id"));
        AssertEnum(who, "file_id.type", "activity", fileId, "type");
        AssertEnum(who, "file_id.manufacturer", "development", fileId, "manufacturer");
        Assert.Equal(Sec(0), (long)Num(fileId, "time_created")!.Value);
        Assert.Equal("GaitGateway", Str(fileId, "product_name"));

        var devId = Assert.Single(d.Of("developer_data_id"));
        Assert.Equal(0, Num(devId, "developer_data_index"));
        var descriptions = d.Of("field_description");
        (string Name, string Units)[] expectedFields =
            [("strike_angle", "deg"), ("overstride", "0/1"), ("overstride_index", "ratio"), ("calf_load", "index/step"), ("overstride_share", "%"), ("calf_load_total", "index")];
        Assert.Equal(expectedFields, descriptions.Select(f => (Str(f, "field_name")!, Str(f, "units")!)).ToArray());

        var devices = d.Of("device_info");
        Assert.Equal(e.Clips.Count + 1, devices.Count);
        AssertEnum(who, "device_info[0].device_index", "creator", devices[0], "device_index");
        foreach (var clip in e.Clips)
        {
            var dev = devices.Single(x => Num(x, "device_index") == clip.Index + 1);
            AssertEnum(who, "device_info.manufacturer", "development", dev, "manufacturer");
            Assert.Equal(clip.Id, Str(dev, "descriptor"));
            var product = Str(dev, "product_name")!;
            Assert.Contains(clip.Foot == Foot.Left ? "left" : "right", product, StringComparison.Ordinal);
            if (clip.Firmware is not null) Assert.Contains(clip.Firmware, product, StringComparison.Ordinal);
            if (clip.Manufacturer is not null) Assert.Contains(clip.Manufacturer, product, StringComparison.Ordinal);
            if (clip.Model is not null) Assert.Contains(clip.Model, product, StringComparison.Ordinal);
        }

        var events = d.Of("event");
        Assert.Equal(2, events.Count);
        AssertEnum(who, "event[0].event", "timer", events[0], "event");
        AssertEnum(who, "event[0].event_type", "start", events[0], "event_type");
        Assert.Equal(Sec(0), (long)Num(events[0], "timestamp")!.Value);
        AssertEnum(who, "event[1].event_type", "stop_all", events[1], "event_type");
        Assert.Equal(Sec(endS), (long)Num(events[1], "timestamp")!.Value);

        // records: one per whole second of the session, each against the strides in progress at its time
        var records = d.Of("record");
        var first = (long)Math.Ceiling(start - 1e-9);
        var last = (long)Math.Floor(start + endS + 1e-9);
        Assert.Equal(last - first + 1, records.Count);
        var left = strides.Where(s => s.Foot == Foot.Left).ToArray();
        var right = strides.Where(s => s.Foot == Foot.Right).ToArray();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var ts = (long)Num(r, "timestamp")!.Value;
            Assert.Equal(first + i, ts);
            var t = ts - start;
            // A record within a microsecond of a stride boundary may see either stride: floating point, not FIT.
            var problems = RecordProblems(r, t, strides, left, right, feet);
            if (problems.Count > 0 && (RecordProblems(r, t - 1e-6, strides, left, right, feet).Count == 0 || RecordProblems(r, t + 1e-6, strides, left, right, feet).Count == 0))
                problems.Clear();
            Assert.True(problems.Count == 0, $"{who}: record {i} (t = {t:F3} s): {string.Join("; ", problems)}");
        }

        // laps: one per bout
        var laps = d.Of("lap");
        Assert.Equal(bouts.Length, laps.Count);
        for (var i = 0; i < bouts.Length; i++)
        {
            var b = bouts[i];
            var l = laps[i];
            var p = new List<string>();
            Check(p, l, "start_time", Sec(b.StartTimeS), 0);
            Check(p, l, "timestamp", Sec(b.EndTimeS), 0);
            Check(p, l, "total_elapsed_time", b.DurationS, 0.0005);
            Check(p, l, "total_timer_time", b.DurationS, 0.0005);
            Check(p, l, "total_distance", b.DistanceM, 0.005);
            Check(p, l, "total_cycles", Math.Round((double)b.Strides / feet, MidpointRounding.AwayFromZero), 0);
            Check(p, l, "avg_speed", b.SpeedMps, 0.0005);
            Check(p, l, "enhanced_avg_speed", b.SpeedMps, 0.0005);
            CheckCadence(p, l, "avg_cadence", "avg_fractional_cadence", b.CadenceSpm);
            Check(p, l, "avg_stance_time", b.ContactTimeS * 1000, 0.05);
            Check(p, l, "avg_step_length", b.StrideLengthM * 1000 / 2, 0.05);
            Check(p, l, "avg_stance_time_balance", 50 + (b.ContactTimeAsymmetryPct / 4), 0.005);
            CheckEnum(p, l, "intensity", b.Gait == Gait.Walk ? "rest" : "active");
            CheckEnum(p, l, "sport", "running");
            CheckEnum(p, l, "sub_sport", "generic");
            CheckDev(p, l, "strike_angle", b.StrikeAngleDeg);
            CheckDev(p, l, "overstride_share", b.OverstrideFraction * 100);
            CheckDev(p, l, "calf_load_total", b.CalfLoad);
            Assert.True(p.Count == 0, $"{who}: lap {i} ({b.Gait} {b.StartTimeS:F1}–{b.EndTimeS:F1} s): {string.Join("; ", p)}");
        }

        // session and activity
        var session = Assert.Single(d.Of("session"));
        var sp = new List<string>();
        var distance = double.IsFinite(e.SessionDistanceM) ? e.SessionDistanceM : strides.Sum(s => double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0) / feet;
        var leftContact = Mean(left.Select(s => s.ContactTimeS));
        var rightContact = Mean(right.Select(s => s.ContactTimeS));
        Check(sp, session, "start_time", Sec(0), 0);
        Check(sp, session, "timestamp", Sec(endS), 0);
        Check(sp, session, "total_elapsed_time", endS, 0.0005);
        Check(sp, session, "total_timer_time", endS, 0.0005);
        Check(sp, session, "total_distance", distance, 0.005);
        Check(sp, session, "total_cycles", Math.Round((double)strides.Length / feet, MidpointRounding.AwayFromZero), 0);
        Check(sp, session, "avg_speed", Mean(strides.Select(s => s.SpeedMps)), 0.0005);
        CheckCadence(sp, session, "avg_cadence", "avg_fractional_cadence", Mean(strides.Select(s => s.CadenceSpm)));
        Check(sp, session, "avg_stance_time", Mean(strides.Select(s => s.ContactTimeS)) * 1000, 0.05);
        Check(sp, session, "avg_step_length", Mean(strides.Select(s => s.StrideLengthM)) * 1000 / 2, 0.05);
        Check(sp, session, "avg_stance_time_balance", 100 * leftContact / (leftContact + rightContact), 0.005);
        Check(sp, session, "num_laps", bouts.Length > 0 ? bouts.Length : strides.Length > 0 ? 1 : 0, 0);
        CheckEnum(sp, session, "sport", "running");
        CheckEnum(sp, session, "sub_sport", "generic");
        CheckDev(sp, session, "strike_angle", Mean(strides.Select(s => s.StrikeAngleDeg)));
        CheckDev(sp, session, "overstride_share", strides.Length == 0 ? double.NaN : 100.0 * strides.Count(s => s.Overstride) / strides.Length);
        CheckDev(sp, session, "calf_load_total", strides.Sum(s => double.IsFinite(s.CalfLoad) ? s.CalfLoad : 0));
        Assert.True(sp.Count == 0, $"{who}: session: {string.Join("; ", sp)}");

        var activity = Assert.Single(d.Of("activity"));
        Assert.Equal(1, Num(activity, "num_sessions"));
        Assert.Equal(endS, Num(activity, "total_timer_time")!.Value, 0.0005 + Eps);
    }

    /// <summary>The two decoders agree: same messages, and every field both report has the same value.</summary>
    public static void AssertAgree(FitDecoders.Decoded a, FitDecoders.Decoded b)
    {
        foreach (var message in new[] { "file_id", "device_info", "event", "record", "lap", "session", "activity", "field_description", "developer_data_id" })
        {
            var x = a.Of(message);
            var y = b.Of(message);
            Assert.True(x.Count == y.Count, $"{message}: {a.Decoder} read {x.Count}, {b.Decoder} {y.Count}");
            for (var i = 0; i < x.Count; i++)
            {
                var common = 0;
                foreach (var f in x[i].EnumerateObject())
                {
                    if (!y[i].TryGetProperty(f.Name, out var other)) continue;
                    common++;
                    Assert.True(Same(f.Value, other), $"{message}[{i}].{f.Name}: {a.Decoder} {f.Value}, {b.Decoder} {other}");
                }

                Assert.True(common > 0, $"{message}[{i}]: no field read by both decoders");
            }
        }
    }

    private static bool Same(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
            return Math.Abs(a.GetDouble() - b.GetDouble()) <= 1e-9 * Math.Max(1, Math.Abs(a.GetDouble()));
        if (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String) return Norm(a.GetString()) == Norm(b.GetString());
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            // FIT's invalid value is "no value": Garmin's SDK reports such a developer field as null, fit-file-parser
            // leaves it out. A number in one and null in the other still differs (the key sets differ).
            var ka = a.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
            var kb = b.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
            return ka.SequenceEqual(kb) && ka.All(k => Same(a.GetProperty(k), b.GetProperty(k)));
        }

        if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array)
            return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Same(p.First, p.Second));
        // One decoder names a type ("float32"), the other gives its number (136): not a disagreement on the data.
        return a.ValueKind != b.ValueKind && (a.ValueKind is JsonValueKind.String or JsonValueKind.Number) && (b.ValueKind is JsonValueKind.String or JsonValueKind.Number);
    }

    private static List<string> RecordProblems(JsonElement r, double t, StrideMetrics[] all, StrideMetrics[] left, StrideMetrics[] right, int feet)
    {
        var p = new List<string>();
        var l = left.Where(s => s.IcTimeS <= t && t < End(s)).Cast<StrideMetrics?>().FirstOrDefault();
        var rr = right.Where(s => s.IcTimeS <= t && t < End(s)).Cast<StrideMetrics?>().FirstOrDefault();
        var now = new[] { l, rr }.Where(s => s is not null).Select(s => s!.Value).ToArray();
        var distance = all.Sum(s =>
        {
            var len = double.IsFinite(s.StrideLengthM) ? s.StrideLengthM : 0;
            var span = End(s) - s.IcTimeS;
            var share = t < s.IcTimeS ? 0 : span <= 0 || t >= End(s) ? 1 : (t - s.IcTimeS) / span;
            return len * share;
        }) / feet;
        double M(Func<StrideMetrics, double> f) => Mean(now.Select(f));
        Check(p, r, "distance", distance, 0.005);
        Check(p, r, "speed", M(s => s.SpeedMps), 0.0005);
        Check(p, r, "enhanced_speed", M(s => s.SpeedMps), 0.0005);
        CheckCadence(p, r, "cadence", "fractional_cadence", M(s => s.CadenceSpm));
        Check(p, r, "stance_time", M(s => s.ContactTimeS) * 1000, 0.05);
        Check(p, r, "step_length", M(s => s.StrideLengthM) * 1000 / 2, 0.05);
        Check(p, r, "stance_time_balance", l is { } a && rr is { } b ? 100 * a.ContactTimeS / (a.ContactTimeS + b.ContactTimeS) : double.NaN, 0.005);
        CheckDev(p, r, "strike_angle", M(s => s.StrikeAngleDeg));
        CheckDev(p, r, "overstride", now.Length == 0 ? double.NaN : now.Any(s => s.Overstride) ? 1 : 0);
        CheckDev(p, r, "overstride_index", M(s => s.OverstrideIndex));
        CheckDev(p, r, "calf_load", M(s => s.CalfLoad));
        return p;
    }

    private static double End(StrideMetrics s) =>
        double.IsFinite(s.NextIcTimeS) ? s.NextIcTimeS : double.IsFinite(s.StrideTimeS) ? s.IcTimeS + s.StrideTimeS : s.IcTimeS;

    private static double Mean(IEnumerable<double> v) => v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Expected NaN = the field must be absent; else present and within <paramref name="tolerance"/>.</summary>
    private static void Check(List<string> problems, JsonElement m, string field, double expected, double tolerance)
    {
        var v = Num(m, field);
        if (!double.IsFinite(expected))
        {
            if (v is not null) problems.Add($"{field} = {v} where the store has none");
            return;
        }

        if (v is null) problems.Add($"{field} missing (store {expected.ToString(CultureInfo.InvariantCulture)})");
        else if (Math.Abs(v.Value - expected) > tolerance + (Eps * Math.Max(1, Math.Abs(expected))))
            problems.Add($"{field} = {v.Value.ToString(CultureInfo.InvariantCulture)}, store {expected.ToString(CultureInfo.InvariantCulture)} (± {tolerance.ToString(CultureInfo.InvariantCulture)})");
    }

    /// <summary>Running cadence: whole strides/min + fraction (1/128) = steps/min ÷ 2, within half a 1/128.</summary>
    private static void CheckCadence(List<string> problems, JsonElement m, string whole, string fraction, double stepsPerMin)
    {
        var w = Num(m, whole);
        var f = Num(m, fraction);
        if (!double.IsFinite(stepsPerMin))
        {
            if (w is not null || f is not null) problems.Add($"{whole} present where the store has no cadence");
            return;
        }

        if (w is null || f is null) { problems.Add($"{whole}/{fraction} missing"); return; }
        if (Math.Abs(w.Value + f.Value - (stepsPerMin / 2)) > (0.5 / 128) + Eps)
            problems.Add($"{whole} + {fraction} = {w + f} strides/min, store {stepsPerMin / 2}");
        // Garmin's SDK also names the running sub-field; when present it must be the same number.
        var sub = whole.Replace("avg_cadence", "avg_running_cadence", StringComparison.Ordinal);
        if (sub != whole && Num(m, sub) is { } s && s != w) problems.Add($"{sub} = {s} but {whole} = {w}");
    }

    /// <summary>A float32 developer field: within float32's precision; NaN = absent.</summary>
    private static void CheckDev(List<string> problems, JsonElement m, string field, double expected)
    {
        double? v = m.TryGetProperty("developer", out var dev) && dev.TryGetProperty(field, out var x) && x.ValueKind == JsonValueKind.Number ? x.GetDouble() : null;
        if (!double.IsFinite(expected))
        {
            if (v is not null) problems.Add($"developer {field} = {v} where the store has none");
            return;
        }

        if (v is null) problems.Add($"developer {field} missing (store {expected.ToString(CultureInfo.InvariantCulture)})");
        else if (Math.Abs(v.Value - expected) > 1e-6 * Math.Max(1, Math.Abs(expected)))
            problems.Add($"developer {field} = {v.Value.ToString(CultureInfo.InvariantCulture)}, store {expected.ToString(CultureInfo.InvariantCulture)}");
    }

    private static void CheckEnum(List<string> problems, JsonElement m, string field, string expected)
    {
        var v = Str(m, field);
        if (Norm(v) != Norm(expected)) problems.Add($"{field} = {v ?? "missing"}, expected {expected}");
    }

    private static void AssertEnum(string who, string what, string expected, JsonElement m, string field) =>
        Assert.True(Norm(Str(m, field)) == Norm(expected), $"{who}: {what} = {Str(m, field) ?? "missing"}, expected {expected}");

    /// <summary>Enum names compared as both decoders spell them: "stopAll" and "stop_all" are the same.</summary>
    private static string? Norm(string? s) => s?.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    public static double? Num(JsonElement m, string field) =>
        m.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public static string? Str(JsonElement m, string field) =>
        m.TryGetProperty(field, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;
}
