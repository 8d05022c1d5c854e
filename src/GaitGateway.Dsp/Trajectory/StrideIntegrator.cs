using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Segmentation;

namespace GaitGateway.Dsp.Trajectory;

/// <summary>Settings of <see cref="StrideIntegrator"/>.</summary>
/// <param name="MidStanceWindowS">Half-width of the window averaged for the gravity direction at mid-stance, s. Default 0.01.</param>
/// <param name="ZeroVelocityHalfWindowS">Largest half-width of the still window around a mid-stance whose mean
/// velocity is taken as the zero-velocity reference, s. Default 0.04 s: walking stays still for 0.1–0.3 s, running
/// for a few tens of ms; only samples below a quarter of the swing threshold count.</param>
/// <param name="DriftShapeMinWindowS">Shortest still stretch before MS_b (after the impact) from which the velocity
/// drift's shape is read, s. Default 0.1 s: a walking foot-flat; running stances are shorter and keep the linear
/// drift. See <see cref="StrideIntegrator"/>.</param>
/// <param name="DriftShapeMaxWindowS">…and the longest stretch used, s. Default 0.3 s.</param>
/// <param name="GapTiltMinRotationDeg">A segment that lost samples once is levelled from the gap on when the rotation
/// at stake across the gap (its length × the faster edge's angular rate) is at least this, °. Default 15: at a
/// mid-stance the gyro-carried attitude and gravity already differ by 1–7° (median; p90 2.6–14.3°) on the shared real
/// sets, so a gap that could hide less than that is not what tilted the foot — xio's own 5–17-ms gaps, levelled at any
/// size, took the loops from 0.23/0.31 % to 0.76/0.75 %. See <see cref="StrideIntegrator"/>.</param>
public sealed record TrajectorySettings(
    double MidStanceWindowS = 0.01,
    double ZeroVelocityHalfWindowS = 0.04,
    double DriftShapeMinWindowS = 0.1,
    double DriftShapeMaxWindowS = 0.3,
    double GapTiltMinRotationDeg = 15);

/// <summary>The foot's motion over one mid-stance-to-mid-stance segment, world frame (z up, x = heading at start).</summary>
/// <param name="DisplacementWorldM">Sensor displacement from MS_a to MS_b, m.</param>
/// <param name="StrideLengthM">Its horizontal length, m.</param>
/// <param name="MaxHeightM">Highest point above MS_a, m (foot clearance).</param>
/// <param name="MaxHorizontalSpeedMps">Peak horizontal foot speed, m/s.</param>
/// <param name="MidSwingK">Offset from MS_a of that peak (mid-swing).</param>
/// <param name="OrientationAtB">Sensor-to-world attitude reached at MS_b by the gyro, before levelling.</param>
/// <param name="Flags">Gap bridged / gyro clipped inside the segment.</param>
/// <param name="MaxRawHorizontalSpeedMps">Peak horizontal speed before de-drift, m/s.</param>
/// <param name="SlowestAfterPeakMps">Slowest horizontal speed after that peak up to MS_b, before de-drift, m/s: near the
/// drift where the foot landed, near the peak where "MS_b" was a quiet moment inside the swing.</param>
public readonly record struct SegmentTrajectory(
    Vector3 DisplacementWorldM,
    float StrideLengthM,
    float MaxHeightM,
    float MaxHorizontalSpeedMps,
    int MidSwingK,
    Quaternion OrientationAtB,
    StrideFlags Flags,
    float MaxRawHorizontalSpeedMps,
    float SlowestAfterPeakMps);

