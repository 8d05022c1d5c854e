using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GaitGateway.Dsp.Segmentation;

namespace GaitGateway.Dsp.Events;

/// <summary>Settings of <see cref="ImpactPhaseTemplate"/>.</summary>
/// <param name="LearnStrides">Running strides the template is first built from, and the memory of its running average
/// afterwards (strides). Default 32; 0 turns the template off (contacts then come from the single-stride estimate
/// alone). Contacts fall at uniformly spread places within the sample period, so 32 strides put ~4 samples into each
/// eighth of it at 200 Hz.</param>
/// <param name="BinsPerSample">Resolution of the learned impact, bins per sample period. Default 8: 0.6 ms at 200 Hz.</param>
/// <param name="BeforeS">Window before the contact that is fitted, s. Default 0.01 s: the end of the swing.</param>
/// <param name="AfterS">Window after the contact that is fitted, s. Default 0.03 s: the impact's rise and its first
/// ringing, before the foot-flat slap that follows a heel strike 30–80 ms later.</param>
/// <param name="SearchSamples">How far from the single-stride estimate the contact may move, sample periods. Default 1.5:
/// that estimate is off by a whole sample on some strides, never by two.</param>
/// <param name="MaxRateHz">Above this sample rate contacts keep the single-stride estimate. Default 500 Hz: at 800–1000 Hz
/// the first sample that departs from the swing is within a millisecond of the contact and that estimate is already
/// within 0.3–0.4 ms (cadence 0.03–0.06 steps/min in simulation), where a template fitted to impacts that vary from
/// stride to stride did no better (1000-Hz cadence 0.05 → 0.07–0.11 steps/min over the widened simulator table).</param>
/// <param name="MaxMisfit">A stride whose impact, scaled and offset, leaves more than this fraction of its variance
/// unexplained by the learned one is not timed (nor learned) by it. Default 0.1.</param>
public sealed record ImpactTemplateSettings(
    int LearnStrides = 32,
    int BinsPerSample = 8,
    double BeforeS = 0.01,
    double AfterS = 0.03,
    double SearchSamples = 1.5,
    double MaxRateHz = 500,
    double MaxMisfit = 0.1);

/// <summary>
/// Times a running contact against the runner's own impact, learned from her strides at sub-sample resolution
/// ("equivalent-time sampling", as a sampling oscilloscope builds a fast waveform from many slow sweeps).
/// </summary>
/// <remarks>
/// <para>A single stride's samples place its contact only as well as the impact's shape lets them: where a ring turns
/// within one sample period (a 100-Hz ring at 200 Hz) no single feature of the first samples moves steadily with the
/// contact's place in the period, and the contact is known to its sample interval (±2.5 ms at 200 Hz, ≈ 0.45 steps/min on
/// a 4.5-m/s stride's cadence). But a runner's impacts repeat: the same shoe, surface and landing give the same waveform,
/// sampled each time at another phase, because the contact does not know the clip's sample clock. Laid over each other
/// at their contact times, a few dozen strides sample that waveform densely; each new stride is then timed by sliding
/// the learned waveform along its samples (scale and offset free: impacts differ in strength) to the best fit, with
/// every sample of the impact, not one feature, carrying the timing.</para>
/// <para>Shape-free by construction: nothing here knows what an impact looks like. The first <see
/// cref="ImpactTemplateSettings.LearnStrides"/> strides are timed by the single-stride estimate; their waveforms are
/// then aligned to each other (three rounds of fit and rebuild) and the template's origin is set so that their mean
/// contact time is unchanged: the template sharpens the stride-to-stride timing, the single-stride estimate still sets
/// the absolute one. A stride whose impact does not fit (<see cref="ImpactTemplateSettings.MaxMisfit"/>: a stumble, a
/// change of surface, a gap) keeps the single-stride estimate and is not learned; a change of the sample rate starts
/// over. Everything is sized in the constructor for the highest rate served: nothing is allocated per sample or per
/// stride.</para>
/// <para>Where it cannot help: an impact ringing at the Nyquist rate (100 Hz at 200 Hz). Moving such a ring within the
/// period mostly changes its sampled amplitude, which the free scale absorbs; and a template bootstrapped from contacts
/// whose error follows the phase is self-consistent — a warping of the phase within the period that is the same for
/// every stride fits every stride equally well. Building it a second time from the interval midpoints (which need no
/// shape) and keeping the better fit did not undo that either (and changed no other case by more than 0.01 steps/min,
/// so it went). Such impacts gain nothing: in the simulator two of them lost 0.04–0.05 steps/min of 200-Hz cadence
/// (README, "Open").</para>
/// </remarks>
public sealed class ImpactPhaseTemplate
{
    private const int Rounds = 3;
    private readonly ImpactTemplateSettings _s;
    private readonly SampleRing _ring;

