using System.Numerics;
using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// Rigid-body state of the shoe at one instant, world frame (z up, x = direction of travel). Orientation is
/// z-y-x Euler: yaw about world z, then sole pitch (toes up positive, i.e. a rotation of −pitch about the foot's y
/// axis, which points to the runner's left), then roll about the foot's x axis.
/// </summary>
internal struct Pose
{
    public V3 PosW;
    public V3 VelW;
    public V3 AccW;
    public double YawRad;
    public double PitchRad;
    public double RollRad;
    public double YawRateRps;
    public double PitchRateRps;
    public double PitchAccRps2;
    public double RollRateRps;

    public readonly M3 FootToWorld => M3.FromZyx(YawRad, -PitchRad, RollRad);

    /// <summary>Specific force in the foot frame, m/s²: Rᵀ(a + g·ẑ), so +9.81 on z at rest and flat.</summary>
    public readonly V3 SpecificForceFoot => FootToWorld.TransposeMul(AccW + new V3(0, 0, Gravity.StandardMps2));

    /// <summary>Body angular rate in the foot frame, rad/s, from the z-y-x Euler rates.</summary>
    public readonly V3 AngularRateFoot
    {
        get
        {
            var beta = -PitchRad;
            var betaDot = -PitchRateRps;
            double sb = Math.Sin(beta), cb = Math.Cos(beta), sr = Math.Sin(RollRad), cr = Math.Cos(RollRad);
            return new V3(
                RollRateRps - (sb * YawRateRps),
                (cr * betaDot) + (sr * cb * YawRateRps),
                (-sr * betaDot) + (cr * cb * YawRateRps));
        }
    }
}

/// <summary>Shoe geometry in the foot frame (origin at the heel's ground contact, x to the toes, z up).</summary>
internal static class FootGeometry
{
    /// <summary>Sensor point: on the laces/instep, 0.12 m ahead of the heel and 0.06 m above the sole.</summary>
    public static readonly V3 Sensor = new(0.12, 0, 0.06);

    /// <summary>Metatarsal heads: the pivot of heel rise and of a forefoot landing (~70 % of a 27 cm shoe).</summary>
    public static readonly V3 Mtp = new(0.19, 0, 0);

    public static readonly V3 Heel = new(0, 0, 0);
}

/// <summary>
/// Impact transient at initial contact: d(t) = A·t²·e^(−t/τ)·sin(2πft). Value, slope and curvature are zero at t = 0
/// (so the C2 trajectory stays C2), and d and d′ return to zero: the shock rings the shoe without changing where the
/// foot ends up or how fast it moves — an integrator of the signals still closes the stride.
/// </summary>
internal sealed class ImpactTransient
{
    /// <summary>Envelope time constant unless the settings say otherwise, s (<see cref="SimulationSettings.ImpactDampingMs"/>).</summary>
    public const double DefaultTauS = 0.0025;

    /// <summary>Ring frequency unless the settings say otherwise, Hz (<see cref="SimulationSettings.ImpactFrequencyHz"/>).</summary>
    public const double DefaultFrequencyHz = 60;

    /// <summary>After 16 τ the envelope is below 10⁻⁴ of its peak; it is cut there.</summary>
    public const double EnvelopeLengthTau = 16;

    /// <summary>Length of the default transient, s.</summary>
    public const double DefaultDurationS = EnvelopeLengthTau * DefaultTauS;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double, double), ImpactTransient> Shapes = new();

    private readonly double _omega;
    private readonly double _tauS;
    private readonly double _unitPeakAcc;
    private readonly double _unitPeakRate;

    private ImpactTransient(double frequencyHz, double tauS)
    {
        _omega = 2 * Math.PI * frequencyHz;
        _tauS = tauS;
        DurationS = EnvelopeLengthTau * tauS;
        for (var t = 0.0; t < DurationS; t += 1e-6)
        {
            Unit(t, out _, out var d1, out var d2);
            _unitPeakAcc = Math.Max(_unitPeakAcc, Math.Abs(d2));
            _unitPeakRate = Math.Max(_unitPeakRate, Math.Abs(d1));
        }
    }

    /// <summary>Length of the transient (16 τ), s.</summary>
    public double DurationS { get; }

    /// <summary>The transient ringing at <paramref name="frequencyHz"/> with envelope time constant <paramref name="tauS"/>
    /// (normalised once per shape, shared).</summary>
    public static ImpactTransient At(double frequencyHz, double tauS = DefaultTauS) => Shapes.GetOrAdd((frequencyHz, tauS), k => new ImpactTransient(k.Item1, k.Item2));

    /// <summary>Transient scaled so its second derivative peaks at <paramref name="peakSecondDerivative"/>.</summary>
    public void ByPeakSecondDerivative(double t, double peakSecondDerivative, out double d, out double d1, out double d2)
    {
        Unit(t, out d, out d1, out d2);
        var k = peakSecondDerivative / _unitPeakAcc;
        d *= k; d1 *= k; d2 *= k;
    }

    /// <summary>Transient scaled so its first derivative peaks at <paramref name="peakFirstDerivative"/>.</summary>
    public void ByPeakFirstDerivative(double t, double peakFirstDerivative, out double d, out double d1, out double d2)
    {
        Unit(t, out d, out d1, out d2);
        var k = peakFirstDerivative / _unitPeakRate;
        d *= k; d1 *= k; d2 *= k;
    }

    private void Unit(double t, out double d, out double d1, out double d2)
    {
        if (t <= 0 || t >= DurationS)
        {
            d = d1 = d2 = 0;
            return;
        }

        // d = Im(t² e^{λt}), λ = −1/τ + iω: d′ = Im((2t + λt²)e^{λt}), d″ = Im((2 + 4λt + λ²t²)e^{λt}).
        var lambda = new Complex(-1 / _tauS, _omega);
        var e = Complex.Exp(lambda * t);
        d = (t * t * e).Imaginary;
        d1 = (((2 * t) + (lambda * t * t)) * e).Imaginary;
        d2 = ((2 + (4 * lambda * t) + (lambda * lambda * t * t)) * e).Imaginary;
    }
}