/// <summary>
/// Orientation and foot trajectory by zero-velocity-aided integration, per stride: between consecutive mid-stances the
/// attitude is integrated from the gyro, levelled with gravity at each mid-stance (gravity correction in stance), and
/// the acceleration is integrated twice with the velocity drift removed so that velocity is zero at both mid-stances —
/// per-stride de-drifted integration as in Mariani 2010 (J Biomech 43:2999) and Falbriard 2021, with the drift's shape
/// read from the data where a walking foot-flat shows it (remarks).
/// </summary>
/// <remarks>
/// <para>The drift's shape. A bias-like error grows the velocity error evenly over the stride (linear de-drift is then
/// exact); an error made at the heel strike — an impact too sharp for the sensor's band, a clipped peak — is a step. The
/// two leave different marks in the still foot-flat before MS_b: an even drift is still rising there, a step is flat. So
/// where the foot stays still long enough (walking: ≥ <see cref="TrajectorySettings.DriftShapeMinWindowS"/> after the
/// impact), the slope of the velocity over that stretch says how much of the end velocity is even drift; the rest is
/// removed as a step at the impact. gaitmap walk (motion capture): stride length MAE 4.0 → 2.1 cm (the drift there was
/// mostly at the impact); the xio loops, whose drift reads as even, stay at 0.24/0.69 % (0.41/0.65 % linear). A fixed
/// mixture could not serve both: any share of step that helped gaitmap took the long loop over 1 %.</para>
/// <para>Heading is the one thing a level-and-ZUPT scheme cannot observe; it drifts only with the gyro bias left after
/// <see cref="Calibration.GyroBiasEstimator"/>. Allocation-free: scratch is sized with the ring.</para>
/// </remarks>
public sealed class StrideIntegrator
{
    private readonly TrajectorySettings _s;
    private readonly SampleRing _ring;
    private readonly Vector3[] _velocity;
    private readonly Vector3[] _accWorld;
    private readonly Quaternion[] _attitude;
    private readonly float[] _horizontalSpeedMps;
    private readonly float[] _dtS;
    private bool _haveOrientation;

    public StrideIntegrator(TrajectorySettings settings, SampleRing ring)
    {
        _s = settings;
        _ring = ring;
        _velocity = new Vector3[ring.Capacity];
        _accWorld = new Vector3[ring.Capacity];
        _attitude = new Quaternion[ring.Capacity];
        _horizontalSpeedMps = new float[ring.Capacity];
        _dtS = new float[ring.Capacity];
    }

    /// <summary>Sensor-to-world attitude at the last mid-stance.</summary>
    public Quaternion OrientationAtLastMs { get; private set; } = Quaternion.Identity;

    /// <summary>Position of the sensor at the last mid-stance, world frame, m.</summary>
    public Vector3 PositionWorldM { get; private set; }

    /// <summary>Horizontal foot speed over the last segment integrated, by offset from MS_a, m/s.</summary>
    public ReadOnlySpan<float> HorizontalSpeedMps => _horizontalSpeedMps;

    /// <summary>Mean specific force around <paramref name="center"/> (the gravity reaction at a mid-stance), sensor frame.</summary>
    public Vector3 MeanAccMps2(long center)
    {
        var rate = _ring.RateHzAt(center);
        var half = Math.Max(1, (long)Math.Round(_s.MidStanceWindowS * rate));
        var sum = Vector3.Zero;
        var count = 0;
        for (var i = Math.Max(_ring.Oldest, center - half); i <= Math.Min(_ring.Next - 1, center + half); i++)
        {
            sum += _ring.AccMps2(i);
            count++;
        }

        return count > 0 ? sum / count : _ring.AccMps2(center);
    }

    /// <summary>Levels the attitude at a mid-stance with its gravity, heading kept (a segment not integrated).</summary>
    public void LevelAt(Vector3 gravitySensor) => OrientationAtLastMs = QuaternionMath.Level(OrientationAtLastMs, gravitySensor);

    /// <summary>Starts the attitude from gravity if there is none yet (before the first segment).</summary>
    public void EnsureOrientation(Vector3 gravitySensor)
    {
        if (_haveOrientation) return;
        OrientationAtLastMs = QuaternionMath.FromTo(Vector3.Normalize(gravitySensor), Vector3.UnitZ);
        _haveOrientation = true;
    }