    private double _rateHz;
    private double _binS;
    private int _originBin;
    private int _bins;
    private Vector3[] _sum = [];
    private float[] _weight = [];
    private Vector3[] _h = [];
    private bool _ready;
    private float _gain = 1;

    // The first strides' windows, kept to align them to each other once there are enough.
    private int _maxWindow;
    private int _boot;
    private double[] _bootTau = [];
    private Vector3[] _bootValue = [];
    private int[] _bootCount = [];
    private double[] _bootShift = [];

    // One stride's window: times relative to the single-stride contact, and specific force.
    private double[] _tau = [];
    private Vector3[] _value = [];
    private int[] _bin = [];
    private float[] _within = [];

    public ImpactPhaseTemplate(ImpactTemplateSettings settings, SampleRing ring)
    {
        _s = settings;
        _ring = ring;
        if (settings.LearnStrides <= 0) return;
        if (settings.BinsPerSample < 1 || !(settings.BeforeS > 0) || !(settings.AfterS > 0) || !(settings.SearchSamples > 0)
            || !(settings.MaxRateHz > 0) || !(settings.MaxMisfit > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings,
                "ImpactTemplateSettings: BinsPerSample must be at least 1, and BeforeS, AfterS, SearchSamples, MaxRateHz and MaxMisfit positive");
        }

        // Sized once for the highest rate served (the grid and windows only shrink below it): nothing is allocated
        // while samples flow.
        Resize(settings.MaxRateHz * 1.1);
        _rateHz = 0;
    }

    /// <summary>The contact of the impact around sample <paramref name="icK"/> of segment [a, a + len], refined from
    /// the single-stride estimate <paramref name="contactS"/>; the stride's impact is learned when it fits.</summary>
    public double Refine(long a, int icK, int len, double contactS)
    {
        if (_s.LearnStrides <= 0 || !double.IsFinite(contactS)) return contactS;
        // The clip's rate from the two intervals around the impact, unless a packet was lost there (the window would
        // hold the gap anyway): a lost packet must never pass for a new rate, which starts the template over.
        if (icK < 1 || icK + 1 > len || _ring.GapBefore(a + icK) || _ring.GapBefore(a + icK + 1)) return contactS;
        var rate = 2 / (_ring.TimeS(a + icK + 1) - _ring.TimeS(a + icK - 1));
        if (!(rate > 0) || rate > _s.MaxRateHz * 1.1) return contactS;
        if (Math.Abs(rate - _rateHz) > 0.2 * rate) Resize(rate);
        var n = Window(a, icK, len, contactS);
        if (n == 0) return contactS;

        if (!_ready)
        {
            Array.Copy(_tau, 0, _bootTau, _boot * _maxWindow, n);
            Array.Copy(_value, 0, _bootValue, _boot * _maxWindow, n);
            _bootCount[_boot++] = n;
            if (_boot == _s.LearnStrides) Bootstrap();
            return contactS;
        }

        var tau = _tau.AsSpan(0, n);
        var value = _value.AsSpan(0, n);
        var (shift, scale, offset, misfit) = Fit(tau, value);
        if (!(misfit <= _s.MaxMisfit) || !(scale > 0)) return contactS;
        Learn(tau, value, shift, scale, offset);
        return contactS + shift;
    }

    /// <summary>Copies the samples within the window around <paramref name="contactS"/> into the stride buffers; 0 when
    /// the window leaves the segment or holds a gap.</summary>
    private int Window(long a, int icK, int len, double contactS)
    {
        var from = icK;
        while (from - 1 >= 1 && _ring.TimeS(a + from - 1) >= contactS - _s.BeforeS) from--;
        var to = icK;
        while (to + 1 <= len && _ring.TimeS(a + to + 1) <= contactS + _s.AfterS) to++;
        if (from <= 1 || to >= len) return 0;
        var n = to - from + 1;
        if (n > _maxWindow) return 0;
        for (var k = 0; k < n; k++)
        {
            var s = a + from + k;
            if (k > 0 && _ring.GapBefore(s)) return 0;
            _tau[k] = _ring.TimeS(s) - contactS;
            _value[k] = _ring.AccMps2(s);
        }

        return n;
    }