/// <summary>
/// The shapes of one simulated runner's feet that the settings widen beyond the default (issue 11): the impact's ring
/// and damping, a forefoot slap after a heel strike, a swing with a quiet moment in it, and where on the shoe the clip
/// sits (<see cref="Sensor"/>, foot frame, m).
/// </summary>
internal sealed record FootShape(ImpactTransient Impact, double ForefootSlapFraction, double SwingQuietMomentS, V3 Sensor, double StanceTwistRad = 0, double StandingSwayRad = 0,
    double WalkingContactTwistRad = 0)
{
    public static FootShape Default { get; } = new(ImpactTransient.At(ImpactTransient.DefaultFrequencyHz), 0, 0, FootGeometry.Sensor);

    /// <summary>The quiet moment of the swing that ends at <paramref name="step"/>, s (0 = none).</summary>
    public double QuietMomentS(StepPlan step) => step.QuietMomentInSwing ? SwingQuietMomentS : 0;

    public static FootShape Of(SimulationSettings s) => new(
        ImpactTransient.At(s.ImpactFrequencyHz, s.ImpactDampingMs / 1000), s.ForefootSlapFraction, s.SwingQuietMomentMs / 1000,
        s.ClipPositionFootM == ClipPlaces.Instep ? FootGeometry.Sensor : new V3(s.ClipPositionFootM.X, s.ClipPositionFootM.Y, s.ClipPositionFootM.Z),
        s.StanceTwistDeg * Math.PI / 180,
        s.StandingSwayDeg * Math.PI / 180,
        s.WalkingContactTwistDeg * Math.PI / 180);
}

/// <summary>
/// One stance of one foot: landing roll about the heel (positive strike angle) or the metatarsal heads (negative)
/// while the contact point slides to rest, foot flat and still around mid-stance, heel rise about the metatarsal
/// heads to toe-off. A stance without a step is the standing stance at the session start; a stance whose foot takes
/// no further step stays flat for ever (the runner stopped).
/// </summary>
internal sealed class Stance
{
    /// <summary>A walking landing roll's toes-down angular acceleration at contact, × strike angle / roll time² (the
    /// constructor says how it was set against real walks).</summary>
    private const double WalkingRollOnsetFactor = 4;

    /// <summary>A walking heel's downward speed as it touches down, m/s (see the constructor).</summary>
    private const double WalkingHeelTouchdownMps = 0.4;

    private readonly double _yawRad;
    private readonly M3 _rz;
    private readonly V3 _pivotIcW;
    private readonly V3 _landLever;
    private readonly V3 _sensor;
    private readonly Quintic _landPitch;
    private readonly double _landS;
    private readonly Quintic _slide;
    private readonly double _slideS;
    private readonly double _slideEndM;
    private readonly Quintic _sink;
    private readonly double _sinkEndM;
    private readonly Quintic _risePitch;
    private readonly V3 _mtpW;
    private readonly V3 _impactDirW;
    private readonly double _impactAccPeakMps2;
    private readonly double _impactPitchRatePeakRps;
    private readonly double _joltDelayS;

    public StepPlan? Step { get; }
    public double IcTimeS { get; }
    public double FlatStartS { get; }
    public double HeelRiseS { get; }
    public double ToeOffS { get; }
    public double ToeOffAngleDeg { get; }
    public V3 FlatHeelW { get; }
    public V3 FlatSensorW { get; }
    public double YawRad => _yawRad;