    /// <summary>
    /// Strapdown integration MS_a → MS_b from the attitude at MS_a, velocity de-drifted to zero at MS_a and to the mean of
    /// the still window around MS_b. Nothing is committed: see <see cref="Commit"/>.
    /// </summary>
    /// <param name="stillRps">Motion energy below which a sample next to MS_b counts as still.</param>
    public SegmentTrajectory Integrate(long a, long b, float stillRps)
    {
        var len = (int)(b - a);
        var q = OrientationAtLastMs;
        var g = new Vector3(0, 0, (float)Gravity.StandardMps2);
        var flags = StrideFlags.None;
        // The zero-velocity window around MS_b: the still samples on both sides (at most ZeroVelocityHalfWindowS).
        // Velocity is de-drifted to its mean over that window rather than to one sample's value, which averages out
        // the sensor noise and the foot's residual sway at the single least-motion sample.
        var zvHalf = (int)Math.Round(_s.ZeroVelocityHalfWindowS * _ring.RateHzAt(b));
        var zvAfter = 0;
        while (zvAfter < zvHalf && b + zvAfter + 1 < _ring.Next && len + zvAfter + 1 < _ring.Capacity - 1 && _ring.EnergyRps(b + zvAfter + 1) < stillRps) zvAfter++;
        var zvBefore = 0;
        while (zvBefore < zvHalf && zvBefore + 1 < len && _ring.EnergyRps(b - zvBefore - 1) < stillRps) zvBefore++;
        var last = len + zvAfter;
        // Attitude (AttitudeChain says how), then specific force in the world frame, then velocity: each its own loop, as
        // fused the JIT ran out of registers and spilled the attitude chain to the stack.
        var ring = _ring.Read();
        var attitudeOut = _attitude.AsSpan(0, last + 1);
        AttitudeChain(ring, a, q, attitudeOut, _dtS.AsSpan(0, last + 1));
        // The segment's gaps: any flags the stride; the offset of the sample after the only one (-1: none or several)
        // places the level and the step at the gap below.
        var gapK = -1;
        for (var k = 0; k <= len; k++)
        {
            var f = ring.Flags(a + k);
            if ((f & (byte)ImuSampleFlags.GapBefore) != 0 && k > 0)
            {
                gapK = (flags & StrideFlags.GapBridged) == 0 ? k : -1;
                flags |= StrideFlags.GapBridged;
            }

            if ((f & (byte)ImuSampleFlags.GyroClipped) != 0) flags |= StrideFlags.GyroClipped;
        }

        if (gapK > 0) LevelFromGap(ring, a, b, gapK, attitudeOut);
        var qAtB = Quaternion.Normalize(attitudeOut[len]);
        var accWorldOut = _accWorld.AsSpan(0, last + 1);
        for (var k = 0; k <= last; k++) accWorldOut[k] = QuaternionMath.Rotate(ring.AccMps2(a + k), attitudeOut[k]) - g;

        var v = Vector3.Zero;
        _velocity[0] = v;
        var maxRaw = 0f;
        var slowestAfterPeak = 0f;
        var accWorld = _accWorld.AsSpan(0, last + 1);
        var dts = _dtS.AsSpan(0, last + 1);
        var velocity = _velocity.AsSpan(0, last + 1);
        for (var k = 1; k < accWorld.Length; k++)
        {
            v += 0.5f * (accWorld[k - 1] + accWorld[k]) * dts[k];
            velocity[k] = v;
            if (k > len) continue;
            var hs = (v.X * v.X) + (v.Y * v.Y);
            if (hs > maxRaw) maxRaw = slowestAfterPeak = hs;
            else slowestAfterPeak = MathF.Min(slowestAfterPeak, hs);
        }

        var t0 = _ring.TimeS(a);
        var t1 = _ring.TimeS(b);
        var vEnd = Vector3.Zero;
        for (var k = len - zvBefore; k <= last; k++) vEnd += _velocity[k];
        vEnd /= zvBefore + zvAfter + 1;
        // Linear de-drift first: it gives the foot speed and mid-swing (the events' anchor; a drift of a few cm/s does not
        // move the speed peak), then the position again where the drift's shape is known.
        var (p, maxHeight, maxHorizontalSpeed, midSwingK) = DeDriftedPath(a, len, t0, t1, vEnd, Vector3.Zero, 0, speeds: true);
        var evenShare = EvenDriftShare(a, len, zvAfter, midSwingK, t0, t1, vEnd, stillRps, out var impactS);
        var vStep = (1 - evenShare) * vEnd;
        if (float.IsNaN(evenShare))
        {
            // Too short a foot-flat to read the shape (running). Where the accelerometer saturated at the impact, the
            // velocity the clip lost is a step there, not an even drift: spreading it over the stride, as linear
            // de-drift does, shortened clipped sprint strides by 4.3 % (issue 11's kept-back sprints; 11–18 % over
            // whole segments) and made them climb on flat ground. A clip can only lose velocity along the axis that
            // saturated, on the side it saturated: only the part of the leftover velocity in that direction is the
            // step; the rest is drift as before.
            vStep = Vector3.Zero;
            var clipK = FirstAccClipAfter(a, midSwingK, len);
            if (clipK > 0)
            {
                vStep = ClipLoss(a, clipK, len, vEnd);
                impactS = _ring.TimeS(a + clipK);
            }
        }

        // Samples lost once in a running segment while the foot moved: the acceleration in the gap was never seen, so
        // the velocity it changed by is missing from there on — a step at the gap, as a clip's loss is a step at the
        // clip (a 95-ms gap in a swing can hide a few m/s, against a drift of cm/s). Spread over the stride by linear
        // de-drift, it put 200-Hz bridged strides 4–5 % off on average and up to 56 %. Not in walking, whose foot-flat
        // reads the drift's shape and whose longer strides carry more drift, nor where the foot was still on both
        // sides of the gap (nothing to lose there).
        if (!float.IsNaN(evenShare) || (gapK > 0 && _ring.EnergyRps(a + gapK - 1) < stillRps && _ring.EnergyRps(a + gapK) < stillRps)) gapK = -1;
        if (gapK > 0) (p, maxHeight) = PathWithGapStep(a, len, gapK, vEnd, vStep, impactS);
        else if (vStep != Vector3.Zero) (p, maxHeight, _, _) = DeDriftedPath(a, len, t0, t1, vEnd - vStep, vStep, impactS, speeds: false);
        if ((flags & StrideFlags.GapBridged) != 0) p += DistanceCurvedAcrossGaps(a, accWorld, len);

        return new SegmentTrajectory(p, MathF.Sqrt((p.X * p.X) + (p.Y * p.Y)), maxHeight, maxHorizontalSpeed, midSwingK, qAtB, flags,
            MathF.Sqrt(maxRaw), MathF.Sqrt(slowestAfterPeak));
    }