    private void Resize(double rate)
    {
        _rateHz = rate;
        _ready = false;
        _boot = 0;
        var period = 1 / rate;
        _binS = period / _s.BinsPerSample;
        var search = _s.SearchSamples * period;
        // Every candidate shift must find the whole window on the grid: it spans the window widened by the search and a
        // sample either side.
        _originBin = (int)Math.Ceiling((_s.BeforeS + search + period) / _binS);
        _bins = _originBin + (int)Math.Ceiling((_s.AfterS + search + period) / _binS) + 1;
        _maxWindow = (int)Math.Ceiling((_s.BeforeS + _s.AfterS) * rate * 1.1) + 3;
        if (_sum.Length < _bins)
        {
            _sum = new Vector3[_bins];
            _weight = new float[_bins];
            _h = new Vector3[_bins];
        }

        if (_tau.Length < _maxWindow)
        {
            _tau = new double[_maxWindow];
            _value = new Vector3[_maxWindow];
            _bin = new int[_maxWindow];
            _within = new float[_maxWindow];
        }

        if (_bootTau.Length < _s.LearnStrides * _maxWindow)
        {
            _bootTau = new double[_s.LearnStrides * _maxWindow];
            _bootValue = new Vector3[_s.LearnStrides * _maxWindow];
            _bootCount = new int[_s.LearnStrides];
            _bootShift = new double[_s.LearnStrides];
        }
    }

    /// <summary>Builds the template from the first strides: laid at their single-stride contacts, then three rounds of
    /// fitting every stride to the others and rebuilding; the origin keeps their mean contact. When fewer than half of
    /// them fit, their impacts are too unlike each other: it starts over with the next strides.</summary>
    private void Bootstrap()
    {
        _gain = 1;
        if (Build()) _ready = true;
        else _boot = 0;
    }

    /// <summary>One build from the first strides; false when fewer than half of them fit.</summary>
    private bool Build()
    {
        var lastMean = 0.0;
        Array.Fill(_bootShift, double.NaN);
        for (var round = 0; round <= Rounds; round++)
        {
            Array.Clear(_sum, 0, _bins);
            Array.Clear(_weight, 0, _bins);
            if (round == 0)
            {
                for (var i = 0; i < _boot; i++)
                {
                    // Scale and offset from the stride itself: its deviation from its mean, over its root-mean-square.
                    var value = _bootValue.AsSpan(i * _maxWindow, _bootCount[i]);
                    var (centre, rms) = MeanRms(value);
                    if (rms > 0) Add(_bootTau.AsSpan(i * _maxWindow, _bootCount[i]), value, 0, 1 / rms, centre, 1);
                }

                Rebuild();
                continue;
            }

            for (var i = 0; i < _boot; i++)
            {
                // After the first round a stride moves little: search half a sample around where it was (its shift less the
                // origin's move), the whole range when it did not fit.
                var placed = round > 1 && double.IsFinite(_bootShift[i]);
                var centre = placed ? (int)Math.Round((_bootShift[i] - lastMean) / _binS) : 0;
                var (shift, scale, _, misfit) = Fit(_bootTau.AsSpan(i * _maxWindow, _bootCount[i]), _bootValue.AsSpan(i * _maxWindow, _bootCount[i]), centre, placed ? _s.BinsPerSample / 2 : -1);
                _bootShift[i] = misfit <= _s.MaxMisfit && scale > 0 ? shift : double.NaN;
            }

            // Keep the single-stride estimates' mean contact: the template refines timing between strides, not the
            // contact's definition.
            var sum = 0.0;
            var used = 0;
            for (var i = 0; i < _boot; i++)
                if (double.IsFinite(_bootShift[i])) { sum += _bootShift[i]; used++; }

            if (used < _boot / 2) return false;
            var mean = sum / used;
            lastMean = mean;
            Array.Clear(_sum, 0, _bins);
            Array.Clear(_weight, 0, _bins);
            for (var i = 0; i < _boot; i++)
            {
                if (!double.IsFinite(_bootShift[i])) continue;
                var tau = _bootTau.AsSpan(i * _maxWindow, _bootCount[i]);
                var value = _bootValue.AsSpan(i * _maxWindow, _bootCount[i]);
                var (_, scale, offset, _) = FitAt(tau, value, _bootShift[i]);
                Add(tau, value, _bootShift[i] - mean, 1 / scale, offset, 1);
            }

            Rebuild();
        }

        return true;
    }

    private static (Vector3 Mean, float Rms) MeanRms(ReadOnlySpan<Vector3> v)
    {
        var mean = default(Vector3);
        foreach (var x in v) mean += x;
        mean /= v.Length;
        var ss = 0f;
        foreach (var x in v) ss += (x - mean).LengthSquared();
        return (mean, MathF.Sqrt(ss / v.Length));
    }