    private readonly ImpactTransient _impact;
    private readonly double _twistRad;
    private readonly double _swayRad;
    private readonly double _slapAccPeakMps2;
    private readonly double _slapPitchRatePeakRps;

    /// <summary>Time after IC when the stance's motion has settled (landing roll and every transient over), s.</summary>
    private readonly double _settledAfterIcS;

    private Stance(StepPlan? step, V3 heelW, double yawRad, StepPlan? next, double restSinceS, FootShape shape)
    {
        Step = step;
        _impact = shape.Impact;
        _twistRad = step is null ? 0 : shape.StanceTwistRad;
        _swayRad = step is null ? shape.StandingSwayRad : 0;
        _sensor = shape.Sensor;
        _yawRad = yawRad;
        _rz = M3.RotZ(yawRad);
        if (step is null)
        {
            IcTimeS = double.NegativeInfinity;
            FlatStartS = restSinceS;
            FlatHeelW = heelW;
            _pivotIcW = heelW;
            _landLever = _sensor;
        }
        else
        {
            IcTimeS = step.IcTimeS;
            var strikeRad = step.StrikeAngleDeg * Math.PI / 180;
            _landS = step.FootFlatAfterIcS;
            FlatStartS = IcTimeS + _landS;
            // Running: the foot is still rotating toward flat at contact (foot slap for heel strikers), at half the mean
            // roll rate; a quintic with that end slope stays monotonic. Walking: the roll starts at the contact — the
            // late-swing dorsiflexion ends as the heel lands (Rampp et al. 2015's walking contact). On the real gaitmap
            // walk the pitch rate crosses zero a median 4 ms after the motion-capture contact (−16…+15 ms); modelled as
            // running, the simulated walk crossed 42–56 ms before it, and walking contacts taken at the reversal read
            // that much early (README, "Walking contacts"). Starting from rest at 4·angle/T² (monotonic up to 12), the
            // toes-up rate reads like the real walks' (gaitmap, footprints, xio; medians, the same detector) 50 ms
            // before the reversal 4.0 rad/s (real 4.1–5.0; as running: 2.9), 10 ms before 0.8 (0.7–1.4; 0.4), 10 ms
            // after −1.3 (−1.2…−2.7; −0.6) and 30 ms after −4.1 (−2.6…−5.0; −1.3).
            _landPitch = step.Gait == PlanGait.Walk
                ? Quintic.Hermite(strikeRad, 0, -WalkingRollOnsetFactor * strikeRad / (_landS * _landS), 0, 0, 0, _landS)
                : Quintic.Hermite(strikeRad, -0.5 * strikeRad / _landS, 0, 0, 0, 0, _landS);
            var pivotFoot = strikeRad >= 0 ? FootGeometry.Heel : FootGeometry.Mtp;
            _landLever = _sensor - pivotFoot;
            // The contact point arrives with forward speed u0 and slides to rest (braking; Wille 2014): distance u0·τ/2
            // keeps the quintic monotonic.
            _slideS = Math.Min(0.04, 0.8 * _landS);
            _slideEndM = 0.5 * step.IcForwardSpeedMps * _slideS;
            _slide = Quintic.Hermite(0, step.IcForwardSpeedMps, 0, _slideEndM, 0, 0, _slideS);
            // Walking: the heel touches down still moving down, and the heel pad and sole stop it within the slide's
            // time, hardest at the contact: v = −w·(1 − t/τ)³, 3w/τ at first, w·τ/4 of sink. Without it a walking foot
            // whose pitch rate passes through zero at the contact looked still there (motion energy 1.2–1.5 rad/s, under
            // the ~1.9 that ends a swing), and the contact was taken for the mid-stance: 166 of 194 strides found at
            // 200 Hz. The real walks' energy at the contact keeps a median 5.3–6.5 rad/s (|‖a‖ − g| 5–21 m/s², and 1–2
            // rad/s of roll and yaw, which this model lacks); with 0.4 m/s the simulated walk's reads 3.6 (2.6–5.2).
            var touchdownMps = step.Gait == PlanGait.Walk ? WalkingHeelTouchdownMps : 0;
            _sinkEndM = 0.25 * touchdownMps * _slideS;
            _sink = Quintic.Hermite(0, -touchdownMps, 3 * touchdownMps / _slideS, -_sinkEndM, 0, 0, _slideS);
            _pivotIcW = new V3(step.ComXAtIcM + step.LandingDistanceM, step.LateralM, 0);
            FlatHeelW = _pivotIcW + new V3(_slideEndM, 0, -_sinkEndM) - _rz.Mul(pivotFoot);
            _impactAccPeakMps2 = step.ImpactPeakMps2;
            // Heel strikes jolt the foot toes-down, forefoot landings heel-down; ~15 °/s per g of impact.
            _impactPitchRatePeakRps = -Math.Sign(strikeRad) * 15 * (step.ImpactPeakMps2 / Gravity.StandardMps2) * Math.PI / 180;
            // Mostly vertical, with the braking component along the direction of travel.
            var dir = new V3(-0.3, 0, 1);
            _impactDirW = (1 / dir.Length) * dir;
            // Walking: the jolt comes after the contact (SimulationSettings.WalkingJoltDelayMaxMs).
            _joltDelayS = step.JoltDelayS;
            _settledAfterIcS = Math.Max(_landS, _joltDelayS + _impact.DurationS);
            if (shape.ForefootSlapFraction > 0 && strikeRad > 0)
            {
                // Heel-then-forefoot double impact: the forefoot slaps down when the landing roll ends (foot flat),
                // ~30–60 ms after the heel (Giandolini 2014 timed strike patterns from heel and metatarsal impacts),
                // vertically, and stops the toes-down roll with a toes-up jolt.
                _slapAccPeakMps2 = shape.ForefootSlapFraction * step.ImpactPeakMps2;
                _slapPitchRatePeakRps = -shape.ForefootSlapFraction * _impactPitchRatePeakRps;
                _settledAfterIcS = Math.Max(_settledAfterIcS, _landS + _impact.DurationS);
            }
        }

        FlatSensorW = FlatHeelW + _rz.Mul(_sensor);
        _mtpW = FlatHeelW + _rz.Mul(FootGeometry.Mtp);

        if (next is null)
        {
            HeelRiseS = ToeOffS = double.PositiveInfinity;
            return;
        }

        double heelRise, toeOff, toeOffDeg;
        if (next.FromRest || step is null)
        {
            // Push-off from standing: time it so the swing into the next step has its nominal length.
            toeOff = next.IcTimeS - (next.NominalStrideTimeS - next.ContactTimeS);
            heelRise = toeOff - (next.ContactTimeS - next.HeelRiseAfterIcS);
            toeOffDeg = next.ToeOffAngleDeg;
            var earliest = Math.Max(FlatStartS, ImpactsEndS) + 0.05;
            if (heelRise < earliest)
            {
                heelRise = earliest;
                toeOff = Math.Max(toeOff, heelRise + 0.1);
            }
        }
        else
        {
            heelRise = IcTimeS + step.HeelRiseAfterIcS;
            toeOff = IcTimeS + step.ContactTimeS;
            toeOffDeg = step.ToeOffAngleDeg;
        }

        HeelRiseS = heelRise;
        ToeOffS = toeOff;
        ToeOffAngleDeg = toeOffDeg;
        var toRad = toeOffDeg * Math.PI / 180;
        var rise = toeOff - heelRise;
        // Still rotating at toe-off (1.5 × the mean heel-rise rate; monotonic for factors below 2.5).
        _risePitch = Quintic.Hermite(0, 0, 0, toRad, 1.5 * toRad / rise, 0, rise);
    }

