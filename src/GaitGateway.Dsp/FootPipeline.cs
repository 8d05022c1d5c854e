using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Parameters;
using GaitGateway.Dsp.Segmentation;
using GaitGateway.Dsp.Trajectory;

namespace GaitGateway.Dsp;

/// <summary>Diagnostics of one <see cref="FootPipeline"/> (xio Fusion style: internal states are part of the API).</summary>
public readonly record struct FootPipelineDiagnostics(
    long Samples,
    long SkippedSamples,
    int Strides,
    int RejectedSegments,
    int GapsBridged,
    int Resets,
    double SwingThresholdDps,
    Vector3 GyroBiasDps,
    Vector3 ForwardAxisSensor,
    Vector3 LeftAxisSensor);

/// <summary>
/// The per-foot streaming pipeline: gyro bias at rest → adaptive swing/mid-stance segmentation → per-stride
/// zero-velocity-aided strapdown integration with linear velocity de-drift → gait events → stride parameters.
/// Call <see cref="Update"/> once per sample; it returns true when a stride is complete.
/// </summary>
/// <remarks>
/// <para>Segmentation: a swing is motion-energy (smoothed gyro norm) above a threshold that follows the recent swing
/// peaks, sustained for <see cref="FootPipelineSettings.MinSwingDurationS"/>. Between two swings the sample of least
/// energy is the mid-stance (MS), where the foot is taken to be at rest and flat. The threshold adapts because a fixed
/// zero-velocity threshold fails across speeds (REFERENCES.md: SHOE optimum moves ~100× from walking to jogging).</para>
/// <para>Trajectory: between consecutive MS the orientation is integrated from the gyro, levelled with gravity at each
/// MS (gravity correction in stance), and acceleration is integrated twice with the velocity drift removed linearly so
/// that velocity is zero at both MS — per-stride de-drifted integration as in Mariani 2010 and Falbriard 2021.</para>
/// <para>Alignment: the sensor-to-foot rotation is estimated from the data, so a clip mounted up to ±15° off costs
/// nothing: "up" is gravity at MS; the foot's left axis is opposite the mean swing angular velocity (the foot
/// dorsiflexes, toes up, through the swing); forward = left × up.</para>
/// <para>Events: toe-off (TO) is where the push-off load ends — the largest change of acceleration slope next to the
/// most negative toes-up pitch rate between MS and mid-swing (Falbriard 2018, Front Physiol 9:610); initial contact (IC) is the impact — the onset of the largest jerk between mid-swing and the next
/// MS — which holds for rearfoot, midfoot and forefoot landings alike, where pitch-rate extrema do not.</para>
/// <para>Latency: stride k (IC_k → IC_k+1) is complete once MS_k+1 is known, i.e. the moment the foot starts to move
/// again after it (heel-off): one mid-stance of latency, no more.</para>
/// </remarks>
public sealed class FootPipeline
{
    private const float DegToRad = MathF.PI / 180f;
    private const double RadToDeg = 180.0 / Math.PI;

    private readonly FootPipelineSettings _s;
    private readonly GyroBiasEstimator _bias;
    private readonly SampleRing _ring;
    // Per-segment scratch, sized with the ring: no allocation per stride either.
    private readonly Vector3[] _velocity;
    private readonly Vector3[] _accWorld;
    private readonly float[] _toesUpRate;
    private readonly float[] _horizontalSpeedMps;

    private double _lastTimeS = double.NaN;
    private float _energy;
    private bool _gapPending;

    // Swing detection.
    private long _candidateStart = -1;
    private bool _inSwing;
    private bool _stanceDone;
    private float _swingPeak;
    private float _peakEma = 300f * DegToRad;
    private long _lastSwingEnd = -1;
    private double _lastSwingStartS = double.NegativeInfinity;
    private long _chainStart;

    // Mid-stance chain.
    private long _lastMs = -1;
    private Quaternion _qAtLastMs = Quaternion.Identity;
    private bool _haveOrientation;
    private Vector3 _leftAxisSensor;
    private bool _haveAxis;

    // Events of the stance at _lastMs, found in the previous segment.
    private double _prevIcS = double.NaN;
    private double _prevStrideSpeedMps = double.NaN;
    private double _lastStrideTimeS = double.PositiveInfinity;
    private Gait _lastGait = Gait.Unknown;
    private double _prevStrikeDeg = double.NaN;
    private double _prevImpactG = double.NaN;
    private bool _prevImpactClipped;

    private long _samples, _skipped;
    private int _strides, _rejected, _gapsBridged, _resets;

