using GaitGateway.Core.Strides;

namespace GaitGateway.Dsp.BothFeet;

/// <summary>Settings of <see cref="BoutTracker"/>.</summary>
/// <param name="StridesToSwitch">Consecutive strides (both feet pooled) of the other gait needed to start a new bout.
/// Default 4 (two per foot): one odd stride at a walk/run transition does not split a bout.</param>
/// <param name="MaxPauseS">A pause longer than this between strides ends the bout (a stop), s. Default 3 s.</param>
public sealed record BoutSettings(int StridesToSwitch = 4, double MaxPauseS = 3.0);

/// <summary>
/// Groups strides into walk and run bouts — the intervals of a Couch-to-5K session — and summarises each.
/// Fixed-size pending buffer; no allocation per stride.
/// </summary>
public sealed class BoutTracker
{
    private readonly BoutSettings _settings;
    private readonly StrideMetrics[] _pending;
    private int _pendingCount;
    private Accumulator _current;

    public BoutTracker(BoutSettings? settings = null)
    {
        _settings = settings ?? new BoutSettings();
        _pending = new StrideMetrics[Math.Max(1, _settings.StridesToSwitch)];
    }

    /// <summary>Adds a stride; returns true with the bout that it closed.</summary>
    public bool Add(in StrideMetrics stride, out BoutSummary closed)
    {
        closed = default;
        var gait = stride.Gait;
        if (_current.Strides > 0 && stride.IcTimeS - _current.LastEndS > _settings.MaxPauseS)
        {
            closed = CloseCurrent(_current.LastEndS);
            FlushPendingInto();
            _current = Accumulator.Start(stride);
            return true;
        }

        if (_current.Strides == 0)
        {
            _current = Accumulator.Start(stride);
            return false;
        }

        if (gait == _current.Gait || gait == Gait.Unknown)
        {
            FlushPendingInto();
            _current.Add(stride);
            return false;
        }

        _pending[_pendingCount++] = stride;
        if (_pendingCount < _pending.Length) return false;

        if (_current.Strides < _pending.Length)
        {
            // Too short to be a bout of its own (the first strides after standing, say): it joins the new one.
            _current.Gait = gait;
            FlushPendingInto();
            return false;
        }

        closed = CloseCurrent(_pending[0].IcTimeS);
        _current = Accumulator.Start(_pending[0]);
        for (var i = 1; i < _pendingCount; i++) _current.Add(_pending[i]);
        _pendingCount = 0;
        return true;
    }

    /// <summary>Closes the open bout at the end of a session.</summary>
    public bool Complete(out BoutSummary closed)
    {
        closed = default;
        FlushPendingInto();
        if (_current.Strides == 0) return false;
        closed = CloseCurrent(_current.LastEndS);
        _current = default;
        return true;
    }

    private void FlushPendingInto()
    {
        for (var i = 0; i < _pendingCount; i++) _current.Add(_pending[i]);
        _pendingCount = 0;
    }

    private BoutSummary CloseCurrent(double endS) => _current.ToSummary(endS);

    private struct Accumulator
    {
        public Gait Gait;
        public double StartS, LastEndS;
        public int Strides;
        public Sum Cadence, StrideLength, Speed, Contact, Strike;
        public double CalfLoad;
        public int Overstrides, Rear, Mid, Fore;
        public Sum ContactL, ContactR, StepL, StepR, LengthL, LengthR;

        public static Accumulator Start(in StrideMetrics s)
        {
            var a = new Accumulator { Gait = s.Gait, StartS = s.IcTimeS };
            a.Add(s);
            return a;
        }

        public void Add(in StrideMetrics s)
        {
            Strides++;
            LastEndS = Math.Max(LastEndS, s.NextIcTimeS);
            Cadence.Add(s.CadenceSpm);
            StrideLength.Add(s.StrideLengthM);
            Speed.Add(s.SpeedMps);
            Contact.Add(s.ContactTimeS);
            Strike.Add(s.StrikeAngleDeg);
            if (double.IsFinite(s.CalfLoad)) CalfLoad += s.CalfLoad;
            if (s.Foot == Core.Samples.Foot.Left) { ContactL.Add(s.ContactTimeS); StepL.Add(s.StepTimeS); LengthL.Add(s.StrideLengthM); }
            else { ContactR.Add(s.ContactTimeS); StepR.Add(s.StepTimeS); LengthR.Add(s.StrideLengthM); }
            if (s.Overstride) Overstrides++;
            switch (s.StrikePattern)
            {
                case StrikePattern.Rearfoot: Rear++; break;
                case StrikePattern.Midfoot: Mid++; break;
                case StrikePattern.Forefoot: Fore++; break;
            }
        }

        public readonly BoutSummary ToSummary(double endS)
        {
            var pattern = Rear >= Mid && Rear >= Fore && Rear > 0 ? StrikePattern.Rearfoot
                : Mid >= Fore && Mid > 0 ? StrikePattern.Midfoot
                : Fore > 0 ? StrikePattern.Forefoot : StrikePattern.Unknown;
            var speed = Speed.Mean;
            return new BoutSummary
            {
                Gait = Gait,
                StartTimeS = StartS,
                EndTimeS = endS,
                Strides = Strides,
                CadenceSpm = Cadence.Mean,
                StrideLengthM = StrideLength.Mean,
                SpeedMps = speed,
                // Strides of both feet overlap in time: distance is the bout's duration at its mean speed.
                DistanceM = double.IsFinite(speed) ? speed * (endS - StartS) : double.NaN,
                ContactTimeS = Contact.Mean,
                StrikeAngleDeg = Strike.Mean,
                StrikePattern = pattern,
                OverstrideFraction = Strides > 0 ? (double)Overstrides / Strides : 0,
                CalfLoad = CalfLoad,
                ContactTimeAsymmetryPct = Asymmetry(ContactL.Mean, ContactR.Mean),
                StepTimeAsymmetryPct = Asymmetry(StepL.Mean, StepR.Mean),
                StrideLengthAsymmetryPct = Asymmetry(LengthL.Mean, LengthR.Mean),
            };
        }
    }

    /// <summary>Symmetry index (Robinson 1987): 100 × (L − R) / mean(L, R).</summary>
    private static double Asymmetry(double left, double right) =>
        double.IsFinite(left) && double.IsFinite(right) && left + right > 0 ? 200 * (left - right) / (left + right) : double.NaN;

    private struct Sum
    {
        private double _sum;
        private int _n;

        public void Add(double v)
        {
            if (!double.IsFinite(v)) return;
            _sum += v;
            _n++;
        }

        public readonly double Mean => _n > 0 ? _sum / _n : double.NaN;
    }
}
