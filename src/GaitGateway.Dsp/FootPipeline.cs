using System.Numerics;
using System.Runtime.CompilerServices;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Events;
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
/// The per-foot streaming pipeline, one stage per class: gyro bias at rest (<see cref="GyroBiasEstimator"/>) → stance
/// segmentation (<see cref="StanceSegmenter"/>) → alignment (<see cref="FootAlignment"/>) → per-stride
/// zero-velocity-aided integration (<see cref="StrideIntegrator"/>) → gait events (<see cref="GaitEventDetector"/>) →
/// stride parameters (<see cref="Parameters"/>). Call <see cref="Update"/> once per sample; it returns true when a
/// stride is complete. Pure and synchronous: no I/O, no clock, no allocation per sample.
/// </summary>
/// <remarks>
/// <para>A stride k runs from initial contact IC_k to IC_k+1. Its motion is integrated mid-stance to mid-stance
/// (MS_k → MS_k+1, where the foot is at rest and flat); IC_k+1 and TO_k are found in that segment, IC_k in the one
/// before. So stride k is complete once MS_k+1 is known — the moment the foot starts to move again after it (heel-off):
/// one mid-stance of latency, no more.</para>
/// <para>This class owns what ties the stages together: bad input (NaN, reordered samples, gaps bridged or reset), the
/// sample history all stages read, and the stride's assembly from the stages' results.</para>
/// </remarks>
public sealed class FootPipeline
{
    private const float DegToRad = MathF.PI / 180f;

    private readonly FootPipelineSettings _s;
    private readonly GyroBiasEstimator _bias;
    private readonly SampleRing _ring;
    private readonly StanceSegmenter _segmenter;
    private readonly FootAlignment _alignment;
    private readonly StrideIntegrator _trajectory;
    private readonly GaitEventDetector _events;

    /// <summary>The flat tops bridged in the segment being processed (a stride has a few per saturating axis).</summary>
    private readonly FlatTopBridge[] _bridges = new FlatTopBridge[32];
    private int _bridgeCount;

    private double _lastTimeS = double.NaN;
    private bool _gapPending;

    // The mid-stance chain: the last mid-stance, and the events of the stance at it (found in the segment before).
    private long _lastMs = -1;
    private bool _lastMsAtRest;
    private (long Ms, long Until, (Quaternion, Vector3) Trajectory, (Vector3, bool) Alignment) _rest = (-1, -1, default, default);
    private double _prevIcS = double.NaN;
    private double _prevStrideSpeedMps = double.NaN;
    private double _lastStrideTimeS = double.PositiveInfinity;
    private Gait _lastGait = Gait.Unknown;
    private double _prevStrikeDeg = double.NaN;
    private double _prevImpactG = double.NaN;
    private bool _prevImpactClipped;
    private bool _prevIcInGap;

    private long _samples, _skipped;
    private int _strides, _rejected, _gapsBridged, _resets, _notStance;

    public FootPipeline(Foot foot, FootPipelineSettings? settings = null)
    {
        Foot = foot;
        _s = settings ?? new FootPipelineSettings();
        _bias = new GyroBiasEstimator(_s.GyroBias);
        var capacity = (int)Math.Ceiling(_s.MaxSampleRateHz * ((2 * _s.MaxStrideTimeS) + 1.5));
        _ring = new SampleRing(capacity);
        _segmenter = new StanceSegmenter(_s.Segmentation, _s.MinStrideTimeS, _ring);
        _alignment = new FootAlignment(_s.Alignment, _ring);
        _trajectory = new StrideIntegrator(_s.Trajectory, _ring);
        _events = new GaitEventDetector(_s.Events, _ring);
    }

    public Foot Foot { get; }

    /// <summary>Position of the sensor at the last mid-stance, world frame (z up, x = heading at start), m.</summary>
    public Vector3 PositionWorldM => _trajectory.PositionWorldM;

