using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Cues;

/// <summary>What <see cref="CueEngine"/> currently measures; read after any <see cref="CueEngine.Update"/>.
/// NaN where a value is not available yet.</summary>
/// <param name="BaselineReady">True once every baseline is known (given, or measured in the first running minute).</param>
/// <param name="CalfLoadPerMin">Calf load per minute of running over the last <see cref="CueSettings.CalfWindowS"/>.</param>
/// <param name="CalfLoadBaselinePerMin">The runner's usual calf load per minute.</param>
/// <param name="OverstrideIndex">Mean overstriding index of the last running strides (Dsp OverstrideAssessor: 0 = as usual,
/// a stretch opens at 2).</param>
/// <param name="OverstrideBaselineIndex">The index of her usual running: 0 by construction once she has a baseline (the
/// index measures the departure from it); NaN before.</param>
/// <param name="ContactAsymmetryPct">|L − R| / mean of recent contact times, %.</param>
/// <param name="StepAsymmetryPct">|L − R| / mean of recent step lengths, %.</param>
/// <param name="LeftContactSharePct">Left contact time / (left + right) × 100 (50 = balanced; Garmin's "GCT balance").</param>
/// <param name="OverstrideHolds">The overstride cue condition holds now (cue raised or debounced).</param>
/// <param name="CalfLoadHolds">The calf-load cue condition holds now.</param>
/// <param name="AsymmetryHolds">An asymmetry cue condition holds now.</param>
/// <param name="CuesRaised">Cues raised so far.</param>
/// <param name="CuesSuppressed">Cue conditions that held but were not raised because of <see cref="CueSettings.MinIntervalS"/>.</param>
public readonly record struct CueDiagnostics(
    bool BaselineReady,
    double CalfLoadPerMin,
    double CalfLoadBaselinePerMin,
    double OverstrideIndex,
    double OverstrideBaselineIndex,
    double ContactAsymmetryPct,
    double ContactAsymmetryBaselinePct,
    double StepAsymmetryPct,
    double StepAsymmetryBaselinePct,
    double LeftContactSharePct,
    bool OverstrideHolds,
    bool CalfLoadHolds,
    bool AsymmetryHolds,
    long CuesRaised,
    long CuesSuppressed);

/// <summary>
/// Turns one runner's strides, as they arrive, into cues: overstriding (<see cref="CueKind.Overstride"/>), calf load
/// well above the runner's usual (<see cref="CueKind.CalfLoad"/>) and growing left/right differences
/// (<see cref="CueKind.Asymmetry"/>). One engine per runner and session; pure and synchronous, bounded memory, no
/// allocation per stride except when a cue is raised.
/// </summary>
/// <remarks>
/// <para>Only running strides count (<see cref="Gait.Run"/>); walking breaks neither trigger nor dilute anything.</para>
/// <para>Baselines: whatever <see cref="CueBaseline"/> gives (e.g. from earlier sessions), otherwise measured over
/// <see cref="CueSettings.BaselineRunningS"/> of running after skipping <see cref="CueSettings.BaselineSkipS"/>.</para>
/// <para>Overstriding: the Dsp judges it over both feet and several strides (OverstrideAssessor: landing angle, cadence
/// for the speed, braking share and contact time against her speed-matched baseline and population references; the
/// construct is in the README). The engine speaks while the latest running stride lies inside a flagged stretch, with
/// the mean of the last <see cref="CueSettings.OverstrideWindowStrides"/> strides' cues as the explanation, and asks
/// for a cadence taken from her own speed–cadence baseline (+5…10 %: Heiderscheit 2011, MSSE 43:296; Lieberman 2015:
/// each +5 strides/min lands the foot 5.9 % closer to the hip).</para>
/// <para>Calf load per minute = Σ per-stride calf load / Σ stride time × feet × 60 over the window: independent of
/// walking gaps and of whether one or two clips report.</para>
/// <para>Asymmetry: contact time per foot, and step length per landing foot (speed × step time, the step ending with
/// that foot's contact). Stride length itself cannot differ between feet — each foot's stride covers the same ground —
/// so a limp shows up in step length, not stride length.</para>
/// </remarks>
public sealed class CueEngine
{
    private const int MaxWindow = 1024;
    private readonly CueSettings _settings;
    private readonly CueBaseline _given;

