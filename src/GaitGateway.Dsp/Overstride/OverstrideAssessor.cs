using GaitGateway.Core.Strides;

namespace GaitGateway.Dsp.Overstride;

/// <summary>Diagnostics of <see cref="OverstrideAssessor"/>.</summary>
/// <param name="StretchOpen">A flagged stretch is open now.</param>
/// <param name="StretchesOpened">Stretches opened so far.</param>
/// <param name="Judged">Running strides judged.</param>
/// <param name="NotJudgedSlowing">Running strides left out because the runner was slowing down.</param>
/// <param name="BaselineStrides">Strides behind her speed-matched baseline (history and this session; capped per bin).</param>
public readonly record struct OverstrideDiagnostics(bool StretchOpen, int StretchesOpened, long Judged, long NotJudgedSlowing, int BaselineStrides);

/// <summary>
/// Overstriding as a coach would judge it, from both feet's strides in the order the session emits them: four cues
/// (landing angle, cadence for the speed, braking share, contact time for the speed) against the runner's own
/// speed-matched baseline and against population references, combined into one index, flagged only over stretches of
/// several strides. Pure and synchronous; bounded memory (a few rings and the baseline's bins); no allocation per stride.
/// </summary>
/// <remarks>
/// <para>The construct, its sources and the index are written down in the README ("Overstriding: what the flag
/// means"); <see cref="OverstrideAssessorSettings"/> cites the source of each unit and threshold. In short: score =
/// excess over the expected value in the cue's unit, clipped to 0…2; index = strike + cadence + braking + ½·contact,
/// personal and population both computed and the larger kept (so a habitual overstrider is flagged on her first
/// run); a stretch opens when the mean index of the last <see cref="OverstrideAssessorSettings.WindowStrides"/>
/// judged strides reaches <see cref="OverstrideAssessorSettings.FlagIndex"/> and closes below
/// <see cref="OverstrideAssessorSettings.ReleaseIndex"/>.</para>
/// <para>Centre-of-mass position cannot be seen from the feet (REFERENCES.md), so no cue alone is the definition:
/// Wille 2014 (JOSPT 44:825) found foot inclination, heel–COM distance and COM excursion together explain half of the
/// braking impulse; Lieberman 2015 (J Exp Biol 218:3406) ties braking to the landing distance and that to stride
/// frequency; Heiderscheit 2011 (MSSE 43:296) shows ±5–10 % step rate moving all of them.</para>
/// </remarks>
public sealed class OverstrideAssessor
{
    private readonly OverstrideAssessorSettings _s;
    private readonly double _brakingReferenceShare;
    private readonly OverstrideBaseline _baseline;
    private readonly double[] _index;
    private readonly double[] _icS;
    private int _next, _count;
    private readonly double[] _speeds;
    private readonly double[] _speedScratch;
    private int _speedNext, _speedCount;
    private bool _open;
    private double _stretchStartS = double.NaN;
    private int _opened;
    private int _slowingRun;
    private long _judged, _slowing;

    /// <param name="settings">Null = defaults.</param>
    /// <param name="history">Her baseline from stored sessions (<see cref="OverstrideBaseline.Learn"/>); the assessor keeps
    /// adding this session's steady running to it. Null = start from nothing.</param>
    /// <param name="brakingReferenceShare">Braking share that the stride's <see cref="StrideMetrics.OverstrideIndex"/>
    /// divides by (Dsp <c>OverstrideSettings.ReferenceBrakingShare</c>, default 0.5).</param>
    public OverstrideAssessor(OverstrideAssessorSettings? settings = null, OverstrideBaseline? history = null, double brakingReferenceShare = 0.5)
    {
        _s = settings ?? new OverstrideAssessorSettings();
        _s.Validate();
        _brakingReferenceShare = brakingReferenceShare;
        _baseline = history ?? new OverstrideBaseline(_s);
        _index = new double[_s.WindowStrides];
        _icS = new double[_s.WindowStrides];
        _speeds = new double[_s.SpeedTrendStrides];
        _speedScratch = new double[_s.SpeedTrendStrides];
    }

    public OverstrideAssessorSettings Settings => _s;

    /// <summary>Her speed-matched baseline as learnt so far.</summary>
    public OverstrideBaseline Baseline => _baseline;

    public OverstrideDiagnostics Diagnostics => new(_open, _opened, _judged, _slowing, _baseline.Strides);