    /// <summary>
    /// Across a gap the path is integrated on the straight line between its edges' velocities, but the velocity
    /// curved in between — in mid-swing it peaks there — and the accelerometer gives its slope at both edges. The cubic
    /// through both edges with those slopes adds dt² (a₀ − a₁) / 12 to the trapezoid's distance (the Euler–Maclaurin
    /// end correction, with measured, not differenced, derivatives). Position only, added to the end point. On top of
    /// <see cref="LevelFromGap"/>: footprint walking strides that lost a packet 3.36 → 3.29 % from themselves unbroken,
    /// simulated bridged running strides 1.19 → 0.99 %. (Differencing the gyro's samples for the same cubic on the
    /// attitude was tried: the differences are noisy at 200 Hz, and real walking went 2.88 → 3.68 %.)
    /// </summary>
    private Vector3 DistanceCurvedAcrossGaps(long a, ReadOnlySpan<Vector3> accWorld, int len)
    {
        var extra = Vector3.Zero;
        for (var k = 1; k <= len; k++)
        {
            if (!_ring.GapBefore(a + k)) continue;
            var dt = _dtS[k];
            extra += (dt * dt / 12f) * (accWorld[k - 1] - accWorld[k]);
        }

        return extra;
    }

    /// <summary>
    /// A gap loses rotation as well as velocity: across it the attitude is carried on the mean of its edges' rates, and
    /// where the rate peaks or reverses inside it (a mid-swing gap: the pitch rate passes its peak) the foot turned by
    /// degrees more or less than that. The attitude is then off from the gap to MS_b, gravity leaks into the horizontal
    /// and the stride reads short (simulated running at 200 Hz: 3–7 % for a packet lost in mid-swing). Gravity at MS_b
    /// tells the tilt the gyro-carried attitude reached; when the gap could hide at least
    /// <see cref="TrajectorySettings.GapTiltMinRotationDeg"/> of rotation, that tilt is put right from the gap on (heading
    /// kept: the correction's axis is horizontal). Strides that lost a packet, levelling alone: footprints-walk-jog
    /// walking with 2 % of 19-row packets removed, 4.75 → 3.36 % from the same strides unbroken; simulated running, 1 %
    /// loss, 1.74 → 1.19 %. Where the gap holds the landing (whose rotation the chain carries well) it helps less, and a
    /// short running mid-stance's gravity is itself a degree or so off: the landing-gap test moved 0.70 / 1.16 / 0.92 →
    /// 0.58 / 1.32 / 1.57 % with both changes.
    /// </summary>
    private void LevelFromGap(SampleRing.View ring, long a, long b, int gapK, Span<Quaternion> attitude)
    {
        var gapS = ring.TimeS(a + gapK) - ring.TimeS(a + gapK - 1);
        var edgeRps = MathF.Max(ring.GyroRps(a + gapK - 1).Length(), ring.GyroRps(a + gapK).Length());
        if (gapS * edgeRps * (180 / Math.PI) < _s.GapTiltMinRotationDeg) return;
        var len = (int)(b - a);
        var upCarried = Vector3.Normalize(QuaternionMath.Rotate(MeanAccMps2(b), attitude[len]));
        var level = QuaternionMath.FromTo(upCarried, Vector3.UnitZ);
        // FromTo is unit, and unit times unit stays unit to float precision: no renormalisation per sample.
        for (var k = gapK; k < attitude.Length; k++) attitude[k] = level * attitude[k];
    }

