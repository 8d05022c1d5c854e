using System.Globalization;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Cues;

/// <summary>
/// Words for an overstriding judgement (Dsp OverstrideAssessor's <see cref="OverstrideCues"/>): the runner's ("stride
/// +19 %, cadence −8 %, landing 10° more heel-first than your usual at this pace") and the coach's (the index and its
/// parts, and what it was compared with). The same text goes to the live cue, the stored alert, `gaitgw report`, the
/// `replay` summary and the dashboard.
/// </summary>
public static class OverstrideExplanation
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Mean of the judged cues (the reference is the one most of them used).</summary>
    public static OverstrideCues Mean(ReadOnlySpan<OverstrideCues> cues, int count)
    {
        count = Math.Min(count, cues.Length);
        double idx = 0, st = 0, ca = 0, br = 0, co = 0, dStrike = 0, dCad = 0, dStride = 0, dBrake = 0, vRef = 0, exp = 0;
        int n = 0, personal = 0, nBrake = 0;
        for (var i = 0; i < count; i++)
        {
            var c = cues[i];
            if (c.Reference == OverstrideReference.None || !double.IsFinite(c.Index)) continue;
            n++;
            if (c.Reference == OverstrideReference.Personal) personal++;
            idx += c.Index; st += c.StrikeScore; ca += c.CadenceScore; br += c.BrakingScore; co += c.ContactScore;
            dStrike += c.StrikeChangeDeg; dCad += c.CadenceChangePct; dStride += c.StrideChangePct;
            vRef += c.ReferenceSpeedMps; exp += c.ExpectedCadenceSpm;
            if (double.IsFinite(c.BrakingShareChange)) { dBrake += c.BrakingShareChange; nBrake++; }
        }

        if (n == 0) return default;
        return new OverstrideCues
        {
            Reference = personal * 2 >= n ? OverstrideReference.Personal : OverstrideReference.Population,
            Index = idx / n, StrikeScore = st / n, CadenceScore = ca / n, BrakingScore = br / n, ContactScore = co / n,
            StrikeChangeDeg = dStrike / n, CadenceChangePct = dCad / n, StrideChangePct = dStride / n,
            BrakingShareChange = nBrake > 0 ? dBrake / nBrake : double.NaN,
            ReferenceSpeedMps = vRef / n, ExpectedCadenceSpm = exp / n, WindowIndex = double.NaN, StretchStartS = double.NaN,
        };
    }

    /// <summary>The cadence the cue asks for: her usual cadence at this speed (speed–cadence baseline), at least
    /// <paramref name="minPct"/> and at most <paramref name="maxPct"/> above her present cadence. Returns the target,
    /// steps/min, and the rise in whole per cent.</summary>
    public static (double TargetSpm, double RisePct) TargetCadence(double presentSpm, double expectedSpm, double minPct, double maxPct)
    {
        if (!(presentSpm > 0)) return (double.NaN, minPct);
        var lo = presentSpm * (1 + (minPct / 100));
        var hi = presentSpm * (1 + (maxPct / 100));
        var target = double.IsFinite(expectedSpm) ? Math.Clamp(expectedSpm, lo, hi) : lo;
        return (target, Math.Round(100 * ((target / presentSpm) - 1)));
    }

    /// <summary>"Shorten your stride and lift your cadence about 5 % (to about 165 steps/min, your usual at this pace)".</summary>
    public static string CueMessage(double targetSpm, double risePct, OverstrideReference reference)
    {
        var text = string.Create(Inv, $"Shorten your stride and lift your cadence about {risePct:0} %");
        if (!double.IsFinite(targetSpm)) return text;
        return text + string.Create(Inv, $" (to about {targetSpm:0} steps/min{(reference == OverstrideReference.Personal ? ", your usual at this pace" : "")})");
    }

    /// <summary>The runner's words: what changed, against what. Stride and cadence are told against her usual running
    /// (what she knows as "my running"), the landing angle against her usual at this pace.</summary>
    public static string RunnerWords(in OverstrideCues c)
    {
        if (c.Reference == OverstrideReference.None) return "";
        var landing = c.StrikeChangeDeg >= 1.5
            ? string.Create(Inv, $"landing {c.StrikeChangeDeg:0}° more heel-first")
            : "landing angle as usual";
        var text = c.Reference == OverstrideReference.Personal
            ? string.Create(Inv, $"stride {Signed(c.StrideChangePct)} %, cadence {Signed(c.CadenceChangePct)} % against your usual running, {landing} than your usual at this pace")
            : string.Create(Inv, $"stride {Signed(c.StrideChangePct)} %, cadence {Signed(c.CadenceChangePct)} % against typical runners at {c.ReferenceSpeedMps:0.0} m/s, landing {c.StrikeChangeDeg + 15:0}° heel-first (typical 8–15°)");
        if (c.BrakingScore >= 1 && double.IsFinite(c.BrakingShareChange))
            text += string.Create(Inv, $", the foot landing further ahead (braking {Signed(100 * c.BrakingShareChange)} % of the contact)");
        return text;
    }

    /// <summary>The coach's words: the index, its parts, and the reference.</summary>
    public static string CoachWords(in OverstrideCues c, double windowIndex)
    {
        var reference = c.Reference == OverstrideReference.Personal
            ? string.Create(Inv, $"her own speed-matched baseline (usual running {c.ReferenceSpeedMps:0.00} m/s; usual cadence at this speed {c.ExpectedCadenceSpm:0} steps/min)")
            : "population references (no speed-matched baseline of hers scored higher)";
        var shown = double.IsFinite(windowIndex) ? windowIndex : c.Index;
        return string.Create(Inv,
            $"overstriding index {shown:0.0} (flag at 2.0) = strike {c.StrikeScore:0.0} + cadence {c.CadenceScore:0.0} + braking {c.BrakingScore:0.0} + ½·contact {c.ContactScore:0.0}; landing {Signed(c.StrikeChangeDeg)}°, cadence {Signed(c.CadenceChangePct)} %, stride {Signed(c.StrideChangePct)} %{(double.IsFinite(c.BrakingShareChange) ? string.Create(Inv, $", braking share {c.BrakingShareChange:+0.00;−0.00}") : "")}; against {reference}");
    }

    private static string Signed(double v) => double.IsFinite(v) ? v.ToString("+0;−0;0", Inv) : "?";
}