    // calf window: running strides (time, load, stride time) in arrival order, trimmed by time
    private readonly (double T, double Load, double StrideS)[] _calf = new (double, double, double)[MaxWindow];
    private int _calfStart, _calfCount;

    private readonly OverstrideCues[] _osCues;
    private readonly double[] _osCadence;
    private readonly double[] _osIc;
    private readonly OverstrideCues[] _osScratch;
    private readonly double[] _osCadenceScratch;
    private double _osStretchStartS = double.NaN;
    private int _osNext, _osCount;
    private bool _osFlagNow;

    private readonly Window[] _contact = new Window[2];
    private readonly Window[] _step = new Window[2];
    private readonly double[] _asymSpeed;
    private int _asymSpeedNext, _asymSpeedCount;
    private readonly IcRing[] _ics = [new IcRing(), new IcRing()];
    private readonly bool[] _footSeen = new bool[2];

    private readonly double[] _lastCueS = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity];

    // baseline accumulation
    private double _runningS;
    private double _baseLoad, _baseStrideS;
    private double _calfBaseline, _indexBaseline, _contactAsymBaseline, _stepAsymBaseline;
    private bool _measuredBaselineDone;

    private double _calfNow = double.NaN, _indexNow = double.NaN, _contactAsymNow = double.NaN, _stepAsymNow = double.NaN, _leftShare = double.NaN;
    private long _raised, _suppressed;
    private bool _osHolds, _calfHolds, _asymHolds;

    public CueEngine(CueSettings? settings = null, CueBaseline? baseline = null)
    {
        _settings = settings ?? new CueSettings();
        _settings.Validate();
        _given = baseline ?? new CueBaseline();
        _osCues = new OverstrideCues[_settings.OverstrideWindowStrides];
        _osCadence = new double[_settings.OverstrideWindowStrides];
        _osIc = new double[_settings.OverstrideWindowStrides];
        _osScratch = new OverstrideCues[_settings.OverstrideWindowStrides];
        _osCadenceScratch = new double[_settings.OverstrideWindowStrides];
        _asymSpeed = new double[2 * _settings.AsymmetryWindowStrides];
        for (var f = 0; f < 2; f++)
        {
            _contact[f] = new Window(_settings.AsymmetryWindowStrides);
            _step[f] = new Window(_settings.AsymmetryWindowStrides);
        }

        Reset();
    }

    public CueSettings Settings => _settings;

    /// <summary>Raised synchronously inside <see cref="Update"/> for every cue, on the caller's thread.</summary>
    public event EventHandler<Cue>? CueRaised;

    public CueDiagnostics Diagnostics => new(
        BaselineReady: double.IsFinite(_calfBaseline) && double.IsFinite(_indexBaseline) && double.IsFinite(_contactAsymBaseline) && double.IsFinite(_stepAsymBaseline),
        CalfLoadPerMin: _calfNow,
        CalfLoadBaselinePerMin: _calfBaseline,
        OverstrideIndex: _indexNow,
        OverstrideBaselineIndex: _indexBaseline,
        ContactAsymmetryPct: _contactAsymNow,
        ContactAsymmetryBaselinePct: _contactAsymBaseline,
        StepAsymmetryPct: _stepAsymNow,
        StepAsymmetryBaselinePct: _stepAsymBaseline,
        LeftContactSharePct: _leftShare,
        OverstrideHolds: _osHolds,
        CalfLoadHolds: _calfHolds,
        AsymmetryHolds: _asymHolds,
        CuesRaised: _raised,
        CuesSuppressed: _suppressed);

    /// <summary>Forgets everything measured in the session (given baselines are kept).</summary>
    public void Reset()
    {
        _calfStart = _calfCount = 0;
        _osNext = _osCount = 0;
        _osFlagNow = false;
        _osStretchStartS = double.NaN;
        _asymSpeedNext = _asymSpeedCount = 0;
        foreach (var w in _contact) w.Clear();
        foreach (var w in _step) w.Clear();
        foreach (var r in _ics) r.Clear();
        _footSeen[0] = _footSeen[1] = false;
        Array.Fill(_lastCueS, double.NegativeInfinity);
        _runningS = _baseLoad = _baseStrideS = 0;
        _measuredBaselineDone = false;
        _calfBaseline = _given.CalfLoadPerMin ?? double.NaN;
        _indexBaseline = _given.OverstrideIndex ?? double.NaN;
        _contactAsymBaseline = _given.ContactAsymmetryPct ?? double.NaN;
        _stepAsymBaseline = _given.StepAsymmetryPct ?? double.NaN;
        _calfNow = _indexNow = _contactAsymNow = _stepAsymNow = _leftShare = double.NaN;
        _raised = _suppressed = 0;
        _osHolds = _calfHolds = _asymHolds = false;
    }

    /// <summary>Adds one stride (either foot, in the order the session emits them); returns the number of cues raised.</summary>
    public int Update(in StrideMetrics stride)
    {
        var f = (int)stride.Foot & 1;
        _footSeen[f] = true;
        _ics[f].Add(stride.IcTimeS);
        if (double.IsFinite(stride.NextIcTimeS)) _ics[f].Add(stride.NextIcTimeS);
        if (stride.Gait != Gait.Run || !(stride.StrideTimeS > 0))
        {
            _asymSpeedCount = 0; // after a walk the running must be steady again before asymmetry is judged
            return 0;
        }

        var now = double.IsFinite(stride.NextIcTimeS) ? stride.NextIcTimeS : stride.IcTimeS;
        var feet = (_footSeen[0] ? 1 : 0) + (_footSeen[1] ? 1 : 0);
        _runningS += stride.StrideTimeS / feet;

        AddCalf(stride, feet);
        AddOverstride(stride);
        AddAsymmetry(stride, f);
        CollectBaseline(stride);

        var cues = 0;
        cues += CheckOverstride(now);
        cues += CheckCalf(now);
        cues += CheckAsymmetry(now);
        return cues;
    }

    // ---------------------------------------------------------------- measurements

    private void AddCalf(in StrideMetrics s, int feet)
    {
        if (double.IsFinite(s.CalfLoad))
        {
            if (_calfCount == MaxWindow) { _calfStart = (_calfStart + 1) % MaxWindow; _calfCount--; }
            _calf[(_calfStart + _calfCount) % MaxWindow] = (s.IcTimeS, s.CalfLoad, s.StrideTimeS);
            _calfCount++;
        }

        while (_calfCount > 0 && _calf[_calfStart].T <= s.IcTimeS - _settings.CalfWindowS)
        {
            _calfStart = (_calfStart + 1) % MaxWindow;
            _calfCount--;
        }

        double load = 0, strideS = 0;
        for (var i = 0; i < _calfCount; i++)
        {
            var e = _calf[(_calfStart + i) % MaxWindow];
            load += e.Load;
            strideS += e.StrideS;
        }

        // Judge only a window that is mostly running: after a walk break the first strides would say little.
        _calfNow = strideS >= 0.8 * _settings.CalfWindowS * feet ? load / strideS * feet * 60 : double.NaN;
    }

    private void AddOverstride(in StrideMetrics s)
    {
        // The Dsp judged the stride over both feet and several strides; the engine only speaks about it.
        _osFlagNow = s.Overstride;
        var c = s.OverstrideCues;
        if (c.Reference == OverstrideReference.None || !double.IsFinite(c.Index)) return;
        _osCues[_osNext] = c;
        _osCadence[_osNext] = s.CadenceSpm;
        _osIc[_osNext] = s.IcTimeS;
        _osStretchStartS = s.Overstride ? c.StretchStartS : double.NaN;
        _osNext = (_osNext + 1) % _osCues.Length;
        if (_osCount < _osCues.Length) _osCount++;
        _indexNow = double.IsFinite(c.WindowIndex) ? c.WindowIndex : double.NaN;
        if (c.Reference == OverstrideReference.Personal) _indexBaseline = 0;
    }

    private void AddAsymmetry(in StrideMetrics s, int f)
    {
        _asymSpeed[_asymSpeedNext] = s.SpeedMps;
        _asymSpeedNext = (_asymSpeedNext + 1) % _asymSpeed.Length;
        if (_asymSpeedCount < _asymSpeed.Length) _asymSpeedCount++;
        if (double.IsFinite(s.ContactTimeS)) _contact[f].Add(s.ContactTimeS);
        // The other foot's contact inside this stride splits it into two steps: the one landing on the other foot
        // (IC → other IC) and the one landing on this foot again (other IC → next IC).
        var o = 1 - f;
        var m = _ics[o].FirstIn(s.IcTimeS + 0.02, s.NextIcTimeS - 0.02);
        if (double.IsFinite(m) && double.IsFinite(s.SpeedMps))
        {
            _step[o].Add(s.SpeedMps * (m - s.IcTimeS));
            _step[f].Add(s.SpeedMps * (s.NextIcTimeS - m));
        }

        _contactAsymNow = AsymmetryPct(_contact[0], _contact[1]);
        _stepAsymNow = AsymmetryPct(_step[0], _step[1]);
        _leftShare = _contact[0].Count > 0 && _contact[1].Count > 0
            ? 100 * _contact[0].Mean / (_contact[0].Mean + _contact[1].Mean)
            : double.NaN;
    }

    private double AsymmetryPct(Window left, Window right)
    {
        var need = Math.Max(2, _settings.AsymmetryWindowStrides / 2);
        if (left.Count < need || right.Count < need) return double.NaN;
        var l = left.Mean;
        var r = right.Mean;
        return Math.Abs(l - r) / ((l + r) / 2) * 100;
    }

    private void CollectBaseline(in StrideMetrics s)
    {
        if (_measuredBaselineDone || _runningS <= _settings.BaselineSkipS) return;
        if (double.IsFinite(s.CalfLoad)) { _baseLoad += s.CalfLoad; _baseStrideS += s.StrideTimeS; }
        if (_runningS < _settings.BaselineSkipS + _settings.BaselineRunningS) return;

        _measuredBaselineDone = true;
        var feet = (_footSeen[0] ? 1 : 0) + (_footSeen[1] ? 1 : 0);
        if (double.IsNaN(_calfBaseline) && _baseStrideS > 0) _calfBaseline = _baseLoad / _baseStrideS * feet * 60;
        // A one-clip session has no asymmetry: 0 lets the (absent) measure stay silent without blocking readiness.
        if (double.IsNaN(_contactAsymBaseline)) _contactAsymBaseline = feet < 2 ? 0 : _contactAsymNow;
        if (double.IsNaN(_stepAsymBaseline)) _stepAsymBaseline = feet < 2 ? 0 : _stepAsymNow;
    }

    // ---------------------------------------------------------------- decisions

    private int CheckOverstride(double now)
    {
        _osHolds = false;
        if (!_osFlagNow || _osCount == 0) return 0;
        _osHolds = true;
        // Only build the words when the cue will be spoken (debounced otherwise): no allocation per stride.
        if (now - _lastCueS[(int)CueKind.Overstride] < _settings.MinIntervalS)
        {
            _suppressed++;
            return 0;
        }

        // Explain with the strides of this stretch only (those before it would dilute what changed).
        var n = 0;
        for (var i = 0; i < _osCount; i++)
        {
            if (double.IsFinite(_osStretchStartS) && _osIc[i] < _osStretchStartS - 1e-6) continue;
            _osScratch[n] = _osCues[i];
            _osCadenceScratch[n++] = _osCadence[i];
        }

        var mean = OverstrideExplanation.Mean(_osScratch, n);
        var cadence = Mean(_osCadenceScratch, n);
        var (target, pct) = OverstrideExplanation.TargetCadence(cadence, mean.ExpectedCadenceSpm, _settings.CadenceIncreasePct, _settings.MaxCadenceIncreasePct);
        var message = OverstrideExplanation.CueMessage(target, pct, mean.Reference) + " — " + OverstrideExplanation.RunnerWords(mean);
        return Raise(new Cue(now, CueKind.Overstride, message, "overstride_index", _indexNow, _indexBaseline, OverstrideExplanation.CoachWords(mean, _indexNow)));
    }

    private int CheckCalf(double now)
    {
        _calfHolds = false;
        if (!double.IsFinite(_calfNow) || !(_calfBaseline > 0)) return 0;
        var excessPct = (_calfNow / _calfBaseline - 1) * 100;
        if (excessPct <= _settings.CalfExcessPct) return 0;
        _calfHolds = true;
        var message = string.Create(CultureInfo.InvariantCulture, $"Ease back — your calf load is {excessPct:0} % above your usual");
        return Raise(new Cue(now, CueKind.CalfLoad, message, "calf_load_per_min", _calfNow, _calfBaseline));
    }

    /// <summary>A full window of running and its newest 4 strides' speed within
    /// <see cref="CueSettings.AsymmetrySteadySpeedPct"/> of the window's mean (no speeding up or slowing down).</summary>
    private bool SteadyForAsymmetry()
    {
        const int Newest = 4;
        if (_asymSpeedCount < _asymSpeed.Length) return false;
        double sum = 0, recent = 0;
        for (var i = 0; i < _asymSpeedCount; i++)
        {
            var v = _asymSpeed[i];
            if (!double.IsFinite(v)) return false;
            sum += v;
        }

        for (var k = 1; k <= Newest; k++) recent += _asymSpeed[(_asymSpeedNext - k + _asymSpeed.Length) % _asymSpeed.Length];
        var mean = sum / _asymSpeedCount;
        return mean > 0 && Math.Abs((recent / Newest) - mean) / mean * 100 <= _settings.AsymmetrySteadySpeedPct;
    }

    private int CheckAsymmetry(double now)
    {
        _asymHolds = false;
        if (!SteadyForAsymmetry()) return 0;
        _asymHolds = Asymmetric(_contactAsymNow, _contactAsymBaseline) || Asymmetric(_stepAsymNow, _stepAsymBaseline);
        // Contact time first: it is the measure runners know from their watches (GCT balance).
        if (Asymmetric(_contactAsymNow, _contactAsymBaseline))
        {
            var longer = _contact[0].Mean > _contact[1].Mean ? "left" : "right";
            var message = string.Create(CultureInfo.InvariantCulture,
                $"Your left/right contact time differs by {_contactAsymNow:0} % ({longer} longer)");
            return Raise(new Cue(now, CueKind.Asymmetry, message, "contact_time_asymmetry_pct", _contactAsymNow, _contactAsymBaseline));
        }

        if (Asymmetric(_stepAsymNow, _stepAsymBaseline))
        {
            var longer = _step[0].Mean > _step[1].Mean ? "left" : "right";
            var message = string.Create(CultureInfo.InvariantCulture,
                $"Your left/right step length differs by {_stepAsymNow:0} % ({longer} longer)");
            return Raise(new Cue(now, CueKind.Asymmetry, message, "step_length_asymmetry_pct", _stepAsymNow, _stepAsymBaseline));
        }

        return 0;
    }

    private bool Asymmetric(double now, double baseline) =>
        double.IsFinite(now) && double.IsFinite(baseline)
        && now >= _settings.AsymmetryMinPct && now >= baseline + _settings.AsymmetryRisePct;

    private int Raise(in Cue cue)
    {
        var k = (int)cue.Kind;
        if (cue.TimeS - _lastCueS[k] < _settings.MinIntervalS)
        {
            _suppressed++;
            return 0;
        }

        _lastCueS[k] = cue.TimeS;
        _raised++;
        CueRaised?.Invoke(this, cue);
        return 1;
    }

    private static double Mean(double[] values, int count)
    {
        double sum = 0;
        for (var i = 0; i < count; i++) sum += values[i];
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>Fixed-size ring of the last values with their mean.</summary>
    private sealed class Window(int capacity)
    {
        private readonly double[] _v = new double[capacity];
        private int _next;

        public int Count { get; private set; }

        public double Mean => CueEngine.Mean(_v, Count);

        public void Add(double value)
        {
            _v[_next] = value;
            _next = (_next + 1) % _v.Length;
            if (Count < _v.Length) Count++;
        }

        public void Clear() { _next = 0; Count = 0; }
    }

    /// <summary>The last initial-contact times of one foot (a stride's IC and its next IC), to split strides into steps.</summary>
    private sealed class IcRing
    {
        private readonly double[] _t = new double[16];
        private int _next, _count;

        public void Add(double t)
        {
            if (!double.IsFinite(t)) return;
            for (var i = 0; i < _count; i++) if (Math.Abs(_t[i] - t) < 1e-6) return;
            _t[_next] = t;
            _next = (_next + 1) % _t.Length;
            if (_count < _t.Length) _count++;
        }

        public double FirstIn(double from, double to)
        {
            var best = double.NaN;
            for (var i = 0; i < _count; i++)
                if (_t[i] > from && _t[i] < to && !(_t[i] >= best)) best = _t[i];
            return best;
        }

        public void Clear() { _next = 0; _count = 0; }
    }
}