    /// <summary>End of the last impact transient of this stance (the heel's, or the forefoot slap's), s.</summary>
    public double ImpactsEndS => IcTimeS + Math.Max(_joltDelayS + _impact.DurationS, _slapAccPeakMps2 > 0 ? _landS + _impact.DurationS : 0);

    public static Stance Standing(V3 heelW, double yawRad, StepPlan? next, double sinceS, FootShape shape) => new(null, heelW, yawRad, next, sinceS, shape);

    public static Stance FromStep(StepPlan step, StepPlan? nextOfSameFoot, FootShape shape) => new(step, default, step.YawDeg * Math.PI / 180, nextOfSameFoot, 0, shape);

    public void Evaluate(double t, ref Pose pose)
    {
        EvaluateFlat(t, ref pose);
        if (_swayRad != 0 && t < HeelRiseS) Sway(t, ref pose);
        if (_twistRad == 0 || !(t > IcTimeS && t < ToeOffS)) return;
        // Residual rotation about the clip (SimulationSettings.StanceTwistDeg): roll A·s³c and yaw A·s⁴, s = sin(πu),
        // c = cos(πu); both vanish with their rates at contact and toe-off, and never rest together in between.
        var contactS = ToeOffS - IcTimeS;
        var u = (t - IcTimeS) / contactS;
        var w = Math.PI / contactS;
        double sn = Math.Sin(Math.PI * u), cs = Math.Cos(Math.PI * u);
        pose.RollRad += _twistRad * sn * sn * sn * cs;
        pose.RollRateRps += _twistRad * w * ((3 * sn * sn * cs * cs) - (sn * sn * sn * sn));
        pose.YawRad += _twistRad * sn * sn * sn * sn;
        pose.YawRateRps += _twistRad * w * 4 * sn * sn * sn * cs;
    }