    /// <summary>
    /// The attitude of every sample from <paramref name="a"/> on, from <paramref name="q"/> at the first, and the time
    /// steps (<paramref name="dtS"/>[k] between samples k − 1 and k). Alone in its own method so that the chain's few
    /// values stay in registers: inside Integrate the JIT spilled them to the stack.
    /// </summary>
    /// <remarks>
    /// The attitude is a chain (each sample's from the last), so its latency, not its arithmetic, bounds the pass. Two
    /// samples' increments are multiplied together off the chain and the chain takes one product per two samples (the
    /// odd sample's attitude hangs off it, off the chain too): half the chain's latency for 1.5 times the products, which
    /// the core has spare. The quaternion is renormalised every RenormalizeEvery samples, not every sample: the
    /// increments are unit to float precision, so the norm wanders by ~1e-7 per sample, ≤ 2e-6 between
    /// renormalisations, a specific-force error ≤ 4e-5 m/s², far below any accelerometer's noise.
    /// </remarks>
    private static void AttitudeChain(SampleRing.View ring, long a, Quaternion q, Span<Quaternion> attitude, Span<float> dtS)
    {
        var last = attitude.Length - 1;
        var k = 0;
        for (; k + 2 <= last; k += 2)
        {
            var n = a + k;
            attitude[k] = q;
            var t1 = ring.TimeS(n + 1);
            var dt0 = (float)(t1 - ring.TimeS(n));
            var dt1 = (float)(ring.TimeS(n + 2) - t1);
            dtS[k + 1] = dt0;
            dtS[k + 2] = dt1;
            var g1 = ring.GyroRps(n + 1);
            var inc0 = QuaternionMath.Increment(0.5f * (ring.GyroRps(n) + g1), dt0);
            var inc1 = QuaternionMath.Increment(0.5f * (g1 + ring.GyroRps(n + 2)), dt1);
            attitude[k + 1] = q * inc0;
            q *= inc0 * inc1;
            if (((k + 2) & (RenormalizeEvery - 1)) == 0) q = Quaternion.Normalize(q);
        }

        if (k < last)
        {
            var n = a + k;
            attitude[k] = q;
            var dt0 = (float)(ring.TimeS(n + 1) - ring.TimeS(n));
            dtS[k + 1] = dt0;
            q *= QuaternionMath.Increment(0.5f * (ring.GyroRps(n) + ring.GyroRps(n + 1)), dt0);
            k++;
        }

        attitude[k] = q;
    }