    public FootPipeline(Foot foot, FootPipelineSettings? settings = null)
    {
        Foot = foot;
        _s = settings ?? new FootPipelineSettings();
        _bias = new GyroBiasEstimator(_s.GyroBias);
        var capacity = (int)Math.Ceiling(_s.MaxSampleRateHz * ((2 * _s.MaxStrideTimeS) + 1.5));
        _ring = new SampleRing(capacity);
        _velocity = new Vector3[_ring.Capacity];
        _accWorld = new Vector3[_ring.Capacity];
        _toesUpRate = new float[_ring.Capacity];
        _horizontalSpeedMps = new float[_ring.Capacity];
    }

    public Foot Foot { get; }

    /// <summary>Horizontal-and-vertical position of the sensor at the last mid-stance, world frame (x = heading at start), m.</summary>
    public Vector3 PositionWorldM { get; private set; }

    /// <summary>Time of the most recent initial contact found, s (NaN before the first). Updated before its stride is complete.</summary>
    public double LastIcTimeS { get; private set; } = double.NaN;

    public FootPipelineDiagnostics Diagnostics => new(
        _samples, _skipped, _strides, _rejected, _gapsBridged, _resets,
        SwingThreshold() / DegToRad, _bias.BiasDps,
        _haveAxis ? Vector3.Cross(_leftAxisSensor, Vector3.UnitZ) : Vector3.Zero, _leftAxisSensor);

    /// <summary>Feeds one sample. Returns true and the stride when one completes.</summary>
    public bool Update(in ImuSample sample, out StrideMetrics stride)
    {
        stride = default;
        var t = sample.TimeS;
        if (!double.IsFinite(t) || !IsFinite(sample.AccSensorMps2) || !IsFinite(sample.GyroSensorDps))
        {
            // Treat a non-finite sample as lost: the next good one is flagged as following a gap.
            _skipped++;
            _gapPending = true;
            return false;
        }

        if (!double.IsNaN(_lastTimeS))
        {
            var dt = t - _lastTimeS;
            if (dt <= 0)
            {
                _skipped++;
                return false; // duplicate or reordered sample: the sources guarantee order, so drop it.
            }

            if (dt > _s.MaxGapBridgeS)
            {
                ResetChain();
                _gapPending = false;
            }
            else if ((sample.Flags & ImuSampleFlags.GapBefore) != 0 || _gapPending)
            {
                _gapsBridged++;
                _gapPending = true;
            }
        }

        _samples++;
        var dtS = double.IsNaN(_lastTimeS) ? 0 : t - _lastTimeS;
        _lastTimeS = t;

        _bias.Update(t, sample.AccSensorMps2, sample.GyroSensorDps);
        var gyroRps = (sample.GyroSensorDps - _bias.BiasDps) * DegToRad;
        // Motion energy: angular rate plus the specific force's departure from 1 g, as the SHOE detector combines both
        // (Skog 2010). The gyro norm alone dips to ~0 where the pitch rate reverses in mid-swing; the accelerometer
        // does not, and at mid-stance both are near zero.
        var rate = gyroRps.Length() + ((float)_s.AccEnergyWeightRpsPerMps2 * MathF.Abs(sample.AccSensorMps2.Length() - (float)Gravity.StandardMps2));
        var alpha = dtS <= 0 ? 1f : (float)(dtS / ((_s.EnergyWindowS / 2) + dtS));
        _energy += alpha * (rate - _energy);

        var flags = (byte)(sample.Flags & (ImuSampleFlags.AccClipped | ImuSampleFlags.GyroClipped));
        if (_gapPending) flags |= (byte)ImuSampleFlags.GapBefore;
        _gapPending = false;
        var n = _ring.Next;
        _ring.Add(t, sample.AccSensorMps2, gyroRps, _energy, flags);

        return DetectSwing(n, t, out stride);
    }

    /// <summary>Forgets everything learnt (bias, alignment, orientation, position).</summary>
    public void Reset()
    {
        ResetChain();
        _bias.Reset();
        _haveAxis = false;
        _haveOrientation = false;
        _leftAxisSensor = Vector3.Zero;
        _peakEma = 300f * DegToRad;
        _lastGait = Gait.Unknown;
        _prevStrideSpeedMps = double.NaN;
        _lastStrideTimeS = double.PositiveInfinity;
        PositionWorldM = Vector3.Zero;
        _lastTimeS = double.NaN;
        LastIcTimeS = double.NaN;
    }

    private void ResetChain()
    {
        _resets++;
        _candidateStart = -1;
        _inSwing = false;
        _stanceDone = false;
        _lastSwingEnd = -1;
        _lastMs = -1;
        _prevIcS = double.NaN;
        _chainStart = _ring.Next;
        _lastSwingStartS = double.NegativeInfinity;
    }

    private float SwingThreshold() => MathF.Max((float)_s.MinSwingRateDps * DegToRad, (float)_s.SwingThresholdFraction * _peakEma);

