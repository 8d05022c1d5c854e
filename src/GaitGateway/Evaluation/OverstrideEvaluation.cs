using System.Globalization;
using GaitGateway.Coaching.Cues;
using GaitGateway.Core.Strides;

namespace GaitGateway.Evaluation;

/// <summary>Overstriding against a truth file: what issue 12 asks to be measured per scenario.</summary>
/// <param name="TruthOverstriding">Truth running strides labelled overstriding.</param>
/// <param name="TruthOverstridingInStretch">...of them whose contact lies inside one of our flagged stretches.</param>
/// <param name="TruthNormalRunning">Truth running strides not labelled overstriding.</param>
/// <param name="TruthNormalInStretch">...of them inside a flagged stretch (false flags).</param>
/// <param name="Stretches">Flagged stretches (start, end), s.</param>
/// <param name="FirstCueDelayS">First overstriding cue after the first truth overstriding stride, s; NaN = no cue (or no overstriding).</param>
/// <param name="OverstrideCues">Overstriding cues raised over the session.</param>
/// <param name="FirstCue">The first overstriding cue, if any.</param>
/// <param name="PeakNormalWindowIndex">Highest window index (the stretch decision's input, flag at 2) of our strides
/// outside the truth's overstriding: the margin the look-alikes leave; NaN when none was judged.</param>
public sealed record OverstrideFigures(
    int TruthOverstriding, int TruthOverstridingInStretch, int TruthNormalRunning, int TruthNormalInStretch,
    IReadOnlyList<(double StartS, double EndS)> Stretches, double FirstCueDelayS, int OverstrideCues, Cue? FirstCue,
    double PeakNormalWindowIndex = double.NaN)
{
    /// <summary>Share of truth overstriding strides inside flagged stretches, 0..1; NaN without overstriding.</summary>
    public double Recall => TruthOverstriding == 0 ? double.NaN : (double)TruthOverstridingInStretch / TruthOverstriding;

    /// <summary>Share of normal running strides inside flagged stretches, 0..1; NaN without normal running.</summary>
    public double FalseFlagRate => TruthNormalRunning == 0 ? double.NaN : (double)TruthNormalInStretch / TruthNormalRunning;

    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var recall = TruthOverstriding == 0 ? "recall - (no overstriding in the truth)"
            : string.Create(inv, $"recall {Recall * 100:F1} % ({TruthOverstridingInStretch}/{TruthOverstriding} truth overstriding strides inside flagged stretches)");
        var cue = TruthOverstriding == 0 ? "" : double.IsFinite(FirstCueDelayS)
            ? string.Create(inv, $", first cue {FirstCueDelayS:F1} s after it began")
            : ", no cue";
        var falseFlags = TruthNormalRunning == 0 ? "false flags - (no normal running)"
            : string.Create(inv, $"false flags {FalseFlagRate * 100:F1} % ({TruthNormalInStretch}/{TruthNormalRunning} normal running strides)");
        var text = string.Create(inv, $"overstriding: {recall}{cue}; {falseFlags}; {Stretches.Count} flagged stretch(es), {OverstrideCues} cue(s); peak index outside overstriding {PeakNormalWindowIndex:F1} (flag at 2.0)");
        if (FirstCue is { } c) text += $"\n  cue: {c.Message}\n  coach: {c.Detail}";
        return text;
    }
}

public static class OverstrideEvaluation
{
    /// <summary>Truth strides with a duty factor above this are walking (walking ≈ 0.6, running ≤ 0.45).</summary>
    private const double WalkDutyFactor = 0.5;

    /// <param name="truth">Truth strides (the simulator's truth CSV).</param>
    /// <param name="ours">Our strides as the live path emitted them (flags and cues set by the Dsp's OverstrideAssessor).</param>
    public static OverstrideFigures Compare(IReadOnlyList<StrideMetrics> truth, IReadOnlyList<StrideMetrics> ours)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(ours);
        var stretches = Stretches(ours);
        bool Inside(double t) => stretches.Any(s => t >= s.StartS && t <= s.EndS);
        var running = truth.Where(t => t.ContactTimeS / t.StrideTimeS < WalkDutyFactor).ToList();
        var over = running.Where(t => t.Overstride).ToList();
        var normal = running.Where(t => !t.Overstride).ToList();

        var analysis = SessionAnalysis.Run(ours);
        var cues = analysis.Cues.Where(c => c.Kind == CueKind.Overstride).ToList();
        var delay = double.NaN;
        Cue? first = cues.Count > 0 ? cues[0] : null;
        if (over.Count > 0)
        {
            var start = over.Min(t => t.IcTimeS);
            var c = cues.FirstOrDefault(c => c.TimeS >= start);
            if (c.Message is not null) { delay = c.TimeS - start; first = c; }
        }

        // Outside the truth's overstriding (with 3 s either side for the window to fill and drain).
        var (oFrom, oTo) = over.Count > 0 ? (over.Min(t => t.IcTimeS) - 3, over.Max(t => t.NextIcTimeS) + 3) : (double.NaN, double.NaN);
        var outside = ours.Where(s => double.IsFinite(s.OverstrideCues.WindowIndex) && !(s.IcTimeS >= oFrom && s.IcTimeS <= oTo)).ToList();
        var peak = outside.Count > 0 ? outside.Max(s => s.OverstrideCues.WindowIndex) : double.NaN;
        return new OverstrideFigures(over.Count, over.Count(t => Inside(t.IcTimeS)), normal.Count, normal.Count(t => Inside(t.IcTimeS)),
            stretches, delay, cues.Count, first, peak);
    }

    /// <summary>Flagged stretches from the strides: each flagged stride carries the start of its stretch; a stretch ends
    /// with the last contact of its flagged strides.</summary>
    public static List<(double StartS, double EndS)> Stretches(IEnumerable<StrideMetrics> strides)
    {
        var result = new List<(double StartS, double EndS)>();
        foreach (var s in strides.Where(s => s.Overstride).OrderBy(s => s.IcTimeS)) AddToStretches(result, s);
        return result;
    }

    /// <summary>One stride of <see cref="Stretches"/>, for callers that stream strides in contact-time order.</summary>
    public static void AddToStretches(List<(double StartS, double EndS)> result, in StrideMetrics s)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!s.Overstride) return;
        var start = double.IsFinite(s.OverstrideCues.StretchStartS) ? Math.Min(s.OverstrideCues.StretchStartS, s.IcTimeS) : s.IcTimeS;
        var end = double.IsFinite(s.NextIcTimeS) ? s.NextIcTimeS : s.IcTimeS;
        if (result.Count > 0 && start <= result[^1].EndS + 0.5)
            result[^1] = (Math.Min(result[^1].StartS, start), Math.Max(result[^1].EndS, end));
        else
            result.Add((start, end));
    }
}