    /// <summary>
    /// Position and foot speed over the segment with the velocity drift removed: <paramref name="vEven"/> growing evenly
    /// from MS_a to MS_b, <paramref name="vStep"/> as a step at the impact.
    /// </summary>
    /// <param name="speeds">Also fill the horizontal speeds and find mid-swing (the first pass only).</param>
    private (Vector3 P, float MaxHeightM, float MaxHorizontalSpeedMps, int MidSwingK) DeDriftedPath(long a, int len, double t0, double t1, Vector3 vEven, Vector3 vStep, double impactS, bool speeds)
    {
        var p = Vector3.Zero;
        var maxHeight = 0f;
        var maxHorizontalSpeed = 0f;
        var midSwingK = len / 2;
        var prevV = Vector3.Zero;
        var stepStartS = impactS - ImpactStepBeforeS;
        var perSpanS = 1 / (t1 - t0); // a multiply per sample, not a divide
        for (var k = 1; k <= len; k++)
        {
            var t = _ring.TimeS(a + k);
            var even = (float)((t - t0) * perSpanS);
            var step = vStep != Vector3.Zero ? (float)Math.Clamp((t - stepStartS) / (ImpactStepBeforeS + ImpactStepAfterS), 0, 1) : 0f;
            var vk = _velocity[k] - (vEven * even) - (vStep * step);
            p += 0.5f * (prevV + vk) * _dtS[k]; // Integrate's time steps, the same value
            prevV = vk;
            maxHeight = MathF.Max(maxHeight, p.Z);
            if (!speeds) continue;
            var hs = MathF.Sqrt((vk.X * vk.X) + (vk.Y * vk.Y));
            _horizontalSpeedMps[k] = hs;
            if (hs > maxHorizontalSpeed) { maxHorizontalSpeed = hs; midSwingK = k; }
        }

        return (p, maxHeight, maxHorizontalSpeed, midSwingK);
    }

    /// <summary>
    /// The de-drifted path of a segment with one gap (before sample <paramref name="gapK"/>): the leftover velocity
    /// <paramref name="vEnd"/> less a clip's step <paramref name="vClip"/> (zero, or at <paramref name="clipImpactS"/> as
    /// <see cref="DeDriftedPath"/> places it: a clip loses only along its axes, so that part stays at the clip) is removed
    /// as a step across the gap. Position only: the events keep the linearly de-drifted speeds, as with a clip.
    /// </summary>
    private (Vector3 P, float MaxHeightM) PathWithGapStep(long a, int len, int gapK, Vector3 vEnd, Vector3 vClip, double clipImpactS)
    {
        var gapFromS = _ring.TimeS(a + gapK - 1);
        var gapSpanS = _ring.TimeS(a + gapK) - gapFromS;
        var clipFromS = clipImpactS - ImpactStepBeforeS;
        var vGap = vEnd - vClip;
        var p = Vector3.Zero;
        var maxHeight = 0f;
        var prevV = Vector3.Zero;
        for (var k = 1; k <= len; k++)
        {
            var t = _ring.TimeS(a + k);
            var gap = (float)Math.Clamp((t - gapFromS) / gapSpanS, 0, 1);
            var clip = vClip != Vector3.Zero ? (float)Math.Clamp((t - clipFromS) / (ImpactStepBeforeS + ImpactStepAfterS), 0, 1) : 0f;
            var vk = _velocity[k] - (vGap * gap) - (vClip * clip);
            p += 0.5f * (prevV + vk) * _dtS[k];
            prevV = vk;
            maxHeight = MathF.Max(maxHeight, p.Z);
        }

        return (p, maxHeight);
    }