    private bool DetectSwing(long n, double t, out StrideMetrics stride)
    {
        stride = default;
        var high = SwingThreshold();
        var low = 0.6f * high;
        var e = _energy;
        if (_inSwing)
        {
            _swingPeak = MathF.Max(_swingPeak, e);
            if (e < low)
            {
                _inSwing = false;
                _stanceDone = false;
                _lastSwingEnd = n;
                // Follow the swing peaks slowly: a few strides to adapt to a new pace, one odd stride moves it little.
                _peakEma += 0.25f * (_swingPeak - _peakEma);
            }

            return false;
        }

        if (_candidateStart < 0)
        {
            if (e > high)
            {
                // Motion resumes: the stance before it is over, so its least-motion sample — the mid-stance — is known
                // now, without waiting to see whether this becomes a swing (the stride closes one mid-stance late,
                // no later). A slap or twitch without a quiet moment before it fails the stillness check below.
                _candidateStart = n;
                return !_stanceDone && MidStanceBefore(n, high, out stride);
            }

            // The runner stopped: no swing follows this stance. Close the last stride now rather than at the next
            // step, which may be minutes away (a traffic light, a walk break that is a stand).
            if (_lastSwingEnd >= 0 && t - _ring.TimeS(_lastSwingEnd) > _s.StopDetectS) return CloseStanceOnStop(n, out stride);
            return false;
        }

        if (e < low)
        {
            _candidateStart = -1; // a slap or a twitch, not a swing
            return false;
        }

        var startS = _ring.TimeS(_candidateStart);
        if (t - startS < _s.MinSwingDurationS) return false;
        if (startS - _lastSwingStartS < _s.MinStrideTimeS * 0.8)
        {
            _candidateStart = -1;
            return false;
        }

        // Confirmed swing (its stance was closed when the motion began).
        _candidateStart = -1;
        _inSwing = true;
        _swingPeak = e;
        _lastSwingStartS = startS;
        return false;
    }

    /// <summary>Finds and processes the mid-stance of the stance that ends at <paramref name="motionStart"/>.</summary>
    private bool MidStanceBefore(long motionStart, float high, out StrideMetrics stride)
    {
        stride = default;
        var rateHz = EstimateRateHz(motionStart);
        var from = _lastSwingEnd >= 0 && _lastSwingEnd < motionStart
            ? _lastSwingEnd
            : Math.Max(_chainStart, motionStart - (long)(1.5 * rateHz));
        from = Math.Max(from, _ring.Oldest);
        if (motionStart - from < 2) return false;
        var (ms, min) = LeastEnergy(from, motionStart);

        // No quiet moment: this motion follows a heel-strike slap, a heel rise or a stumble, not a stance. Real
        // mid-stances sit far below the swing threshold (≤ 10 % of it in walking and running alike).
        if (min > 0.4f * high) return false;
        _stanceDone = true;

        // The smoothing lags by about half its window: step back accordingly.
        ms = Math.Max(from, ms - (long)Math.Round(_s.EnergyWindowS / 2 * rateHz));
        return OnMidStance(ms, out stride);
    }

    /// <summary>End of input: a stance in progress is complete, so the stride it closes can be emitted.</summary>
    public bool Flush(out StrideMetrics stride)
    {
        stride = default;
        if (_inSwing || _lastSwingEnd < 0 || _ring.Next == 0) return false;
        return CloseStanceOnStop(_ring.Next - 1, out stride);
    }

    private bool CloseStanceOnStop(long now, out StrideMetrics stride)
    {
        stride = default;
        var from = Math.Max(_lastSwingEnd, _ring.Oldest);
        _lastSwingEnd = -1;
        _stanceDone = false; // the next motion's stance (standing here) is searched from the chain start
        _chainStart = now; // the next swing searches its stance from here, not back into this one
        if (now - from < 2) return false;
        return OnMidStance(LeastEnergy(from, now + 1).Index, out stride);
    }

    /// <summary>The sample of least motion energy in [from, toExclusive): the mid-stance candidate.</summary>
    private (long Index, float Energy) LeastEnergy(long from, long toExclusive)
    {
        var index = from;
        var min = float.MaxValue;
        for (var i = from; i < toExclusive; i++)
        {
            var v = _ring.EnergyRps(i);
            if (v < min) { min = v; index = i; }
        }

        return (index, min);
    }

    private double EstimateRateHz(long n)
    {
        var back = Math.Min(16, n - _ring.Oldest);
        if (back < 1) return 400;
        var dt = (_ring.TimeS(n) - _ring.TimeS(n - back)) / back;
        return dt > 0 ? 1.0 / dt : 400;
    }