    /// <summary>Time of the most recent initial contact found, s (NaN before the first). Updated before its stride is complete.</summary>
    public double LastIcTimeS { get; private set; } = double.NaN;

    public FootPipelineDiagnostics Diagnostics => new(
        _samples, _skipped, _strides, _rejected, _gapsBridged, _resets,
        _segmenter.SwingThresholdRps / DegToRad, _bias.BiasDps,
        _alignment.HasAxis ? Vector3.Cross(_alignment.LeftAxisSensor, Vector3.UnitZ) : Vector3.Zero, _alignment.LeftAxisSensor);

    /// <summary>Feeds one sample. Returns true and the stride when one completes.</summary>
    public bool Update(in ImuSample sample, out StrideMetrics stride)
    {
        // Not zeroed: a 272-byte struct written per sample (twice, with the caller's locals) for the one sample in
        // hundreds that closes a stride. Only a true return carries a stride; OnMidStance assigns it in full.
        Unsafe.SkipInit(out stride);
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
        var energy = _segmenter.NextEnergy(gyroRps, sample.AccSensorMps2, dtS);

        var flags = (byte)(sample.Flags & (ImuSampleFlags.AccClipped | ImuSampleFlags.GyroClipped | ImuSampleFlags.AccNearFullScale));
        if (_gapPending) flags |= (byte)ImuSampleFlags.GapBefore;
        _gapPending = false;
        var n = _ring.Next;
        _ring.Add(t, sample.AccSensorMps2, gyroRps, energy, flags);

        return _segmenter.Update(n, t, out var ms) && OnMidStance(ms, out stride);
    }

    /// <summary>End of input: a stance in progress is complete, so the stride it closes can be emitted.</summary>
    public bool Flush(out StrideMetrics stride)
    {
        stride = default;
        return _segmenter.Flush(out var ms) && OnMidStance(ms, out stride);
    }

    /// <summary>Forgets everything learnt (bias, alignment, orientation, position).</summary>
    public void Reset()
    {
        ResetChain();
        _segmenter.Reset();
        _bias.Reset();
        _alignment.Reset();
        _trajectory.Reset();
        _lastGait = Gait.Unknown;
        _prevStrideSpeedMps = double.NaN;
        _lastStrideTimeS = double.PositiveInfinity;
        _lastTimeS = double.NaN;
        LastIcTimeS = double.NaN;
    }

    private void ResetChain()
    {
        _resets++;
        _segmenter.ResetChain();
        _lastMs = -1;
        _rest = (-1, -1, default, default);
        _prevIcS = double.NaN;
    }