    /// <summary>Re-assesses stored strides (time order) with a fresh assessor: the same flags and cues the live path gave,
    /// from the stored columns (for charts and analyses of stored sessions).</summary>
    public static List<StrideMetrics> Reassess(IEnumerable<StrideMetrics> strides, OverstrideAssessorSettings? settings = null, OverstrideBaseline? history = null)
    {
        ArgumentNullException.ThrowIfNull(strides);
        var a = new OverstrideAssessor(settings, history);
        return strides.OrderBy(s => s.IcTimeS).Select(s => a.Assess(s)).ToList();
    }

    /// <summary>Judges one stride; returns it with <see cref="StrideMetrics.Overstride"/> (inside a flagged stretch) and
    /// <see cref="StrideMetrics.OverstrideCues"/> set.</summary>
    public StrideMetrics Assess(in StrideMetrics s)
    {
        if (s.Gait != Gait.Run)
        {
            // A walk break ends any stretch; the next run's first strides are judged afresh (the baseline stays).
            if (s.Gait == Gait.Walk) EndRun();
            return s with { Overstride = false, OverstrideCues = NotJudged };
        }

        var v = s.SpeedMps;
        // A saturated gyroscope bends the orientation the landing angle is read from (REFERENCES.md: ±500 °/s clips in
        // jogging): such a stride's cues are not trusted, neither for a flag nor for the baseline.
        if (!(v >= _s.MinSpeedMps) || !double.IsFinite(s.CadenceSpm) || !double.IsFinite(s.StrikeAngleDeg) || !double.IsFinite(s.StrideLengthM)
            || (s.Flags & StrideFlags.GyroClipped) != 0)
            return s with { Overstride = _open, OverstrideCues = NotJudged with { StretchStartS = _open ? _stretchStartS : double.NaN } };

        var trend = SpeedTrend();
        AddSpeed(v);
        var enough = _speedCount > _s.SpeedTrendStrides / 2;
        var slowing = enough && v < (1 - _s.SlowingFraction) * trend;
        var steady = enough && Math.Abs(v - trend) <= _s.SteadyFraction * trend;

        var braking = s.OverstrideIndex * _brakingReferenceShare;
        var pop = Population(s, braking);
        var expected = _baseline.ExpectedAt(v);
        var personal = expected is { } e ? Personal(s, braking, e) : default;
        var usePersonal = expected is not null && personal.Index >= pop.Index;
        var cues = usePersonal ? personal : pop;

        if (slowing)
        {
            // Slowing down is not overstriding: its strides neither open nor feed a stretch, and two in a row end one.
            // (One slow stride alone is the scatter of a braking landing, not the runner slowing.)
            _slowing++;
            if (++_slowingRun >= 2)
            {
                _open = false;
                _stretchStartS = double.NaN;
                _next = _count = 0;
            }

            return s with { Overstride = _open, OverstrideCues = cues with { Reference = OverstrideReference.None, Index = double.NaN, WindowIndex = double.NaN, StretchStartS = _open ? _stretchStartS : double.NaN } };
        }

        _slowingRun = 0;

        _judged++;
        var index = cues.Index;
        _index[_next] = index;
        _icS[_next] = s.IcTimeS;
        _next = (_next + 1) % _index.Length;
        if (_count < _index.Length) _count++;
        var window = double.NaN;
        if (_count == _index.Length)
        {
            double sum = 0;
            for (var i = 0; i < _count; i++) sum += _index[i];
            window = sum / _count;
            if (!_open && window >= _s.FlagIndex)
            {
                _open = true;
                _opened++;
                _stretchStartS = StretchStart();
            }
            else if (_open && window < _s.ReleaseIndex)
            {
                _open = false;
                _stretchStartS = double.NaN;
            }
        }

        // Her baseline learns from steady running that is not overstriding by either reference.
        if (!_open && steady && (expected is null || personal.Index < _s.MaxBaselineIndex) && pop.Index < _s.FlagIndex)
            _baseline.Add(v, s.CadenceSpm, s.StrideLengthM, s.StrikeAngleDeg, braking, s.ContactTimeS);

        return s with { Overstride = _open, OverstrideCues = cues with { WindowIndex = window, StretchStartS = _open ? _stretchStartS : double.NaN } };
    }

    /// <summary>Forgets the session (stretch state, windows); the baseline keeps what it has learnt.</summary>
    public void Reset()
    {
        EndRun();
        _opened = 0;
        _judged = _slowing = 0;
    }

    private static OverstrideCues NotJudged => new()
    {
        Reference = OverstrideReference.None, Index = double.NaN, WindowIndex = double.NaN, StrikeChangeDeg = double.NaN,
        CadenceChangePct = double.NaN, StrideChangePct = double.NaN, BrakingShareChange = double.NaN, ReferenceSpeedMps = double.NaN,
        ExpectedCadenceSpm = double.NaN, StretchStartS = double.NaN,
    };