    /// <summary>Best shift of the template along the stride's window (grid of bins, refined by a parabola), with the scale,
    /// offset and misfit there.</summary>
    /// <param name="centre">Middle of the search, bins (a stride already placed by an earlier round).</param>
    /// <param name="reach">Bins searched either side of it; −1 for the whole <see cref="ImpactTemplateSettings.SearchSamples"/>.</param>
    private (double Shift, float Scale, Vector3 Offset, double Misfit) Fit(ReadOnlySpan<double> tau, ReadOnlySpan<Vector3> value, int centre = 0, int reach = -1)
    {
        var n = tau.Length;
        // A shift by whole bins moves every sample by whole bins: each sample's bin and place within it are found once,
        // and the stride's own sums do not depend on the shift.
        Vector3 sv = default;
        double svv = 0;
        for (var k = 0; k < n; k++)
        {
            var x = GridX(tau[k]);
            var i = Math.Floor(x);
            _bin[k] = (int)i;
            _within[k] = (float)(x - i);
            sv += value[k];
            svv += Vector3.Dot(value[k], value[k]);
        }

        var mv = sv / n;
        var vv = svv - (n * (double)mv.LengthSquared());
        // Every other bin first (a quarter sample at 8 bins per sample), then the bins either side of the best: the misfit
        // changes smoothly over a bin, and this halves the work per stride.
        var full = (int)Math.Floor(_s.SearchSamples * _s.BinsPerSample);
        centre = Math.Clamp(centre, -full, full);
        var lo = reach < 0 ? -full : Math.Max(-full, centre - reach);
        var hi = reach < 0 ? full : Math.Min(full, centre + reach);
        var bestJ = lo;
        var best = double.PositiveInfinity;
        for (var i = lo; i <= hi; i += 2)
        {
            var m = MisfitAtBins(value, i, mv, vv);
            if (m < best) { best = m; bestJ = i; }
        }

        var before = bestJ - 1 >= lo ? MisfitAtBins(value, bestJ - 1, mv, vv) : double.NaN;
        var after = bestJ + 1 <= hi ? MisfitAtBins(value, bestJ + 1, mv, vv) : double.NaN;
        if (before < best && !(after < before)) { (after, best) = (best, before); bestJ--; before = bestJ - 1 >= lo ? MisfitAtBins(value, bestJ - 1, mv, vv) : double.NaN; }
        else if (after < best) { (before, best) = (best, after); bestJ++; after = bestJ + 1 <= hi ? MisfitAtBins(value, bestJ + 1, mv, vv) : double.NaN; }

        var shift = bestJ * _binS;
        if (double.IsFinite(before) && double.IsFinite(after))
        {
            var denom = before - (2 * best) + after;
            if (denom > 0) shift += Math.Clamp(0.5 * (before - after) / denom, -0.5, 0.5) * _binS;
        }

        return FitAt(tau, value, shift);
    }

    /// <summary><see cref="FitAt"/>'s misfit for the template moved by <paramref name="bins"/> whole bins, from the bins
    /// and places <see cref="Fit"/> found for the samples.</summary>
    private double MisfitAtBins(ReadOnlySpan<Vector3> value, int bins, Vector3 mv, double vv)
    {
        var n = value.Length;
        // The grid spans every candidate's window (Resize), so no sample falls off it: read it unchecked.
        if (_bin[0] - bins < 0 || _bin[n - 1] - bins + 1 >= _bins) return double.PositiveInfinity;
        ref var h = ref MemoryMarshal.GetArrayDataReference(_h);
        Vector3 sg = default, svg = default, sgg = default;
        for (var k = 0; k < n; k++)
        {
            ref var h0 = ref Unsafe.Add(ref h, _bin[k] - bins);
            var g = Vector3.Lerp(h0, Unsafe.Add(ref h0, 1), _within[k]);
            sg += g;
            svg += value[k] * g;
            sgg += g * g;
        }

        return CentredFit(n, mv, sg / n, (double)svg.X + svg.Y + svg.Z, (double)sgg.X + sgg.Y + sgg.Z, vv).Misfit;
    }