    /// <summary>
    /// A standing foot's sway (SimulationSettings.StandingSwayDeg): the foot rocks heel-to-toe and side to side about
    /// the clip, pitch A·w(t)·sin(2π·0.25 Hz·t) and roll half of it a quarter period later, faded in after the stance
    /// began and out before the heel rises over <see cref="SwayFadeS"/> (w = sin² ramps), so that the first step starts
    /// from rest.
    /// </summary>
    private void Sway(double t, ref Pose pose)
    {
        const double omega = 2 * Math.PI * 0.25;
        var (wIn, wIn1, wIn2) = Fade(t - FlatStartS);
        var (wOut, wOut1, wOut2) = double.IsPositiveInfinity(HeelRiseS) ? (1.0, 0.0, 0.0) : Fade(HeelRiseS - t);
        // The window w = wIn(t − start)·wOut(heel rise − t) and its first two derivatives.
        var w = wIn * wOut;
        var w1 = (wIn1 * wOut) - (wIn * wOut1);
        var w2 = (wIn2 * wOut) - (2 * wIn1 * wOut1) + (wIn * wOut2);
        double sn = Math.Sin(omega * t), cs = Math.Cos(omega * t);
        // pitch = A·w·sin, roll = ½A·w·cos: each angle, its rate and (pitch only) its acceleration.
        pose.PitchRad += _swayRad * w * sn;
        pose.PitchRateRps += _swayRad * ((w1 * sn) + (w * omega * cs));
        pose.PitchAccRps2 += _swayRad * ((w2 * sn) + (2 * w1 * omega * cs) - (w * omega * omega * sn));
        pose.RollRad += 0.5 * _swayRad * w * cs;
        pose.RollRateRps += 0.5 * _swayRad * ((w1 * cs) - (w * omega * sn));
    }

    /// <summary>A sin² ramp from 0 to 1 over <see cref="SwayFadeS"/>, and its first and second derivatives.</summary>
    private static (double W, double W1, double W2) Fade(double x)
    {
        if (x >= SwayFadeS) return (1, 0, 0);
        if (x <= 0) return (0, 0, 0);
        var k = Math.PI / (2 * SwayFadeS);
        var sn = Math.Sin(k * x);
        return (sn * sn, k * Math.Sin(2 * k * x), 2 * k * k * Math.Cos(2 * k * x));
    }

    /// <summary>How long a standing foot's sway takes to fade in and out, s.</summary>
    private const double SwayFadeS = 0.5;

    private void EvaluateFlat(double t, ref Pose pose)
    {
        pose.YawRad = _yawRad;
        pose.YawRateRps = 0;
        pose.RollRad = 0;
        pose.RollRateRps = 0;
        if (t < HeelRiseS)
        {
            var tau = t - IcTimeS;
            if (Step is null || tau >= _settledAfterIcS)
            {
                pose.PosW = FlatSensorW;
                pose.VelW = pose.AccW = default;
                pose.PitchRad = pose.PitchRateRps = pose.PitchAccRps2 = 0;
                return;
            }

            double th = 0, th1 = 0, th2 = 0;
            if (tau < _landS) _landPitch.Eval(tau, out th, out th1, out th2);
            _impact.ByPeakFirstDerivative(tau - _joltDelayS, _impactPitchRatePeakRps, out var i0, out var i1, out var i2);
            th += i0; th1 += i1; th2 += i2;
            if (_slapAccPeakMps2 > 0 && tau > _landS)
            {
                _impact.ByPeakFirstDerivative(tau - _landS, _slapPitchRatePeakRps, out var p0, out var p1, out var p2);
                th += p0; th1 += p1; th2 += p2;
            }

            double sx = _slideEndM, sv = 0, sa = 0, sz = -_sinkEndM, szv = 0, sza = 0;
            if (tau < _slideS)
            {
                _slide.Eval(tau, out sx, out sv, out sa);
                _sink.Eval(tau, out sz, out szv, out sza);
            }

            var pivot = _pivotIcW + new V3(sx, 0, sz);
            Pivot(pivot, new V3(sv, 0, szv), new V3(sa, 0, sza), _landLever, th, th1, th2, ref pose);
            _impact.ByPeakSecondDerivative(tau - _joltDelayS, _impactAccPeakMps2, out var d0, out var d1, out var d2);
            pose.PosW += d0 * _impactDirW;
            pose.VelW += d1 * _impactDirW;
            pose.AccW += d2 * _impactDirW;
            if (_slapAccPeakMps2 > 0 && tau > _landS)
            {
                _impact.ByPeakSecondDerivative(tau - _landS, _slapAccPeakMps2, out var s0, out var s1, out var s2);
                pose.PosW += new V3(0, 0, s0);
                pose.VelW += new V3(0, 0, s1);
                pose.AccW += new V3(0, 0, s2);
            }

            return;
        }

        _risePitch.Eval(Math.Min(t, ToeOffS) - HeelRiseS, out var r0, out var r1, out var r2);
        Pivot(_mtpW, default, default, _sensor - FootGeometry.Mtp, r0, r1, r2, ref pose);
    }