    // A power of two (the test is a mask): see the attitude loop in Integrate.
    private const int RenormalizeEvery = 16;

    // The step is spread over the impact's first tens of ms: from just before the largest change of acceleration to the
    // end of its ringing.
    private const double ImpactStepBeforeS = 0.01;
    private const double ImpactStepAfterS = 0.03;
    private const double AfterImpactS = 0.05;

    /// <summary>
    /// Share of the end velocity <paramref name="vEnd"/> that grew evenly over the stride (1 = linear de-drift), read from
    /// the slope of the velocity along it over the still stretch before MS_b; NaN when that stretch is too short to tell
    /// (with <paramref name="impactS"/> NaN when even the stretch up to mid-swing is).
    /// </summary>
    private float EvenDriftShare(long a, int len, int zvAfter, int midSwingK, double t0, double t1, Vector3 vEnd, float stillRps, out double impactS)
    {
        var rate = _ring.RateHzAt(a + len);
        var maxBack = (int)Math.Round(_s.DriftShapeMaxWindowS * rate);
        var kTo = len + zvAfter;
        // The still stretch before MS_b as if the impact did not bound it: where even that is too short to tell (every
        // running stance), nothing below is needed.
        var kStill = len;
        while (kStill - 1 > midSwingK && len - (kStill - 1) <= maxBack && _ring.EnergyRps(a + kStill - 1) < stillRps) kStill--;
        if (_ring.TimeS(a + kTo) - _ring.TimeS(a + kStill) < _s.DriftShapeMinWindowS)
        {
            impactS = double.NaN;
            return float.NaN;
        }

        // The impact: the largest change of the world-frame acceleration after mid-swing.
        var kImpact = midSwingK;
        var largest = 0f;
        for (var k = midSwingK + 1; k <= len; k++)
        {
            var change = (_accWorld[k] - _accWorld[k - 1]).LengthSquared();
            if (change > largest) { largest = change; kImpact = k; }
        }

        impactS = _ring.TimeS(a + kImpact);
        var kMin = kImpact + (int)Math.Round(AfterImpactS * rate);
        var kFrom = len;
        while (kFrom - 1 > kMin && len - (kFrom - 1) <= maxBack && _ring.EnergyRps(a + kFrom - 1) < stillRps) kFrom--;
        var vEndLength = vEnd.Length();
        if (_ring.TimeS(a + kTo) - _ring.TimeS(a + kFrom) < _s.DriftShapeMinWindowS) return float.NaN;
        if (!(vEndLength > 1e-3f)) return 1f;

        // Least-squares slope of the velocity along vEnd over the stretch; an even drift rises by vEnd over the stride.
        var along = vEnd / vEndLength;
        double st = 0, sv = 0, stt = 0, stv = 0;
        var n = 0;
        for (var k = kFrom; k <= kTo; k++)
        {
            var t = _ring.TimeS(a + k) - t1;
            var v = Vector3.Dot(_velocity[k], along);
            st += t; sv += v; stt += t * t; stv += t * v;
            n++;
        }

        var slope = ((n * stv) - (st * sv)) / ((n * stt) - (st * st));
        return (float)Math.Clamp(slope * (t1 - t0) / vEndLength, 0, 1);
    }