    private bool OnMidStance(long ms, out StrideMetrics stride)
    {
        stride = default;
        var gravityB = MeanAcc(ms);
        RefineBiasAt(ms);
        if (!_haveOrientation)
        {
            _qAtLastMs = QuaternionMath.FromTo(Vector3.Normalize(gravityB), Vector3.UnitZ);
            _haveOrientation = true;
        }

        if (_lastMs < 0 || !_ring.Holds(_lastMs))
        {
            _lastMs = ms;
            _qAtLastMs = QuaternionMath.Level(_qAtLastMs, gravityB);
            _prevIcS = double.NaN;
            return false;
        }

        var a = _lastMs;
        var duration = _ring.TimeS(ms) - _ring.TimeS(a);
        if (duration < _s.MinStrideTimeS || duration > _s.MaxStrideTimeS)
        {
            _rejected++;
            _lastMs = ms;
            _qAtLastMs = QuaternionMath.Level(_qAtLastMs, gravityB);
            _prevIcS = double.NaN;
            return false;
        }

        var emitted = ProcessSegment(a, ms, gravityB, out stride);
        _lastMs = ms;
        return emitted;
    }

    /// <summary>Zero-velocity bias refinement: the gyro should read zero where the foot is flat and still.</summary>
    private void RefineBiasAt(long center)
    {
        var rate = EstimateRateHz(center);
        var half = Math.Max(2, (long)Math.Round(2 * _s.MidStanceWindowS * rate));
        var sum = Vector3.Zero;
        var count = 0;
        for (var i = Math.Max(_ring.Oldest, center - half); i <= Math.Min(_ring.Next - 1, center + half); i++)
        {
            var w = _ring.GyroRps(i);
            if (w.Length() > 3f * DegToRad) return; // not still: no information about the bias here
            sum += w;
            count++;
        }

        if (count >= 3) _bias.UpdateFromZeroVelocity(sum / count / DegToRad);
    }