    /// <summary>Sensor point of a foot pitched by θ about a ground pivot: p = P + Rz·Ry(−θ)·r, differentiated twice.</summary>
    private void Pivot(V3 pivotW, V3 pivotVelW, V3 pivotAccW, V3 lever, double th, double th1, double th2, ref Pose pose)
    {
        var beta = -th;
        var b1 = -th1;
        var b2 = -th2;
        double c = Math.Cos(beta), s = Math.Sin(beta);
        var q = new V3((c * lever.X) + (s * lever.Z), lever.Y, (-s * lever.X) + (c * lever.Z));
        var dq = new V3((-s * lever.X) + (c * lever.Z), 0, (-c * lever.X) - (s * lever.Z));
        var ddq = new V3(-q.X, 0, -q.Z);
        pose.PosW = pivotW + _rz.Mul(q);
        pose.VelW = pivotVelW + _rz.Mul(b1 * dq);
        pose.AccW = pivotAccW + _rz.Mul((b1 * b1 * ddq) + (b2 * dq));
        pose.PitchRad = th;
        pose.PitchRateRps = th1;
        pose.PitchAccRps2 = th2;
    }
}

/// <summary>
/// The swing from one stance's toe-off to the next stance's initial contact: quintic Hermite segments matching
/// position, velocity and acceleration (and pitch, pitch rate, pitch acceleration) at both ends, plus C2 bumps for
/// foot clearance, a little lateral swing and roll/yaw wobble.
/// </summary>
/// <remarks>
/// With a quiet moment (<see cref="SimulationSettings.SwingQuietMomentMs"/>) the swing is built in two halves around
/// the moment the pitch rate reverses (the foot's most toes-down pitch): there the foot moves on at constant velocity
/// (specific force exactly 1 g) while the pitch rate passes through zero at ±<see cref="QuietEdgeRateDps"/>, for the
/// given time. In a planar swing (no roll or yaw) that is a moment in which the clip sees neither rotation nor
/// acceleration — what a stance looks like (issue 11: an independently written simulator's planar swing, and real
/// walking swings dipping to 25–40 % of the swing threshold for 40–75 ms).
/// </remarks>
internal sealed class Swing
{
    /// <summary>Pitch rate at the edges of a quiet moment, °/s (it passes through zero in between).</summary>
    public const double QuietEdgeRateDps = 20;

    private readonly double _t0;
    private readonly double _durationS;
    private readonly Quintic _x, _y, _z, _pitch, _yaw;
    private readonly double _clearBumpM, _latBumpM, _rollBumpRad, _yawBumpRad;

    // Quiet moment (when _quietS > 0): first halves end at _qa, the hold lasts to _qb, second halves follow.
    private readonly double _quietS, _qa, _qb;
    private readonly Quintic _x2, _y2, _z2, _pitch2;
    private readonly V3 _qPos, _qVel;
    private readonly double _qPitch, _qPitchAcc;

