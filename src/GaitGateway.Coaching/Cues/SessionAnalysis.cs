using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Cues;

/// <summary>A stretch of a session where a cue condition held (whether or not a cue was spoken: cues are debounced).</summary>
/// <param name="Kind">Overstride or calf load.</param>
/// <param name="StartS">Session time the condition started to hold, s.</param>
/// <param name="EndS">Session time it last held, s.</param>
/// <param name="PeakValue">Largest value of the measurement inside the stretch (index, or calf load per minute).</param>
public readonly record struct CueStretch(CueKind Kind, double StartS, double EndS, double PeakValue);

/// <summary>A stored session replayed through <see cref="CueEngine"/>: the cues it raised and where its overstride and
/// calf-load conditions held — what the session charts mark. Same engine as live, so chart and cue agree.</summary>
public sealed record SessionAnalysis(IReadOnlyList<Cue> Cues, IReadOnlyList<CueStretch> Stretches, CueDiagnostics Final)
{
    /// <summary>Stretches separated by less than this are merged, s. 3 s: a stride or two below threshold is noise.</summary>
    public const double MergeGapS = 3;

    public static SessionAnalysis Run(IEnumerable<StrideMetrics> strides, CueSettings? settings = null, CueBaseline? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(strides);
        var builder = new Builder(settings, baseline);
        foreach (var s in strides.Where(s => double.IsFinite(s.IcTimeS)).OrderBy(s => s.IcTimeS)) builder.Add(s);
        return builder.Build();
    }

    /// <summary>
    /// The same analysis stride by stride, for a replay that keeps no strides (memory flat however long the
    /// recording): feed strides in contact-time order (<see cref="Run"/> sorts them; a streaming caller merges the feet).
    /// </summary>
    public sealed class Builder
    {
        private readonly CueEngine _engine;
        private readonly List<Cue> _cues = [];
        private readonly List<CueStretch> _stretches = [];
        private CueStretch? _os, _calf;

        public Builder(CueSettings? settings = null, CueBaseline? baseline = null)
        {
            _engine = new CueEngine(settings, baseline);
            _engine.CueRaised += (_, c) => _cues.Add(c);
        }

        public void Add(in StrideMetrics s)
        {
            if (!double.IsFinite(s.IcTimeS)) return;
            _engine.Update(s);
            if (s.Gait != Gait.Run) return;
            var d = _engine.Diagnostics;
            var t = double.IsFinite(s.NextIcTimeS) ? s.NextIcTimeS : s.IcTimeS;
            Track(ref _os, CueKind.Overstride, d.OverstrideHolds, t, d.OverstrideIndex, _stretches);
            Track(ref _calf, CueKind.CalfLoad, d.CalfLoadHolds, t, d.CalfLoadPerMin, _stretches);
        }

        public SessionAnalysis Build()
        {
            var stretches = new List<CueStretch>(_stretches);
            if (_os is { } o) stretches.Add(o);
            if (_calf is { } c) stretches.Add(c);
            return new SessionAnalysis(_cues.ToArray(), stretches.OrderBy(x => x.StartS).ToArray(), _engine.Diagnostics);
        }
    }

    private static void Track(ref CueStretch? open, CueKind kind, bool holds, double t, double value, List<CueStretch> done)
    {
        if (holds)
        {
            if (open is { } o && t - o.EndS <= MergeGapS) open = o with { EndS = t, PeakValue = Math.Max(o.PeakValue, value) };
            else
            {
                if (open is { } prev) done.Add(prev);
                open = new CueStretch(kind, t, t, value);
            }
        }
        else if (open is { } o && t - o.EndS > MergeGapS)
        {
            done.Add(o);
            open = null;
        }
    }
}