    private bool OnMidStance(long ms, out StrideMetrics stride)
    {
        stride = default;
        var gravityB = _trajectory.MeanAccMps2(ms);
        RefineBiasAt(ms);
        _trajectory.EnsureOrientation(gravityB);

        if (_lastMs < 0 || !_ring.Holds(_lastMs))
        {
            _lastMs = ms;
            _lastMsAtRest = true;
            _trajectory.LevelAt(gravityB);
            _prevIcS = double.NaN;
            return false;
        }

        var a = _lastMs;
        var duration = _ring.TimeS(ms) - _ring.TimeS(a);
        // Two mid-stances closer than a stride, or a segment in which the foot never slowed down (NotAStance): one of
        // the two was a quiet moment inside a swing — the one where the foot moved more. If that is the new one, it is
        // skipped and the stride goes on from the old mid-stance to the next, so a stance is neither split nor merged
        // with another; if it is the old one (e.g. the chain's first, found in a slow first swing from standing), the
        // chain starts again here.
        var tooShort = duration < _s.MinStrideTimeS;
        var fromRest = _lastMsAtRest;
        var restState = (Trajectory: _trajectory.State, Alignment: _alignment.State);
        var outcome = tooShort || duration > _s.MaxStrideTimeS ? SegmentOutcome.NoStride : ProcessSegment(a, ms, gravityB, out stride);
        if (tooShort || outcome == SegmentOutcome.NotAStance)
        {
            _rejected++;
            if (_ring.EnergyRps(ms) > _ring.EnergyRps(a)) return false;
            if (_rest.Ms >= 0 && _rest.Until == a && _ring.Holds(_rest.Ms))
            {
                // The old mid-stance was a moment inside the first swing from standing (e.g. the foot hovering before
                // it lands), reached from the standing one without a stride: undo that segment and go from the stand.
                _trajectory.Restore(_rest.Trajectory);
                _alignment.Restore(_rest.Alignment);
                _lastMs = _rest.Ms;
                _lastMsAtRest = true;
                _prevIcS = double.NaN;
                _rest = (-1, -1, default, default);
                return OnMidStance(ms, out stride);
            }

            // The landing before MS_b is still a real contact: the segment from the swing moment holds the rest of the
            // swing and that impact, so the next stride starts from it (its strike angle is unknown: no stride here
            // signed the foot's axes).
            _prevIcS = !_alignment.HasAxis || !_ring.Holds(a) || ms - a >= _ring.Capacity - 1 ? double.NaN
                : _events.Detect(a, (int)(ms - a), 1, _alignment.LeftAxisSensor, _lastGait == Gait.Walk).IcTimeS;
            _prevStrikeDeg = double.NaN;
            _prevImpactG = double.NaN;
            _prevImpactClipped = false;
            _prevIcInGap = false;
            _lastMs = ms;
            _lastMsAtRest = false;
            _trajectory.LevelAt(gravityB);
            return false;
        }

        if (duration > _s.MaxStrideTimeS)
        {
            // A stance longer than any stride's: the foot stood, and the next stride starts from rest.
            _rejected++;
            _lastMs = ms;
            _lastMsAtRest = true;
            _trajectory.LevelAt(gravityB);
            _prevIcS = double.NaN;
            return false;
        }

        // A segment from standing that gave no stride may have ended at a moment inside the first swing: keep what is
        // needed to undo it once.
        _rest = fromRest && outcome == SegmentOutcome.NoStride ? (a, ms, restState.Trajectory, restState.Alignment) : (-1, -1, default, default);
        _lastMs = ms;
        return outcome == SegmentOutcome.Stride;
    }