    public Swing(Stance from, Stance to, double quietMomentS = 0)
    {
        ArgumentNullException.ThrowIfNull(to.Step);
        _t0 = from.ToeOffS;
        _durationS = to.IcTimeS - _t0;
        if (!(_durationS > 0)) throw new InvalidOperationException($"swing of {_durationS} s at t = {_t0} s");
        var a = default(Pose);
        var b = default(Pose);
        from.Evaluate(_t0, ref a);
        to.Evaluate(to.IcTimeS, ref b);
        _x = Quintic.Hermite(a.PosW.X, a.VelW.X, a.AccW.X, b.PosW.X, b.VelW.X, b.AccW.X, _durationS);
        _y = Quintic.Hermite(a.PosW.Y, a.VelW.Y, a.AccW.Y, b.PosW.Y, b.VelW.Y, b.AccW.Y, _durationS);
        _z = Quintic.Hermite(a.PosW.Z, a.VelW.Z, a.AccW.Z, b.PosW.Z, b.VelW.Z, b.AccW.Z, _durationS);
        _pitch = Quintic.Hermite(a.PitchRad, a.PitchRateRps, a.PitchAccRps2, b.PitchRad, b.PitchRateRps, b.PitchAccRps2, _durationS);
        _yaw = Quintic.Hermite(from.YawRad, 0, 0, to.YawRad, 0, 0, _durationS);
        var step = to.Step;
        var endsAboveFlat = (0.5 * (a.PosW.Z + b.PosW.Z)) - to.FlatSensorW.Z;
        _clearBumpM = Math.Max(0.01, step.ClearanceM - endsAboveFlat);
        _latBumpM = step.LateralWobbleM;
        _rollBumpRad = step.RollWobbleDeg * Math.PI / 180;
        _yawBumpRad = step.YawWobbleDeg * Math.PI / 180;
        if (!(quietMomentS > 0)) return;

        // Where the default swing's pitch rate turns from toes-down to toes-up (its most toes-down pitch), kept within
        // the middle of the swing so both halves have room; the state there is the default swing's, with the linear
        // acceleration set to zero.
        var centre = 0.5 * _durationS;
        for (var tau = 0.2 * _durationS; tau <= 0.8 * _durationS; tau += 0.0005)
        {
            _pitch.Eval(tau, out _, out var r, out _);
            if (r >= 0) { centre = tau; break; }
        }

        var q = default(Pose);
        Evaluate(_t0 + centre, ref q); // still the default swing: _quietS is set below
        _quietS = Math.Min(quietMomentS, 0.2 * _durationS);
        _qa = centre - (_quietS / 2);
        _qb = centre + (_quietS / 2);
        _qPos = q.PosW;
        _qVel = q.VelW;
        _qPitch = q.PitchRad;
        var edgeRate = QuietEdgeRateDps * Math.PI / 180;
        _qPitchAcc = 2 * edgeRate / _quietS;
        var h = _quietS / 2;
        var pa = _qPos - (h * _qVel);
        var pb = _qPos + (h * _qVel);
        var edgePitch = _qPitch + (0.5 * _qPitchAcc * h * h);
        _x2 = Quintic.Hermite(pb.X, _qVel.X, 0, b.PosW.X, b.VelW.X, b.AccW.X, _durationS - _qb);
        _y2 = Quintic.Hermite(pb.Y, _qVel.Y, 0, b.PosW.Y, b.VelW.Y, b.AccW.Y, _durationS - _qb);
        _z2 = Quintic.Hermite(pb.Z, _qVel.Z, 0, b.PosW.Z, b.VelW.Z, b.AccW.Z, _durationS - _qb);
        _pitch2 = Quintic.Hermite(edgePitch, edgeRate, _qPitchAcc, b.PitchRad, b.PitchRateRps, b.PitchAccRps2, _durationS - _qb);
        _x = Quintic.Hermite(a.PosW.X, a.VelW.X, a.AccW.X, pa.X, _qVel.X, 0, _qa);
        _y = Quintic.Hermite(a.PosW.Y, a.VelW.Y, a.AccW.Y, pa.Y, _qVel.Y, 0, _qa);
        _z = Quintic.Hermite(a.PosW.Z, a.VelW.Z, a.AccW.Z, pa.Z, _qVel.Z, 0, _qa);
        _pitch = Quintic.Hermite(a.PitchRad, a.PitchRateRps, a.PitchAccRps2, edgePitch, -edgeRate, _qPitchAcc, _qa);
        // The bumps are in the sampled state at the centre; the roll and yaw wobble stay as drawn (zero in a planar swing).
        _clearBumpM = _latBumpM = 0;
    }

    public double StartS => _t0;
    public double DurationS => _durationS;

    public void Evaluate(double t, ref Pose pose)
    {
        var tau = Math.Clamp(t - _t0, 0, _durationS);
        double x0, x1, x2, y0, y1, y2, z0, z1, z2;
        if (_quietS > 0 && tau >= _qa)
        {
            if (tau < _qb)
            {
                var u = tau - (0.5 * (_qa + _qb));
                var p = _qPos + (u * _qVel);
                pose.PosW = p;
                pose.VelW = _qVel;
                pose.AccW = default;
                pose.PitchRad = _qPitch + (0.5 * _qPitchAcc * u * u);
                pose.PitchRateRps = _qPitchAcc * u;
                pose.PitchAccRps2 = _qPitchAcc;
            }
            else
            {
                var v = tau - _qb;
                _x2.Eval(v, out x0, out x1, out x2);
                _y2.Eval(v, out y0, out y1, out y2);
                _z2.Eval(v, out z0, out z1, out z2);
                pose.PosW = new V3(x0, y0, z0);
                pose.VelW = new V3(x1, y1, z1);
                pose.AccW = new V3(x2, y2, z2);
                _pitch2.Eval(v, out pose.PitchRad, out pose.PitchRateRps, out pose.PitchAccRps2);
            }
        }
        else
        {
            _x.Eval(tau, out x0, out x1, out x2);
            _y.Eval(tau, out y0, out y1, out y2);
            _z.Eval(tau, out z0, out z1, out z2);
            SmoothBump.Eval(tau, _durationS, _clearBumpM, out var h0, out var h1, out var h2);
            SmoothBump.Eval(tau, _durationS, _latBumpM, out var l0, out var l1, out var l2);
            pose.PosW = new V3(x0, y0 + l0, z0 + h0);
            pose.VelW = new V3(x1, y1 + l1, z1 + h1);
            pose.AccW = new V3(x2, y2 + l2, z2 + h2);
            _pitch.Eval(tau, out pose.PitchRad, out pose.PitchRateRps, out pose.PitchAccRps2);
        }

        _yaw.Eval(tau, out var w0, out var w1, out _);
        SmoothBump.Eval(tau, _durationS, _yawBumpRad, out var yb0, out var yb1, out _);
        SmoothBump.Eval(tau, _durationS, _rollBumpRad, out var rb0, out var rb1, out _);
        pose.YawRad = w0 + yb0;
        pose.YawRateRps = w1 + yb1;
        pose.RollRad = rb0;
        pose.RollRateRps = rb1;
    }
}