    private Vector3 MeanAcc(long center)
    {
        var rate = EstimateRateHz(center);
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

    private bool ProcessSegment(long a, long b, Vector3 gravityB, out StrideMetrics stride)
    {
        stride = default;
        var len = (int)(b - a);
        if (len >= _ring.Capacity - 1 || !_ring.Holds(a))
        {
            _rejected++;
            return false;
        }

        var threshold = SwingThreshold();

        // 1. Alignment, axis: the foot's pitch axis is the principal axis of the swing's angular rate (power iteration on
        // Σ ω ωᵀ; 3×3, no allocation). Its sign is fixed below, after integration, from the direction of travel.
        var upB = Vector3.Normalize(gravityB);
        Matrix4x4 cov = default;
        var any = false;
        for (var i = a; i <= b; i++)
        {
            if (_ring.EnergyRps(i) <= threshold) continue;
            var w = _ring.GyroRps(i);
            cov.M11 += w.X * w.X; cov.M12 += w.X * w.Y; cov.M13 += w.X * w.Z;
            cov.M22 += w.Y * w.Y; cov.M23 += w.Y * w.Z; cov.M33 += w.Z * w.Z;
            any = true;
        }

        if (!any && !_haveAxis)
        {
            _rejected++;
            return false;
        }

        var axis = _haveAxis ? _leftAxisSensor : Vector3.UnitY;
        if (any)
        {
            for (var it = 0; it < 24; it++)
            {
                var next = new Vector3(
                    (cov.M11 * axis.X) + (cov.M12 * axis.Y) + (cov.M13 * axis.Z),
                    (cov.M12 * axis.X) + (cov.M22 * axis.Y) + (cov.M23 * axis.Z),
                    (cov.M13 * axis.X) + (cov.M23 * axis.Y) + (cov.M33 * axis.Z));
                if (next.LengthSquared() < 1e-20f) break;
                axis = Vector3.Normalize(next);
            }
        }

        // 2. Strapdown integration MS_a → MS_b, levelled at MS_a, velocity de-drifted to zero at both ends.
        var q = _qAtLastMs;
        var g = new Vector3(0, 0, (float)Gravity.StandardMps2);
        var flags = StrideFlags.None;
        // The zero-velocity window around MS_b: the still samples on both sides (at most ZeroVelocityHalfWindowS).
        // Velocity is de-drifted to its mean over that window rather than to one sample's value, which averages out
        // the sensor noise and the foot's residual sway at the single least-motion sample.
        var zvHalf = (int)Math.Round(_s.ZeroVelocityHalfWindowS * EstimateRateHz(b));
        var still = 0.25f * threshold;
        var zvAfter = 0;
        while (zvAfter < zvHalf && b + zvAfter + 1 < _ring.Next && len + zvAfter + 1 < _ring.Capacity - 1 && _ring.EnergyRps(b + zvAfter + 1) < still) zvAfter++;
        var zvBefore = 0;
        while (zvBefore < zvHalf && zvBefore + 1 < len && _ring.EnergyRps(b - zvBefore - 1) < still) zvBefore++;
        var last = len + zvAfter;
        Quaternion qAtB = q;
        for (var k = 0; k <= last; k++)
        {
            var n = a + k;
            var acc = _ring.AccMps2(n);
            var gyro = _ring.GyroRps(n);
            _accWorld[k] = Vector3.Transform(acc, q) - g;
            if (k == len) qAtB = q;
            var f = _ring.Flags(n);
            if (k <= len && (f & (byte)ImuSampleFlags.GapBefore) != 0 && k > 0) flags |= StrideFlags.GapBridged;
            if (k <= len && (f & (byte)ImuSampleFlags.GyroClipped) != 0) flags |= StrideFlags.GyroClipped;
            if (k == last) break;
            var dt = (float)(_ring.TimeS(n + 1) - _ring.TimeS(n));
            var mid = 0.5f * (gyro + _ring.GyroRps(n + 1));
            q = Quaternion.Normalize(q * QuaternionMath.Increment(mid, dt));
        }

        q = qAtB;

        var t0 = _ring.TimeS(a);
        var t1 = _ring.TimeS(b);
        var v = Vector3.Zero;
        _velocity[0] = v;
        for (var k = 1; k <= last; k++)
        {
            var dt = (float)(_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
            v += 0.5f * (_accWorld[k - 1] + _accWorld[k]) * dt;
            _velocity[k] = v;
        }

        var vEnd = Vector3.Zero;
        for (var k = len - zvBefore; k <= last; k++) vEnd += _velocity[k];
        vEnd /= zvBefore + zvAfter + 1;
        var p = Vector3.Zero;
        var maxHeight = 0f;
        var maxHorizontalSpeed = 0f;
        var midSwingK = len / 2;
        var prevV = Vector3.Zero;
        for (var k = 1; k <= len; k++)
        {
            var frac = (float)((_ring.TimeS(a + k) - t0) / (t1 - t0));
            var vk = _velocity[k] - (vEnd * frac);
            var dt = (float)(_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
            p += 0.5f * (prevV + vk) * dt;
            prevV = vk;
            maxHeight = MathF.Max(maxHeight, p.Z);
            var hs = MathF.Sqrt((vk.X * vk.X) + (vk.Y * vk.Y));
            _horizontalSpeedMps[k] = hs;
            if (hs > maxHorizontalSpeed) { maxHorizontalSpeed = hs; midSwingK = k; }
        }

        var strideLengthM = MathF.Sqrt((p.X * p.X) + (p.Y * p.Y));

        // One segment, one swing. A segment that lasts over 1.5 times the last stride AND holds two swings (the foot
        // fast above half its peak speed, slow below a sixth of it in between) had a stance that never looked still
        // enough to end the swing — fast running at a low rate can blur a short stance — and an IC-to-IC span over
        // it would be one stride of twice the time. Position and orientation carry on; no stride is emitted and the
        // chain restarts at MS_b. (Either witness alone misfires: slow forefoot running shows two speed humps.)
        var doubled = t1 - t0 > 1.5 * _lastStrideTimeS && CountSwingsBySpeed(len, maxHorizontalSpeed) > 1;

        // Alignment, sign: forward = left × up must point along the travel, so a clip mounted backwards or upside down
        // (or a ±15° misalignment) changes nothing.
        var upA = Vector3.Normalize(MeanAcc(a));
        var fwdWorldA = Vector3.Transform(Vector3.Cross(axis, upA), _qAtLastMs);
        if ((fwdWorldA.X * p.X) + (fwdWorldA.Y * p.Y) < 0) axis = -axis;
        if (_haveAxis && Vector3.Dot(axis, _leftAxisSensor) < 0)
        {
            // A real stride's travel is the better witness: start over from it (averaging opposite vectors would
            // swing the axis through zero over many strides). A shuffle's travel says little: keep the old sign.
            if (strideLengthM >= _s.MinStrideLengthM) _haveAxis = false;
            else axis = -axis;
        }

        _leftAxisSensor = _haveAxis ? Vector3.Normalize((0.8f * _leftAxisSensor) + (0.2f * axis)) : axis;
        _haveAxis = true;
        var left = Vector3.Normalize(_leftAxisSensor - (Vector3.Dot(_leftAxisSensor, upB) * upB));
        var forward = Vector3.Cross(left, upB);
        for (var k = 0; k <= len; k++) _toesUpRate[k] = -Vector3.Dot(_ring.GyroRps(a + k), left);
        PositionWorldM += p;
        _qAtLastMs = QuaternionMath.Level(q, gravityB);

        // 3. Events. Mid-swing = the foot's fastest moment (robust to whatever the foot's rotations do in stance, e.g.
        // a forefoot landing's heel drop); TO before it, IC after it.
        var swingPeakK = midSwingK;
        var toK = 0;
        for (var k = 1; k < swingPeakK; k++)
            if (_toesUpRate[k] < _toesUpRate[toK]) toK = k;
        var toS = ToeOffByLoadRelease(a, toK, swingPeakK);

        var icK = FindImpact(a, swingPeakK, len);
        double icS, strikeDeg = double.NaN, impactG = double.NaN;
        var impactClipped = false;
        if (icK > 0)
        {
            icS = ImpactOnsetTimeS(a, icK);
            if (_lastGait == Gait.Walk) icS = Math.Min(icS, WalkingContactS(a, icK, swingPeakK, len));
            strikeDeg = StrikeAngleDeg(a + icK - 1, b, upB, forward);
            (impactG, impactClipped) = PeakImpact(a + icK - 1, b);
            LastIcTimeS = icS;
        }
        else
        {
            icS = double.NaN;
        }

        // 4. Stride k = IC_k (found last segment) → IC_k+1 (found now), TO_k found now.
        var emitted = false;
        if (doubled) _rejected++;
        if (!doubled && double.IsFinite(_prevIcS) && double.IsFinite(icS) && strideLengthM >= _s.MinStrideLengthM)
        {
            var strideTime = icS - _prevIcS;
            var contact = toS - _prevIcS;
            // A toe-off must leave room for a swing before the next contact: one found within MinSwingDurationS of it
            // belongs to another phase (seen on the first step from standing), and its contact time would be garbage.
            if (strideTime >= _s.MinStrideTimeS && strideTime <= _s.MaxStrideTimeS && contact > 0 && contact < strideTime - _s.MinSwingDurationS)
            {
                var speed = strideLengthM / strideTime;
                var pattern = StrikeClassifier.Classify(_prevStrikeDeg, _s.Strike);
                var (osIndex, osFlag) = OverstrideDetector.Evaluate(_prevIcS, t0, contact, _prevStrikeDeg, speed, _s.Overstride);
                // The braking-share proxy assumes a steady pace (braking and propulsive impulses balance): a runner
                // slowing down brakes longer on every step without landing any further ahead, so no flag then.
                if (osFlag && double.IsFinite(_prevStrideSpeedMps) && speed < _prevStrideSpeedMps * (1 - _s.Overstride.MaxDecelerationFraction)) osFlag = false;
                _prevStrideSpeedMps = speed;
                _lastStrideTimeS = strideTime;
                if (_prevImpactClipped) flags |= StrideFlags.AccClipped;
                var duty = contact / strideTime;
                stride = new StrideMetrics
                {
                    Foot = Foot,
                    IcTimeS = _prevIcS,
                    ToTimeS = toS,
                    NextIcTimeS = icS,
                    StrideTimeS = strideTime,
                    StrideLengthM = strideLengthM,
                    SpeedMps = speed,
                    ContactTimeS = contact,
                    SwingTimeS = icS - toS,
                    FlightTimeS = double.NaN,
                    DutyFactor = duty,
                    StrikeAngleDeg = _prevStrikeDeg,
                    StrikePattern = pattern,
                    CadenceSpm = 120.0 / strideTime,
                    PeakImpactG = _prevImpactG,
                    FootClearanceM = maxHeight,
                    PeakSwingSpeedMps = maxHorizontalSpeed,
                    OverstrideIndex = osIndex,
                    Overstride = osFlag,
                    CalfLoad = CalfLoadModel.StepLoad(contact, strideTime / 2, speed, pattern, _s.CalfLoad),
                    Gait = ClassifyGait(duty),
                    Flags = flags,
                };
                _strides++;
                emitted = true;
            }
            else
            {
                _rejected++;
            }
        }

        // A segment without a swing (standing on after a stop) has no contact to carry forward.
        _prevIcS = any && !doubled ? icS : double.NaN;
        _prevStrikeDeg = strikeDeg;
        _prevImpactG = impactG;
        _prevImpactClipped = impactClipped;
        return emitted;
    }

    /// <summary>Swings in the horizontal speed of the segment just integrated (see its use).</summary>
    private int CountSwingsBySpeed(int len, float maxHorizontalSpeed)
    {
        var fast = 0.5f * maxHorizontalSpeed;
        var slow = maxHorizontalSpeed / 6f;
        var swings = 0;
        var moving = false;
        for (var k = 1; k <= len; k++)
        {
            var hs = _horizontalSpeedMps[k];
            if (!moving && hs > fast) { swings++; moving = true; }
            else if (moving && hs < slow) moving = false;
        }

        return swings;
    }

    /// <summary>
    /// Running has a flight phase, walking double support: duty factor 0.5 separates them. Strides at the walk/run
    /// switch sit near 0.5, so the class changes only when the duty factor is clearly on the other side (±0.05).
    /// </summary>
    private Gait ClassifyGait(double duty)
    {
        _lastGait = duty < 0.45 ? Gait.Run
            : duty > 0.55 ? Gait.Walk
            : _lastGait == Gait.Unknown ? (duty < 0.5 ? Gait.Run : Gait.Walk) : _lastGait;
        return _lastGait;
    }

    /// <summary>Index (relative to a) of the first sample after the impact, or -1.</summary>
    private int FindImpact(long a, int fromK, int len)
    {
        var maxJerk = 0f;
        var maxK = -1;
        for (var k = Math.Max(1, fromK); k <= len; k++)
        {
            var dt = (float)(_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
            var j = (_ring.AccMps2(a + k) - _ring.AccMps2(a + k - 1)).Length() / dt;
            if (j > maxJerk) { maxJerk = j; maxK = k; }
        }

        if (maxK < 0) return -1;
        // The contact is the FIRST strong jerk, not the largest: in walking the forefoot slap ~50 ms after heel
        // strike can out-jerk the heel strike itself. From there, walk back up the impact's rising edge (at most
        // 15 ms) to its onset: the contact happened just before the first sample that departs from swing.
        var first = maxK;
        for (var k = Math.Max(1, fromK); k <= maxK; k++)
        {
            if (Jerk(a, k) >= 0.4f * maxJerk) { first = k; break; }
        }

        var limitS = _ring.TimeS(a + first) - 0.015;
        var loud = 0.1f * maxJerk;
        var lo = Math.Max(1, fromK);
        var onset = first;
        while (onset - 1 >= lo && _ring.TimeS(a + onset - 1) >= limitS)
        {
            if (Jerk(a, onset - 1) >= loud) { onset--; continue; }
            // An impact rings: one quiet interval (a zero crossing of the ringing) with a loud one before it is still
            // the impact, not the swing.
            if (onset - 2 >= lo && _ring.TimeS(a + onset - 2) >= limitS && Jerk(a, onset - 2) >= loud) { onset -= 2; continue; }
            break;
        }

        return onset;
    }

    /// <summary>
    /// Walking: the heel lands softly and the clip's jolt comes 10–20 ms after the contact (gaitmap walk: our impact onset
    /// was a median 19.4 ms after the motion-capture contact). At heel contact the foot's pitch reverses — the late-swing
    /// dorsiflexion ends (the mark gyroscope-based walking event detectors use, e.g. Rampp et al. 2015 in gaitmap). So
    /// the contact is the last reversal of the pitch rate within <see cref="FootPipelineSettings.WalkingContactSearchS"/>
    /// before the impact onset, if it is a clear one (the rate on each side 10 ms away, ≥ 0.5 rad/s apart); else the
    /// impact. Running lands hard enough for the impact to mark the contact.
    /// </summary>
    private double WalkingContactS(long a, int icK, int swingPeakK, int len)
    {
        var limit = _ring.TimeS(a + icK) - _s.WalkingContactSearchS;
        var w10 = Math.Max(1, (int)Math.Round(0.01 * EstimateRateHz(a + icK)));
        for (var k = icK - 1; k > swingPeakK && _ring.TimeS(a + k) >= limit; k--)
        {
            var r1 = _toesUpRate[k];
            var r0 = _toesUpRate[k - 1];
            if (!(r0 * r1 <= 0) || r0 == r1) continue;
            var before = _toesUpRate[Math.Max(0, k - 1 - w10)];
            var after = _toesUpRate[Math.Min(len, k + w10)];
            if (!(before * r0 > 0 && after * r1 > 0 && MathF.Abs(after - before) >= 0.5f)) return double.PositiveInfinity;
            var t0 = _ring.TimeS(a + k - 1);
            return t0 + ((_ring.TimeS(a + k) - t0) * r0 / (r0 - r1));
        }

        return double.PositiveInfinity;
    }

    /// <summary>
    /// Sub-sample contact time: the jerk over each sample interval is placed at the interval's middle and the moment it
    /// rises through a fixed fraction of the impact's peak is interpolated linearly between the last quiet interval and
    /// the first loud one. Without it, contact times are quantised to a whole sample (±2.5 ms at 200 Hz), which alone
    /// puts ~1 step/min of noise on per-stride cadence.
    /// </summary>
    private double ImpactOnsetTimeS(long a, int k)
    {
        var mid = 0.5 * (_ring.TimeS(a + k - 1) + _ring.TimeS(a + k));
        if (k < 2) return mid;
        var jk = Jerk(a, k);
        var jPrev = Jerk(a, k - 1);
        var midPrev = 0.5 * (_ring.TimeS(a + k - 2) + _ring.TimeS(a + k - 1));
        var level = 0.5f * jk; // half-way up the first loud interval's jerk
        if (!(jk > jPrev) || level <= jPrev) return midPrev + (0.5 * (mid - midPrev));
        return midPrev + ((mid - midPrev) * (level - jPrev) / (jk - jPrev));
    }

    /// <summary>
    /// Toe-off: the moment the push-off force vanishes. While the toe is loaded the foot pivots about the metatarsal
    /// heads; when the load ends, the specific force the clip feels changes slope abruptly. So, seeded by the peak
    /// plantarflexion rate (Falbriard 2018's toe-off marker), the toe-off is the largest change of the acceleration's
    /// slope (second difference of the specific-force vector) within ±<see cref="FootPipelineSettings.ToeOffSearchFraction"/> of the mid-stance-to-peak time
    /// of it and before mid-swing. Against motion capture (gaitmap walk) this brings the median toe-off error from
    /// 5.8 ms (the pitch-rate marker alone) to 4.9 ms and the contact-time error from 28 to 21 ms.
    /// </summary>
    private double ToeOffByLoadRelease(long a, int toK, int swingPeakK)
    {
        var w = Math.Max(2, (int)Math.Round(Math.Min(_s.ToeOffSearchFraction * toK, _s.ToeOffSearchMaxS * EstimateRateHz(a + toK))));
        var from = Math.Max(2, toK - w);
        var to = Math.Min(swingPeakK - 1, toK + w);
        var best = toK;
        var bestChange = -1f;
        for (var k = from; k <= to; k++)
        {
            var change = SlopeChange(a, k);
            if (change > bestChange) { bestChange = change; best = k; }
        }

        // The slope changes at the middle sample of the three; a parabola through the neighbouring changes places it
        // between samples (without it toe-off is quantised to a whole sample: ±2.5 ms at 200 Hz).
        var t = _ring.TimeS(a + best - 1);
        if (best - 1 < 2 || best + 1 > swingPeakK - 1) return t;
        var cm = SlopeChange(a, best - 1);
        var cp = SlopeChange(a, best + 1);
        var denom = cm - (2 * bestChange) + cp;
        if (!(denom < 0)) return t;
        var delta = Math.Clamp(0.5 * (cm - cp) / denom, -0.5, 0.5);
        var dt = delta >= 0 ? _ring.TimeS(a + best) - t : t - _ring.TimeS(a + best - 2);
        return t + (delta * dt);
    }

    /// <summary>Magnitude of the second difference of the specific force centred on sample k − 1.</summary>
    private float SlopeChange(long a, int k) =>
        ((_ring.AccMps2(a + k) - _ring.AccMps2(a + k - 1)) - (_ring.AccMps2(a + k - 1) - _ring.AccMps2(a + k - 2))).Length();

    private float Jerk(long a, int k)
    {
        var dt = (float)(_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
        return (_ring.AccMps2(a + k) - _ring.AccMps2(a + k - 1)).Length() / dt;
    }

    /// <summary>Elevation of the foot's forward axis at <paramref name="ic"/> relative to the flat foot at MS <paramref name="b"/>.</summary>
    private double StrikeAngleDeg(long ic, long b, Vector3 upB, Vector3 forwardSensor)
    {
        // Integrate the body rotation from IC to MS_b; the foot's attitude at MS_b is known from gravity.
        var rel = Quaternion.Identity;
        for (var n = ic; n < b; n++)
        {
            var dt = (float)(_ring.TimeS(n + 1) - _ring.TimeS(n));
            rel = Quaternion.Normalize(rel * QuaternionMath.Increment(0.5f * (_ring.GyroRps(n) + _ring.GyroRps(n + 1)), dt));
        }

        var qB = QuaternionMath.FromTo(upB, Vector3.UnitZ);
        var qIc = qB * Quaternion.Conjugate(rel);
        var fwd = Vector3.Transform(forwardSensor, qIc);
        return Math.Asin(Math.Clamp(fwd.Z, -1f, 1f)) * RadToDeg;
    }

    private (double G, bool Clipped) PeakImpact(long ic, long b)
    {
        var end = _ring.TimeS(ic) + _s.ImpactWindowS;
        var peak = 0f;
        var clipped = false;
        for (var n = ic; n <= b && _ring.TimeS(n) <= end; n++)
        {
            peak = MathF.Max(peak, _ring.AccMps2(n).Length());
            clipped |= (_ring.Flags(n) & (byte)ImuSampleFlags.AccClipped) != 0;
        }

        return (peak / Gravity.StandardMps2, clipped);
    }

    private static bool IsFinite(Vector3 v) => float.IsFinite(v.X) && float.IsFinite(v.Y) && float.IsFinite(v.Z);
}