    private void EndRun()
    {
        _next = _count = 0;
        _speedNext = _speedCount = 0;
        _open = false;
        _stretchStartS = double.NaN;
        _slowingRun = 0;
    }

    private double Score(double excess, double unit) => double.IsFinite(excess) ? Math.Clamp(excess / unit, 0, _s.MaxScore) : 0;

    private OverstrideCues Population(in StrideMetrics s, double braking)
    {
        var v = s.SpeedMps;
        var popCadence = _s.PopulationCadenceAt2p6Spm + (_s.PopulationCadenceSlopeSpmPerMps * (v - 2.6));
        var strike = Score(s.StrikeAngleDeg - _s.PopulationStrikeDeg, _s.StrikeUnitDeg);
        var cadence = Score((popCadence - s.CadenceSpm) / popCadence, _s.PopulationCadenceUnitFraction);
        var brake = Score(braking - _s.PopulationBrakingShare, _s.BrakingUnit);
        var popStride = v * 120 / popCadence;
        return new OverstrideCues
        {
            Reference = OverstrideReference.Population,
            Index = strike + cadence + brake,
            StrikeScore = strike, CadenceScore = cadence, BrakingScore = brake, ContactScore = 0,
            StrikeChangeDeg = s.StrikeAngleDeg - _s.PopulationStrikeDeg,
            CadenceChangePct = 100 * ((s.CadenceSpm / popCadence) - 1),
            StrideChangePct = 100 * ((s.StrideLengthM / popStride) - 1),
            BrakingShareChange = double.IsFinite(braking) ? braking - _s.PopulationBrakingShare : double.NaN,
            ReferenceSpeedMps = v,
            ExpectedCadenceSpm = _baseline.ExpectedAt(v)?.CadenceSpm ?? popCadence,
        };
    }

    private OverstrideCues Personal(in StrideMetrics s, double braking, UsualRunning e)
    {
        var strike = Score(s.StrikeAngleDeg - e.StrikeAngleDeg, _s.StrikeUnitDeg);
        var cadence = Score((e.CadenceSpm - s.CadenceSpm) / e.CadenceSpm, _s.CadenceUnitFraction);
        var brake = Score(braking - e.BrakingShare, _s.BrakingUnit);
        var contact = Score((s.ContactTimeS / e.ContactTimeS) - 1, _s.ContactUnitFraction);
        // Stride and cadence are told against her usual running (what she knows as "my running"), the landing angle
        // against what she usually does at this pace.
        var usual = _baseline.Usual ?? e;
        return new OverstrideCues
        {
            Reference = OverstrideReference.Personal,
            Index = strike + cadence + brake + (_s.ContactWeight * contact),
            StrikeScore = strike, CadenceScore = cadence, BrakingScore = brake, ContactScore = contact,
            StrikeChangeDeg = s.StrikeAngleDeg - e.StrikeAngleDeg,
            CadenceChangePct = 100 * ((s.CadenceSpm / usual.CadenceSpm) - 1),
            StrideChangePct = 100 * ((s.StrideLengthM / usual.StrideLengthM) - 1),
            BrakingShareChange = double.IsFinite(braking) && double.IsFinite(e.BrakingShare) ? braking - e.BrakingShare : double.NaN,
            ReferenceSpeedMps = usual.SpeedMps,
            ExpectedCadenceSpm = e.CadenceSpm,
        };
    }

    /// <summary>The stretch began with the run of strides (newest backwards) that each scored at least the release level.</summary>
    private double StretchStart()
    {
        var start = double.NaN;
        for (var k = 1; k <= _count; k++)
        {
            var i = ((_next - k) % _index.Length + _index.Length) % _index.Length;
            if (k > 1 && _index[i] < _s.ReleaseIndex) break;
            start = _icS[i];
        }

        return start;
    }

    /// <summary>Median of the last strides' speeds: one stride whose speed is off (a bridged gap, a lost contact) must not
    /// make the next ones look like slowing down.</summary>
    private double SpeedTrend()
    {
        if (_speedCount == 0) return double.NaN;
        Array.Copy(_speeds, _speedScratch, _speedCount);
        Array.Sort(_speedScratch, 0, _speedCount);
        var m = _speedCount / 2;
        return _speedCount % 2 == 1 ? _speedScratch[m] : (_speedScratch[m - 1] + _speedScratch[m]) / 2;
    }

    private void AddSpeed(double v)
    {
        _speeds[_speedNext] = v;
        _speedNext = (_speedNext + 1) % _speeds.Length;
        if (_speedCount < _speeds.Length) _speedCount++;
    }
}