/// <summary>
/// The continuous motion of one foot over the whole session, evaluated at non-decreasing times. Holds only the
/// current stance, the next one and the swing between them: memory does not grow with session length.
/// </summary>
internal sealed class FootTrajectory
{
    private readonly IEnumerator<StepPlan> _steps;
    private readonly List<StepPlan> _ahead = new(3);
    private Stance _current;
    private Stance? _next;
    private Swing? _swing;

    private readonly FootShape _shape;
    private readonly int _side;

    public FootTrajectory(Foot foot, PlanTimeline timeline, SimulationSettings settings)
    {
        _shape = FootShape.Of(settings);
        _steps = StepPlanner.Steps(timeline, settings).Where(s => s.Foot == foot).GetEnumerator();
        var side = foot == Foot.Left ? 1 : -1;
        _side = side;
        // Standing with the feet side by side, the centre of mass above the middle of the feet.
        var heel = new V3(-0.10, side * 0.06, 0);
        Fill();
        _current = Stance.Standing(heel, side * 5 * Math.PI / 180, Ahead(0), 0, _shape);
        BuildNext();
    }

    public Stance Current => _current;

    /// <summary>Whether an impact transient overlaps [t0, t1] (the clip then samples the model densely).</summary>
    public bool ImpactOverlaps(double t0, double t1) => Overlaps(_current, t0, t1) || (_next is not null && Overlaps(_next, t0, t1));

    private static bool Overlaps(Stance s, double t0, double t1) =>
        s.Step is not null && s.IcTimeS <= t1 && s.ImpactsEndS >= t0;

    public void Evaluate(double t, ref Pose pose)
    {
        while (_next is not null && t >= _next.IcTimeS)
        {
            _current = _next;
            _ahead.RemoveAt(0);
            Fill();
            BuildNext();
        }

        if (_swing is null || t < _current.ToeOffS) _current.Evaluate(t, ref pose);
        else _swing.Evaluate(t, ref pose);
        ContactTwist(_current, t, ref pose);
        if (_next is not null) ContactTwist(_next, t, ref pose);
    }

    /// <summary>Window of the walking contact's roll and yaw (<see cref="SimulationSettings.WalkingContactTwistDeg"/>), s;
    /// it opens a third of it before the contact.</summary>
    private const double ContactTwistS = 0.12;

    /// <summary>
    /// A walking foot's roll and yaw around its heel contact (<see cref="SimulationSettings.WalkingContactTwistDeg"/>),
    /// added by time to whichever of swing and stance holds <paramref name="t"/>: one smooth motion across the contact,
    /// rotating about the clip as <see cref="SimulationSettings.StanceTwistDeg"/> does.
    /// </summary>
    private void ContactTwist(Stance stance, double t, ref Pose pose)
    {
        if (_shape.WalkingContactTwistRad == 0 || stance.Step is not { Gait: PlanGait.Walk }) return;
        var u = (t - stance.IcTimeS + (ContactTwistS / 3)) / ContactTwistS;
        if (u <= 0 || u >= 1) return;
        double sn = Math.Sin(Math.PI * u), cs = Math.Cos(Math.PI * u);
        var a = _side * _shape.WalkingContactTwistRad;
        var angle = a * sn * sn * sn * sn;
        var rate = a * (4 * Math.PI / ContactTwistS) * sn * sn * sn * cs;
        pose.RollRad += angle;
        pose.RollRateRps += rate;
        pose.YawRad += 0.5 * angle;
        pose.YawRateRps += 0.5 * rate;
    }

    private StepPlan? Ahead(int i) => i < _ahead.Count ? _ahead[i] : null;

    private void Fill()
    {
        while (_ahead.Count < 2 && _steps.MoveNext()) _ahead.Add(_steps.Current);
    }

    private void BuildNext()
    {
        var step = Ahead(0);
        _next = step is null ? null : Stance.FromStep(step, Ahead(1), _shape);
        _swing = _next is null ? null : new Swing(_current, _next, _shape.QuietMomentS(step!));
    }
}