    /// <summary>Least-squares fit of the stride's window to the template moved by <paramref name="shift"/>:
    /// value ≈ scale · template + offset.</summary>
    private (double Shift, float Scale, Vector3 Offset, double Misfit) FitAt(ReadOnlySpan<double> tau, ReadOnlySpan<Vector3> value, double shift)
    {
        // One pass: the centred products follow from the raw sums (every term is tens of m/s² over ≤ 40 samples, far
        // from cancelling in double).
        Vector3 sv = default, sg = default;
        double svg = 0, sgg = 0, svv = 0;
        for (var k = 0; k < tau.Length; k++)
        {
            var v = value[k];
            var g = Template(tau[k] - shift);
            sv += v;
            sg += g;
            svg += Vector3.Dot(v, g);
            sgg += Vector3.Dot(g, g);
            svv += Vector3.Dot(v, v);
        }

        var n = tau.Length;
        var mv = sv / n;
        var mg = sg / n;
        var (scale, misfit) = CentredFit(n, mv, mg, svg, sgg, svv - (n * (double)mv.LengthSquared()));
        return double.IsPositiveInfinity(misfit) ? (shift, 0, default, misfit) : (shift, (float)scale, mv - ((float)scale * mg), misfit);
    }

    /// <summary>Least squares of value ≈ scale · template + offset from sums over <paramref name="n"/> samples (the centred
    /// products follow from the raw ones): the scale, and the share of the value's variance <paramref name="vv"/> it leaves
    /// unexplained (+∞ when either side does not vary).</summary>
    private static (double Scale, double Misfit) CentredFit(int n, Vector3 mv, Vector3 mg, double svg, double sgg, double vv)
    {
        var vg = svg - (n * (double)Vector3.Dot(mv, mg));
        var gg = sgg - (n * (double)mg.LengthSquared());
        if (!(gg > 0) || !(vv > 0)) return (0, double.PositiveInfinity);
        var scale = vg / gg;
        return (scale, (vv - (scale * vg)) / vv);
    }

    /// <summary>Place of a time relative to the contact on the template's grid, bins (fraction included).</summary>
    private double GridX(double tau) => (tau / _binS) + _originBin;

    private Vector3 Template(double tau)
    {
        var x = GridX(tau);
        var i = (int)Math.Floor(x);
        if (i < 0) return _h[0];
        if (i >= _bins - 1) return _h[_bins - 1];
        var f = (float)(x - i);
        return _h[i] + (f * (_h[i + 1] - _h[i]));
    }

    /// <summary>Lays a stride's window, normalised (value − offset) · gain, on the grid at its contact + shift; with
    /// <paramref name="refresh"/>, the template's value at each bin it reaches follows at once (the others keep theirs).</summary>
    private void Add(ReadOnlySpan<double> tau, ReadOnlySpan<Vector3> value, double shift, float gain, Vector3 offset, float weight, bool refresh = false)
    {
        for (var k = 0; k < tau.Length; k++)
        {
            var x = GridX(tau[k] - shift);
            var i = (int)Math.Floor(x);
            if (i < 0 || i >= _bins - 1) continue;
            var f = (float)(x - i);
            var v = (value[k] - offset) * gain;
            _sum[i] += (1 - f) * weight * v;
            _weight[i] += (1 - f) * weight;
            _sum[i + 1] += f * weight * v;
            _weight[i + 1] += f * weight;
            if (!refresh) continue;
            if (_weight[i] > 0) _h[i] = _sum[i] / _weight[i];
            if (_weight[i + 1] > 0) _h[i + 1] = _sum[i + 1] / _weight[i + 1];
        }
    }

    /// <summary>Running average: the learned waveform forgets at 1/LearnStrides per stride. Rather than shrinking every
    /// bin's sum and weight, each new stride weighs 1/(1 − 1/LearnStrides) times the last (the same ratios), rescaled
    /// now and then; and since a bin's value is their ratio, only the bins the stride reached change.</summary>
    private void Learn(ReadOnlySpan<double> tau, ReadOnlySpan<Vector3> value, double shift, float scale, Vector3 offset)
    {
        _gain /= 1 - (1f / _s.LearnStrides);
        if (_gain > 1e4f)
        {
            for (var i = 0; i < _bins; i++) { _sum[i] /= _gain; _weight[i] /= _gain; }
            _gain = 1;
        }

        Add(tau, value, shift, 1 / scale, offset, _gain, refresh: true);
    }

    /// <summary>Template = weighted mean per bin; a bin no sample reached takes the line between its filled neighbours.</summary>
    private void Rebuild()
    {
        var last = -1;
        for (var i = 0; i < _bins; i++)
        {
            if (!(_weight[i] > 1e-6f)) continue;
            _h[i] = _sum[i] / _weight[i];
            if (last < 0) { for (var k = 0; k < i; k++) _h[k] = _h[i]; }
            else
            {
                for (var k = last + 1; k < i; k++) _h[k] = Vector3.Lerp(_h[last], _h[i], (float)(k - last) / (i - last));
            }

            last = i;
        }

        if (last < 0) { Array.Clear(_h, 0, _bins); return; }
        for (var k = last + 1; k < _bins; k++) _h[k] = _h[last];
    }
}
