using GaitGateway.Core.Strides;

namespace GaitGateway.Dsp.Overstride;

/// <summary>What a runner's usual running looks like at one speed (means over a speed bin).</summary>
/// <param name="SpeedMps">Mean speed of the strides behind it, m/s.</param>
/// <param name="CadenceSpm">Mean cadence, steps/min.</param>
/// <param name="StrideLengthM">Mean stride length, m.</param>
/// <param name="StrikeAngleDeg">Mean strike angle, degrees.</param>
/// <param name="BrakingShare">Mean braking share (NaN when the strides had none).</param>
/// <param name="ContactTimeS">Mean contact time, s (NaN when none).</param>
/// <param name="Strides">Strides behind it (capped at the bin's limit).</param>
public readonly record struct UsualRunning(double SpeedMps, double CadenceSpm, double StrideLengthM, double StrikeAngleDeg, double BrakingShare, double ContactTimeS, int Strides);

/// <summary>
/// A runner's speed-matched baseline: running strides pooled into speed bins (both feet). Learnt from this session's
/// steady running by <see cref="OverstrideAssessor"/>, and from her stored history with <see cref="Learn"/>. Bounded
/// memory: one small record per bin.
/// </summary>
public sealed class OverstrideBaseline
{
    private const double LowestMps = 1.5;
    private readonly OverstrideAssessorSettings _s;
    private readonly Bin[] _bins;

    public OverstrideBaseline(OverstrideAssessorSettings? settings = null)
    {
        _s = settings ?? new OverstrideAssessorSettings();
        _s.Validate();
        _bins = new Bin[(int)Math.Ceiling((7.5 - LowestMps) / _s.BinWidthMps)];
        for (var i = 0; i < _bins.Length; i++) _bins[i] = new Bin();
    }

    /// <summary>A baseline from stored running strides (her history): strides inside flagged stretches are left out, and so
    /// are strides without the measures the cues need.</summary>
    public static OverstrideBaseline Learn(IEnumerable<StrideMetrics> strides, OverstrideAssessorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(strides);
        var b = new OverstrideBaseline(settings);
        foreach (var s in strides)
        {
            if (s.Gait != Gait.Run || s.Overstride) continue;
            b.Add(s.SpeedMps, s.CadenceSpm, s.StrideLengthM, s.StrikeAngleDeg, s.OverstrideIndex * 0.5, s.ContactTimeS);
        }

        return b;
    }

    /// <summary>Strides learnt, over all bins (capped per bin).</summary>
    public int Strides => _bins.Sum(b => b.N);

    /// <summary>True once at least one pace has enough strides to be a baseline.</summary>
    public bool Ready => _bins.Any(b => b.N >= _s.MinBinStrides);

    /// <summary>Her most-run pace: the ready bin with the most strides; null when none is ready.</summary>
    public UsualRunning? Usual
    {
        get
        {
            Bin? best = null;
            foreach (var b in _bins) if (b.N >= _s.MinBinStrides && (best is null || b.N > best.N)) best = b;
            return best?.ToUsual();
        }
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        foreach (var b in _bins) b.Clear();
    }

    /// <summary>Adds one steady, unflagged running stride.</summary>
    public void Add(double speedMps, double cadenceSpm, double strideLengthM, double strikeAngleDeg, double brakingShare, double contactTimeS)
    {
        if (!(speedMps >= LowestMps) || !double.IsFinite(cadenceSpm) || !double.IsFinite(strikeAngleDeg) || !double.IsFinite(strideLengthM)) return;
        var i = (int)((speedMps - LowestMps) / _s.BinWidthMps);
        if (i >= _bins.Length) return;
        _bins[i].Add(speedMps, cadenceSpm, strideLengthM, strikeAngleDeg, brakingShare, contactTimeS, _s.MaxBinStrides);
    }

    /// <summary>
    /// Her expected running at <paramref name="speedMps"/>: interpolated between her two nearest ready paces that bracket
    /// it, else her nearest ready pace carried with the population cadence slope (strike angle and braking share kept:
    /// rearfoot landings do not steepen with speed, Forrester &amp; Townend 2015). Contact time only where she has run
    /// within one bin of this speed (no population slope is assumed for it). Null when no ready pace lies within
    /// <see cref="OverstrideAssessorSettings.MaxExtrapolationMps"/>.
    /// </summary>
    public UsualRunning? ExpectedAt(double speedMps)
    {
        Bin? below = null, above = null;
        foreach (var b in _bins)
        {
            if (b.N < _s.MinBinStrides) continue;
            var v = b.MeanSpeed;
            if (v <= speedMps && (below is null || v > below.MeanSpeed)) below = b;
            if (v > speedMps && (above is null || v < above.MeanSpeed)) above = b;
        }

        var near = below is null ? above : above is null ? below
            : speedMps - below.MeanSpeed <= above.MeanSpeed - speedMps ? below : above;
        if (near is null || Math.Abs(near.MeanSpeed - speedMps) > _s.MaxExtrapolationMps) return null;
        var contact = Math.Abs(near.MeanSpeed - speedMps) <= _s.BinWidthMps ? near.Contact : double.NaN;
        if (below is not null && above is not null && above.MeanSpeed - below.MeanSpeed <= 2 * _s.MaxExtrapolationMps)
        {
            var u = (speedMps - below.MeanSpeed) / (above.MeanSpeed - below.MeanSpeed);
            double Lerp(double a, double b) => a + (u * (b - a));
            var cadence = Lerp(below.Cadence, above.Cadence);
            return new UsualRunning(speedMps, cadence, speedMps * 120 / cadence, Lerp(below.Strike, above.Strike),
                Lerp(below.Braking, above.Braking), contact, Math.Min(below.N, above.N));
        }

        var c = near.Cadence + (_s.PopulationCadenceSlopeSpmPerMps * (speedMps - near.MeanSpeed));
        return new UsualRunning(speedMps, c, speedMps * 120 / c, near.Strike, near.Braking, contact, near.N);
    }

    private sealed class Bin
    {
        public int N;
        public double MeanSpeed, Cadence, Length, Strike, Braking = double.NaN, Contact = double.NaN;
        private int _nBraking, _nContact;

        public void Add(double v, double c, double l, double strike, double braking, double contact, int cap)
        {
            N = Math.Min(N + 1, cap);
            var w = 1.0 / N;
            MeanSpeed += w * (v - MeanSpeed);
            Cadence += w * (c - Cadence);
            Length += w * (l - Length);
            Strike += w * (strike - Strike);
            if (double.IsFinite(braking))
            {
                _nBraking = Math.Min(_nBraking + 1, cap);
                Braking = _nBraking == 1 ? braking : Braking + ((braking - Braking) / _nBraking);
            }

            if (double.IsFinite(contact))
            {
                _nContact = Math.Min(_nContact + 1, cap);
                Contact = _nContact == 1 ? contact : Contact + ((contact - Contact) / _nContact);
            }
        }

        public void Clear()
        {
            N = _nBraking = _nContact = 0;
            MeanSpeed = Cadence = Length = Strike = 0;
            Braking = Contact = double.NaN;
        }

        public UsualRunning ToUsual() => new(MeanSpeed, Cadence, Length, Strike, Braking, Contact, N);
    }
}