    /// <summary>Zero-velocity bias refinement: the gyro should read zero where the foot is flat and still.</summary>
    private void RefineBiasAt(long center)
    {
        var rate = _ring.RateHzAt(center);
        var half = Math.Max(2, (long)Math.Round(2 * _s.Trajectory.MidStanceWindowS * rate));
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

    private enum SegmentOutcome
    {
        NoStride,
        Stride,
        NotAStance,
    }

    private SegmentOutcome ProcessSegment(long a, long b, Vector3 gravityB, out StrideMetrics stride)
    {
        stride = default;
        var len = (int)(b - a);
        if (len >= _ring.Capacity - 1 || !_ring.Holds(a))
        {
            _rejected++;
            return SegmentOutcome.NoStride;
        }

        var threshold = _segmenter.SwingThresholdRps;

        // 0. A gyroscope that flat-topped at its rail loses rotation: the stretch is reconstructed before anything reads it.
        // Its bridges are kept: the strike angle weighs the readings from either mid-stance by them (step 3).
        GyroFlatTopRepair.Repair(_ring, a, b, _bridges, out _bridgeCount);

        // 1. Alignment, axis (its sign is fixed after integration, from the direction of travel).
        var upB = Vector3.Normalize(gravityB);
        var any = _alignment.SwingAxis(a, b, threshold, out var axis);
        if (!any && !_alignment.HasAxis)
        {
            _rejected++;
            return SegmentOutcome.NoStride;
        }

        // 2. Trajectory MS_a → MS_b.
        var seg = _trajectory.Integrate(a, b, 0.25f * threshold);
        if (seg.SlowestAfterPeakMps > _s.MinStanceSpeedMps && seg.SlowestAfterPeakMps >= _s.MaxStanceSpeedFraction * seg.MaxRawHorizontalSpeedMps)
        {
            // The foot never slowed down: one of the two "mid-stances" was a quiet moment inside a swing (the pitch
            // rate reversing in mid-swing with ~1 g of specific force). Nothing is committed; see OnMidStance.
            _notStance++;
            return SegmentOutcome.NotAStance;
        }

        var flags = seg.Flags;
        var strideLengthM = seg.StrideLengthM;
        var t0 = _ring.TimeS(a);
        var t1 = _ring.TimeS(b);

        // One segment, one swing. A segment that lasts over 1.5 times the last stride AND holds two swings (the foot
        // fast above half its peak speed, slow below a sixth of it in between) had a stance that never looked still
        // enough to end the swing — fast running at a low rate can blur a short stance — and an IC-to-IC span over
        // it would be one stride of twice the time. Position and orientation carry on; no stride is emitted and the
        // chain restarts at MS_b. (Either witness alone misfires: slow forefoot running shows two speed humps.)
        var swings = t1 - t0 > 1.5 * _lastStrideTimeS ? _trajectory.SwingsBySpeed(len, seg.MaxHorizontalSpeedMps) : (Count: 1, LastPeakK: -1);
        var doubled = swings.Count > 1;

        // Alignment, sign: forward = left × up must point along the travel.
        var upA = Vector3.Normalize(_trajectory.MeanAccMps2(a));
        var (left, forward) = _alignment.Update(axis, upA, _trajectory.OrientationAtLastMs, seg.DisplacementWorldM, strideLengthM >= _s.MinStrideLengthM, upB);
        _trajectory.Commit(seg, gravityB);

        // 3. Events: TO of the stance at MS_a, IC of the stance at MS_b.
        // A doubled segment's events follow its last swing: its contact (the landing before MS_b) opens the next stride.
        var midSwingK = doubled && swings.LastPeakK > 0 ? swings.LastPeakK : seg.MidSwingK;
        var ev = _events.Detect(a, len, midSwingK, left, _lastGait == Gait.Walk);
        var toS = ev.ToTimeS;
        var icS = ev.IcTimeS;
        // Lost samples after mid-swing may have held the impact: the jerk then finds some swing feature instead, tens to
        // hundreds of ms off, and two strides come out as one short and one long. Where the stride time also jumps
        // (by more than MaxStrideChangeAcrossGap) the contact was in the gap: it is placed where the stride rhythm puts
        // it (the last stride time on from the last contact), within the gap, and both strides around it are flagged.
        var icInGap = false;
        if (ev.GapAfterMidSwing && double.IsFinite(icS) && double.IsFinite(_prevIcS) && double.IsFinite(_lastStrideTimeS)
            && Math.Abs(icS - _prevIcS - _lastStrideTimeS) > _s.MaxStrideChangeAcrossGap * _lastStrideTimeS)
        {
            icS = _events.ContactInGapS(a, midSwingK, len, _prevIcS + _lastStrideTimeS);
            icInGap = true;
        }

        double strikeDeg = double.NaN, impactG = double.NaN;
        var impactClipped = false;
        if (ev.IcSample >= 0 && double.IsFinite(icS) && !icInGap)
        {
            // A flat top bridged in the slap, between the contact and MS_b, would put its error whole into the angle read
            // from MS_b; the reading from MS_a carries the swing's bridges instead: blended by their sizes. An incomplete
            // log (−1) or none keeps the reading from MS_b.
            var bridges = _bridgeCount > 0 ? _bridges.AsSpan(0, _bridgeCount) : default;
            strikeDeg = ContactMeasures.StrikeAngleDeg(_ring, a, ev.IcSample - 1, b, upA, upB, forward, bridges, left);
            (impactG, impactClipped) = ContactMeasures.PeakImpact(_ring, ev.IcSample - 1, b, _s.Events.ImpactWindowS);
        }

        if (double.IsFinite(icS)) LastIcTimeS = icS;

        // 4. Stride k = IC_k (found last segment) → IC_k+1 (found now), TO_k found now.
        var emitted = false;
        if (doubled) _rejected++;
        if (!doubled && !double.IsFinite(_prevIcS) && _lastMsAtRest && any && double.IsFinite(icS) && strideLengthM >= _s.MinStrideLengthM)
        {
            // The first stride from standing: no contact starts it, but the foot left a place and landed at the next.
            stride = FromRestStride(t0, toS, icS, strideLengthM, seg, flags | StrideFlags.FromRest);
            _strides++;
            emitted = true;
        }
        else if (!doubled && double.IsFinite(_prevIcS) && double.IsFinite(icS) && strideLengthM >= _s.MinStrideLengthM)
        {
            var strideTime = icS - _prevIcS;
            var contact = toS - _prevIcS;
            // A toe-off must leave room for a swing before the next contact: one found within MinSwingDurationS of it
            // belongs to another phase (seen on the first step from standing), and its contact time would be garbage.
            if (strideTime >= _s.MinStrideTimeS && strideTime <= _s.MaxStrideTimeS && contact > 0 && contact < strideTime - _s.Segmentation.MinSwingDurationS)
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
                if (icInGap || _prevIcInGap) flags |= StrideFlags.GapBridged;
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
                    FootClearanceM = seg.MaxHeightM,
                    PeakSwingSpeedMps = seg.MaxHorizontalSpeedMps,
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

        // A segment without a swing (standing on after a stop) has no contact to carry forward: the next starts from rest.
        // A doubled segment's contact still opens the next stride where it lies in the segment's last stance (within
        // half a stride of MS_b, where that stance is): the stance lost inside the segment (e.g. in a lost packet)
        // then costs the two strides across it, not a third.
        _prevIcS = any && (!doubled || t1 - icS < 0.5 * _lastStrideTimeS) ? icS : double.NaN;
        _lastMsAtRest = !any;
        _prevStrikeDeg = strikeDeg;
        _prevImpactG = impactG;
        _prevImpactClipped = impactClipped;
        _prevIcInGap = icInGap;
        return emitted ? SegmentOutcome.Stride : SegmentOutcome.NoStride;
    }

    /// <summary>
    /// The first stride from standing (<see cref="StrideFlags.FromRest"/>): from the standing mid-stance (its
    /// <see cref="StrideMetrics.IcTimeS"/>) to the first contact. Its length, toe-off, swing time, clearance and swing
    /// speed are measured; with no contact at its start, stride time, cadence, speed, contact time, strike and load are
    /// unknown (NaN), and it does not move the walk/run classification.
    /// </summary>
    private StrideMetrics FromRestStride(double restS, double toS, double icS, float strideLengthM, in SegmentTrajectory seg, StrideFlags flags) => new()
    {
        Foot = Foot,
        IcTimeS = restS,
        ToTimeS = toS,
        NextIcTimeS = icS,
        StrideTimeS = double.NaN,
        StrideLengthM = strideLengthM,
        SpeedMps = double.NaN,
        ContactTimeS = double.NaN,
        SwingTimeS = icS - toS,
        FlightTimeS = double.NaN,
        DutyFactor = double.NaN,
        StrikeAngleDeg = double.NaN,
        StrikePattern = StrikePattern.Unknown,
        CadenceSpm = double.NaN,
        PeakImpactG = double.NaN,
        FootClearanceM = seg.MaxHeightM,
        PeakSwingSpeedMps = seg.MaxHorizontalSpeedMps,
        OverstrideIndex = double.NaN,
        Overstride = false,
        CalfLoad = double.NaN,
        Gait = Gait.Unknown,
        Flags = flags,
    };

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

    private static bool IsFinite(Vector3 v) => float.IsFinite(v.X) && float.IsFinite(v.Y) && float.IsFinite(v.Z);
}