    /// <summary>
    /// The part of the leftover velocity <paramref name="vEnd"/> that the clip starting at offset <paramref name="clipK"/>
    /// can explain. A saturated axis reads less than the true specific force on the side it saturated, so the integrated
    /// velocity falls short along that axis (in the world, at the clip's attitude) and only there: the leftover's
    /// component along each axis that saturated during the impact, when it has the sign a clip leaves, is the step; a
    /// component along an axis that never saturated, or of the other sign, is drift.
    /// </summary>
    private Vector3 ClipLoss(long a, int clipK, int len, Vector3 vEnd)
    {
        var attitude = _attitude[clipK];
        var endS = _ring.TimeS(a + clipK) + ImpactStepAfterS;
        var side = Vector3.Zero;
        for (var k = clipK; k <= len && _ring.TimeS(a + k) <= endS; k++)
        {
            var f = (ImuSampleFlags)_ring.Flags(a + k);
            if ((f & ImuSampleFlags.AccNearFullScale) == 0) continue;
            var acc = _ring.AccMps2(a + k);
            if ((f & ImuSampleFlags.AccNearFullScaleX) != 0) side.X = Side(side.X, acc.X);
            if ((f & ImuSampleFlags.AccNearFullScaleY) != 0) side.Y = Side(side.Y, acc.Y);
            if ((f & ImuSampleFlags.AccNearFullScaleZ) != 0) side.Z = Side(side.Z, acc.Z);
        }

        // The leftover in the sensor frame at the clip; a clip on side s leaves it along −s (either way when the
        // axis saturated on both sides: a ringing impact).
        var v = Vector3.Transform(vEnd, Quaternion.Conjugate(attitude));
        var step = new Vector3(ClipShare(v.X, side.X), ClipShare(v.Y, side.Y), ClipShare(v.Z, side.Z));
        return Vector3.Transform(step, attitude);

        // Sides seen so far: 0 none, ±1 one side, 2 both.
        static float Side(float seen, float value) => seen == 0 ? MathF.Sign(value) : seen != MathF.Sign(value) ? 2 : seen;
        static float ClipShare(float v, float side) => side == 2 || v * side < 0 ? v : 0;
    }

    private const byte ClipFlags = (byte)ImuSampleFlags.AccNearFullScale;

    /// <summary>Offset of the first sample after mid-swing whose accelerometer clipped, or -1.</summary>
    private int FirstAccClipAfter(long a, int midSwingK, int len)
    {
        for (var k = midSwingK + 1; k <= len; k++)
            if ((_ring.Flags(a + k) & ClipFlags) != 0) return k;
        return -1;
    }

    /// <summary>Takes the segment: the position advances by it and the attitude at MS_b is levelled with its gravity.</summary>
    public void Commit(in SegmentTrajectory segment, Vector3 gravityAtBSensor)
    {
        PositionWorldM += segment.DisplacementWorldM;
        OrientationAtLastMs = QuaternionMath.Level(segment.OrientationAtB, gravityAtBSensor);
    }

    /// <summary>Swings in the horizontal speed of the segment just integrated: the foot fast (above half its peak speed),
    /// then slow (below a sixth of it), counted; and the offset of the last one's speed peak (where a segment holds two
    /// swings, the contact before MS_b follows that one), −1 with none.</summary>
    public (int Count, int LastPeakK) SwingsBySpeed(int len, float maxHorizontalSpeedMps)
    {
        var fast = 0.5f * maxHorizontalSpeedMps;
        var slow = maxHorizontalSpeedMps / 6f;
        var swings = 0;
        var moving = false;
        var peakK = -1;
        var peak = 0f;
        for (var k = 1; k <= len; k++)
        {
            var hs = _horizontalSpeedMps[k];
            if (!moving && hs > fast) { swings++; moving = true; peak = 0f; }
            else if (moving && hs < slow) moving = false;
            if (moving && hs > peak) { peak = hs; peakK = k; }
        }

        return (swings, peakK);
    }

    /// <summary>Attitude at the last mid-stance and position, to undo a committed segment once (<see cref="Restore"/>).</summary>
    public (Quaternion, Vector3) State => (OrientationAtLastMs, PositionWorldM);

    public void Restore((Quaternion Orientation, Vector3 Position) state) => (OrientationAtLastMs, PositionWorldM) = state;

    /// <summary>Forgets attitude and position.</summary>
    public void Reset()
    {
        _haveOrientation = false;
        PositionWorldM = Vector3.Zero;
    }
}
