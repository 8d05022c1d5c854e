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
    // A segment from standing that gave no stride, until the next mid-stance: where it ended, and the chain before it.
    private (long Until, ChainState Before) _rest = NoRest;
    private static readonly (long Until, ChainState Before) NoRest = (-1, default);
    // Gravity's direction in the clip's frame at the last mid-stance that closed a stride whose two ends stood alike: how
    // this foot stands (zero until one has).
    private Vector3 _stanceUp;
    private double _prevIcS = double.NaN;
    private double _prevStrideSpeedMps = double.NaN;
    private double _lastStrideTimeS = double.PositiveInfinity;
    private Gait _lastGait = Gait.Unknown;
    private double _prevStrikeDeg = double.NaN;
    private double _prevImpactG = double.NaN;
    private bool _prevImpactClipped;
    private bool _prevIcInGap;

    // Strides measured but not yet handed out, oldest first: the second of two from one segment (a stance lost in a
    // gap, LostStance), and the stride that followed a stride on trial when both go out at once. Handed out by the next
    // Update or Flush, so each call still returns at most one stride.
    private StrideMetrics _held, _held2;
    private bool _hasHeld, _hasHeld2;

    // A stride whose end may have been a moment inside its swing, held until the next mid-stance shows which it was (see
    // OnMidStance), with the chain as it stood before the stride, to go back to.
    private StrideMetrics _onTrial;
    private bool _hasOnTrial, _onTrialNew;
    private ChainState _beforeTrial;
    private float _lastTiltChangeDeg, _lastSlowestMps;
    private bool _flushed;

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

        _flushed = false;
        if (_segmenter.Update(n, t, out var ms) && OnMidStance(ms, out stride)) return true;
        return _hasHeld && TakeHeld(out stride);
    }

    /// <summary>End of input: a stance in progress is complete, so the stride it closes can be emitted. Call until it
    /// returns false: a segment can close two strides (a stance lost in a gap), handed out one per call.</summary>
    public bool Flush(out StrideMetrics stride)
    {
        if (TakeHeld(out stride)) return true;
        stride = default;
        if (!_flushed)
        {
            _flushed = true;
            if (_segmenter.Flush(out var ms) && OnMidStance(ms, out stride)) return true;
            if (TakeHeld(out stride)) return true;
        }

        // Nothing comes after a stride on trial: its end stands as found.
        if (!_hasOnTrial) return false;
        _hasOnTrial = false;
        stride = _onTrial;
        return true;
    }

    // The held stride is copied only when there is one: a 272-byte copy per sample cost 5–8 % of the pipeline's time.
    private bool TakeHeld(out StrideMetrics stride)
    {
        if (!_hasHeld)
        {
            Unsafe.SkipInit(out stride);
            return false;
        }

        stride = _held;
        _held = _held2;
        _hasHeld = _hasHeld2;
        _hasHeld2 = false;
        return true;
    }

    /// <summary>Queues a stride to be handed out before any already held.</summary>
    private void HoldFirst(in StrideMetrics stride)
    {
        if (_hasHeld)
        {
            _held2 = _held;
            _hasHeld2 = true;
        }

        _held = stride;
        _hasHeld = true;
    }

    /// <summary>Queues a stride to be handed out after any already held.</summary>
    private void HoldLast(in StrideMetrics stride)
    {
        if (!_hasHeld) (_held, _hasHeld) = (stride, true);
        else (_held2, _hasHeld2) = (stride, true);
    }

    /// <summary>Forgets everything learnt (bias, alignment, orientation, position).</summary>
    public void Reset()
    {
        ResetChain();
        _segmenter.Reset();
        _bias.Reset();
        _alignment.Reset();
        _trajectory.Reset();
        _stanceUp = Vector3.Zero;
        _lastGait = Gait.Unknown;
        _prevStrideSpeedMps = double.NaN;
        _lastStrideTimeS = double.PositiveInfinity;
        _lastTimeS = double.NaN;
        LastIcTimeS = double.NaN;
    }

    private void ResetChain()
    {
        // A stride on trial keeps the end it was found with: nothing after the break can tell.
        if (_hasOnTrial) HoldLast(_onTrial);
        _hasOnTrial = false;
        _resets++;
        _segmenter.ResetChain();
        _lastMs = -1;
        _rest = NoRest;
        _prevIcS = double.NaN;
    }

    /// <summary>
    /// A mid-stance is known: closes the segment from the last one. Hands out the stride on trial once this mid-stance
    /// shows that its end was a stance (the stride this one closes, if any, is queued behind it).
    /// </summary>
    private bool OnMidStance(long ms, out StrideMetrics stride)
    {
        _onTrialNew = false;
        var produced = OnMidStanceCore(ms, out stride);
        if (!_hasOnTrial || _onTrialNew) return produced;
        _hasOnTrial = false;
        if (produced) HoldFirst(stride);
        stride = _onTrial;
        return true;
    }

    /// <summary>What a segment changes in the chain (besides learning and counters that only grow): enough to go back
    /// to the mid-stance before it.</summary>
    private readonly record struct ChainState(
        long LastMs, bool LastMsAtRest, (Quaternion, Vector3) Trajectory, (Vector3, bool) Alignment, Vector3 StanceUp,
        double PrevIcS, double PrevStrideSpeedMps, double LastStrideTimeS, Gait LastGait, double PrevStrikeDeg, double PrevImpactG,
        bool PrevImpactClipped, bool PrevIcInGap, double LastIcTimeS);

    private ChainState SaveChain() => new(_lastMs, _lastMsAtRest, _trajectory.State, _alignment.State, _stanceUp, _prevIcS,
        _prevStrideSpeedMps, _lastStrideTimeS, _lastGait, _prevStrikeDeg, _prevImpactG, _prevImpactClipped, _prevIcInGap, LastIcTimeS);

    private void RestoreChain(in ChainState c)
    {
        _lastMs = c.LastMs;
        _lastMsAtRest = c.LastMsAtRest;
        _trajectory.Restore(c.Trajectory);
        _alignment.Restore(c.Alignment);
        _stanceUp = c.StanceUp;
        _prevIcS = c.PrevIcS;
        _prevStrideSpeedMps = c.PrevStrideSpeedMps;
        _lastStrideTimeS = c.LastStrideTimeS;
        _lastGait = c.LastGait;
        _prevStrikeDeg = c.PrevStrikeDeg;
        _prevImpactG = c.PrevImpactG;
        _prevImpactClipped = c.PrevImpactClipped;
        _prevIcInGap = c.PrevIcInGap;
        LastIcTimeS = c.LastIcTimeS;
    }

    private bool OnMidStanceCore(long ms, out StrideMetrics stride)
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
        var before = SaveChain();
        // A segment from or to a standing foot holds, besides a stride, up to StandingMidStanceSearchS of standing before
        // the first swing or after the last landing: in very slow walking (2-s strides) such a segment outlasted
        // MaxStrideTimeS and the first stride from standing or the last before a stop was lost (real walks slowed ×1.6:
        // 3 and 1 of 6).
        var maxDuration = _s.MaxStrideTimeS + (fromRest ? _s.Segmentation.StandingMidStanceSearchS : 0)
            + (_segmenter.MidStanceIsStanding ? _s.Segmentation.StandingMidStanceSearchS : 0);
        var outcome = tooShort || duration > maxDuration ? SegmentOutcome.NoStride : ProcessSegment(a, ms, gravityB, out stride);
        if (tooShort || outcome == SegmentOutcome.NotAStance)
        {
            _rejected++;
            if (NewIsTheSwingMoment(a, ms, gravityB)) return false;
            if (_hasOnTrial && RedoWithoutTrial(ms, out stride, out var produced)) return produced;

            if (_rest.Until == a && _ring.Holds(_rest.Before.LastMs))
            {
                // The old mid-stance was a moment inside the first swing from standing (e.g. the foot hovering before
                // it lands), reached from the standing one without a stride: undo that segment and go from the stand.
                RestoreChain(_rest.Before);
                _rest = NoRest;
                return OnMidStanceCore(ms, out stride);
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

        if (duration > maxDuration)
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
        _rest = fromRest && outcome == SegmentOutcome.NoStride ? (ms, before) : NoRest;
        _lastMs = ms;
        // A stride that may have ended at a moment inside its swing is put on trial until the next mid-stance: the first
        // from standing (a slow first step can hover before it lands), and a walking stride whose end found the foot
        // still moving and tilted (real walks slowed down, README). Its end and the chain after it stand unless the
        // next segment shows that end was the swing's moment.
        // Not when this segment gave two strides (a stance lost in a gap): the second, already queued, would go out first.
        var trial = outcome == SegmentOutcome.Stride && !_hasHeld
            && ((stride.Flags & StrideFlags.FromRest) != 0 || (stride.Gait == Gait.Walk && EndMayBeInSwing()));
        if (!trial) return outcome == SegmentOutcome.Stride;
        // A stride on trial whose end this segment started from stood that test: it goes out first.
        if (_hasOnTrial && !_onTrialNew) HoldLast(_onTrial);
        _onTrial = stride;
        _hasOnTrial = _onTrialNew = true;
        _beforeTrial = before;
        return false;
    }

    /// <summary>
    /// The stride on trial ended at what the segment after it shows was a moment inside its swing (a foot hovering before
    /// it lands): the chain goes back to the mid-stance before it, from which the segment to <paramref name="ms"/> should be
    /// one stride. True, with the stride on trial dropped, when it is (a stride, or one put on trial in turn); otherwise the
    /// chain is put back as it was, the stride on trial stands, and false. (The tilt that judged the moment can misjudge a
    /// real stance, and a stride once dropped cannot come back: real jogging lost 5 of 417 strides when every such judgement
    /// was taken.)
    /// </summary>
    private bool RedoWithoutTrial(long ms, out StrideMetrics stride, out bool produced)
    {
        var after = SaveChain();
        var rest = _rest;
        _hasOnTrial = false;
        RestoreChain(_beforeTrial);
        _rest = NoRest;
        produced = OnMidStanceCore(ms, out stride);
        if (produced || (_hasOnTrial && _onTrialNew))
        {
            _strides--;
            return true;
        }

        RestoreChain(after);
        _rest = rest;
        _hasOnTrial = true;
        return false;
    }

    /// <summary>The segment just processed ended with the foot still moving and tilted (by over
    /// <see cref="FootPipelineSettings.TrialTiltChangeDeg"/>) as a walking foot rarely stands.</summary>
    private bool EndMayBeInSwing() => _lastSlowestMps > _s.MinStanceSpeedMps && _lastTiltChangeDeg > _s.TrialTiltChangeDeg;

    /// <summary>The angle between two unit vectors (gravity's direction in the clip's frame at two moments), degrees.</summary>
    private static float TiltDeg(Vector3 upA, Vector3 upB) => MathF.Acos(Math.Clamp(Vector3.Dot(upA, upB), -1f, 1f)) / DegToRad;

    /// <summary>
    /// Of two mid-stances that cannot both be stances (closer than a stride, or the foot never stopped between them), is
    /// the new one, <paramref name="b"/>, the moment inside a swing? The one tilted as this foot never stands is: its
    /// gravity in the clip's frame differs from that of the last mid-stance that closed a stride by over
    /// <see cref="FootPipelineSettings.MaxStanceTiltChangeDeg"/> more than the other's does (a swing's quiet moment sits
    /// 25–90° from flat, real stances within 18° of each other). Otherwise, or before any stride, the one with more motion.
    /// </summary>
    /// <remarks>
    /// Motion alone misjudged a fast runner whose stances keep turning: a 27-ms quiet moment in mid-swing read less
    /// motion than the stance before it (1.17 against 1.35 rad/s), so that moment became the chain's mid-stance, and
    /// every real stance after it was then too soon after it or moved more: 48 strides in a row lost (random session 100,
    /// 1000 Hz, 5.8 m/s).
    /// </remarks>
    private bool NewIsTheSwingMoment(long a, long b, Vector3 gravityB)
    {
        if (_stanceUp != Vector3.Zero)
        {
            var tiltA = TiltDeg(_stanceUp, Vector3.Normalize(_trajectory.MeanAccMps2(a)));
            var tiltB = TiltDeg(_stanceUp, Vector3.Normalize(gravityB));
            if (MathF.Abs(tiltB - tiltA) > _s.MaxStanceTiltChangeDeg) return tiltB > tiltA;
        }

        return _ring.EnergyRps(b) > _ring.EnergyRps(a);
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
        // A foot at rest stands as it stood at the last rest: the angle between the two mid-stances' gravity, in the
        // clip's frame, is the change of the foot's tilt (MaxStanceTiltChangeDeg says how far real ones go). Not in a
        // run: a running stance is a brief roll, and its least-motion moment may fall anywhere in it.
        var upA = Vector3.Normalize(_trajectory.MeanAccMps2(a));
        var tiltChangeDeg = TiltDeg(upA, upB);
        _lastTiltChangeDeg = tiltChangeDeg;
        _lastSlowestMps = seg.SlowestAfterPeakMps;
        if (seg.SlowestAfterPeakMps > _s.MinStanceSpeedMps
            && (seg.SlowestAfterPeakMps >= _s.MaxStanceSpeedFraction * seg.MaxRawHorizontalSpeedMps
                || (_lastGait != Gait.Run && tiltChangeDeg > _s.MaxStanceTiltChangeDeg)))
        {
            // The foot never slowed down, or it was still moving and pitched as no stance is: one of the two
            // "mid-stances" was a quiet moment inside a swing (the pitch rate reversing in mid-swing with ~1 g of specific
            // force, or a foot hovering before it lands). Nothing is committed; see OnMidStance.
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
        // chain restarts at MS_b. (Either witness alone misfires: slow forefoot running shows two speed humps.) Before
        // the first stride there is no last stride: twice the shortest stride stands in for it, or a run whose
        // first stances were lost (turning, StanceTwistDeg 5) reported up to three strides of twice the length.
        var suspect = double.IsFinite(_lastStrideTimeS) ? t1 - t0 > 1.5 * _lastStrideTimeS : t1 - t0 > 2 * _s.MinStrideTimeS;
        var swings = suspect ? _trajectory.SwingsBySpeed(len, seg.MaxHorizontalSpeedMps) : (Count: 1, LastPeakK: -1);
        var doubled = swings.Count > 1;

        // Alignment, sign: forward = left × up must point along the travel.
        var (left, forward) = _alignment.Update(axis, upA, _trajectory.OrientationAtLastMs, seg.DisplacementWorldM, strideLengthM >= _s.MinStrideLengthM, upB);
        _trajectory.Commit(seg, gravityB);

        // 3. Events: TO of the stance at MS_a, IC of the stance at MS_b.
        // A doubled segment's events follow its last swing: its contact (the landing before MS_b) opens the next stride.
        var midSwingK = doubled && swings.LastPeakK > 0 ? swings.LastPeakK : seg.MidSwingK;
        // A doubled segment whose middle stance fell into one gap: its first swing's landing and its second swing's
        // push-off are read on their own side of the gap, so that each impact is searched (and learned) once.
        var lost = doubled && swings.Count == 2 && swings.LastPeakK > 0 ? LostStance(a, len, swings.LastPeakK, seg.MaxHorizontalSpeedMps) : (Gap: -1, FirstPeakK: -1);
        var walking = _lastGait == Gait.Walk;
        var evBeforeGap = lost.Gap > 0 ? _events.Detect(a, lost.Gap - 1, lost.FirstPeakK, left, walking) : default;
        var from = Math.Max(0, lost.Gap);
        var ev = _events.Detect(a + from, len - from, midSwingK - from, left, walking);
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
        if (doubled)
        {
            emitted = lost.Gap > 0 && !icInGap && double.IsFinite(icS)
                && AcrossLostStance(evBeforeGap, ev.ToTimeS, icS, a, lost.Gap, upA, forward, flags, out stride);
            if (!emitted) _rejected++;
        }

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
                stride = Stride(_prevIcS, toS, icS, strideLengthM, speed, _prevStrikeDeg, pattern, _prevImpactG, seg.MaxHeightM,
                    seg.MaxHorizontalSpeedMps, osIndex, osFlag, flags);
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
        // How this foot stands, learnt only from a stride whose two ends stand alike: one that ended at a moment inside a
        // swing (e.g. next to lost samples) taught the foot a posture 80–90° off, and every real stance after it was then
        // taken for a swing moment (NewIsTheSwingMoment).
        // Nor from a stride put on trial (OnMidStance): a hover taken for its posture made every real stance after it look
        // like the swing's moment (real walks slowed down).
        if (emitted && tiltChangeDeg <= _s.MaxStanceTiltChangeDeg && !(_lastGait == Gait.Walk && EndMayBeInSwing())) _stanceUp = upB;
        return emitted ? SegmentOutcome.Stride : SegmentOutcome.NoStride;
    }

    /// <summary>
    /// The gap that holds a doubled segment's middle stance (its offset: the first sample after it) and the first swing's
    /// speed peak; (-1, -1) unless samples were lost exactly once between the two swings' peaks, the foot was slow
    /// (under half the segment's peak speed) on both sides of the gap, and fast (over half) before it.
    /// </summary>
    private (int Gap, int FirstPeakK) LostStance(long a, int len, int lastPeakK, float maxHorizontalSpeedMps)
    {
        var gap = -1;
        for (var k = 2; k < lastPeakK && k <= len; k++)
        {
            if (!_ring.GapBefore(a + k)) continue;
            if (gap > 0) return (-1, -1);
            gap = k;
        }

        if (gap < 0) return (-1, -1);
        var speeds = _trajectory.HorizontalSpeedMps;
        var half = 0.5f * maxHorizontalSpeedMps;
        if (speeds[gap - 1] >= half || speeds[gap] >= half) return (-1, -1);
        var peakK = -1;
        var peak = 0f;
        for (var k = 1; k < gap; k++)
            if (speeds[k] > peak) { peak = speeds[k]; peakK = k; }

        return peak > half ? (gap, peakK) : (-1, -1);
    }

    /// <summary>
    /// The two strides across a stance lost in a gap, for their timing only: IC_k → IC_k+1 (the first swing's landing,
    /// seen before the gap) and IC_k+1 → IC_k+2, with the toe-offs of the stances at MS_a and after the gap. Their
    /// lengths and speeds are unknown (NaN): what the gap took is the still foot-flat, the one moment whose velocity is
    /// known to be zero. Split at the gap instead, session 8 measured lengths +0.4 to −11 % off (median −6.7 %), and two
    /// wrong lengths are worse than none; the runner's cadence, contact time and calf load do not need them. The first
    /// stride is returned, the second held for the next call (<see cref="Update"/>, <see cref="Flush"/>). False, holding
    /// nothing, unless the landing and the push-off were seen clear of the gap and both stride times agree with the
    /// last one within <see cref="FootPipelineSettings.MaxStrideChangeAcrossGap"/>.
    /// </summary>
    private bool AcrossLostStance(in SegmentEvents before, double toAfterGapS, double icS, long a, int gap, Vector3 upA, Vector3 forward,
        StrideFlags flags, out StrideMetrics stride)
    {
        stride = default;
        var icMidS = before.IcTimeS;
        if (!double.IsFinite(_prevIcS) || !double.IsFinite(_lastStrideTimeS) || !double.IsFinite(icMidS) || before.IcSample < 1
            || !double.IsFinite(before.ToTimeS) || !double.IsFinite(toAfterGapS))
        {
            return false;
        }

        // The landing seen whole: an impact at least half as strong as the last one (the jolt of a late swing, found
        // where the impact itself was lost, is not), and the push-off's load release clear of the gap's end (it is read
        // over ±2 slope scales, ToeOffSlopeScaleS).
        var clearS = 2 * _s.Events.ToeOffSlopeScaleS;
        var (impactG, impactClipped) = ContactMeasures.PeakImpact(_ring, before.IcSample - 1, a + gap - 1, _s.Events.ImpactWindowS);
        if (!(impactG >= 0.5 * _prevImpactG) || _ring.TimeS(a + gap - 1) - icMidS < clearS || toAfterGapS - _ring.TimeS(a + gap) < clearS) return false;
        if (!Plausible(icMidS - _prevIcS, before.ToTimeS - _prevIcS) || !Plausible(icS - icMidS, toAfterGapS - icMidS)) return false;

        flags |= StrideFlags.GapBridged;
        stride = TimingOnlyStride(_prevIcS, before.ToTimeS, icMidS, _prevStrikeDeg, _prevImpactG, _prevImpactClipped, flags);
        // The second stride's strike angle is read from MS_a, through push-off and swing: from the next mid-stance it
        // would cross the gap.
        var strikeMidDeg = ContactMeasures.FromPreviousStanceDeg(_ring, a, before.IcSample - 1, upA, forward);
        _held = TimingOnlyStride(icMidS, toAfterGapS, icS, strikeMidDeg, impactG, impactClipped, flags);
        _hasHeld = true;
        _strides += 2;
        _lastStrideTimeS = icS - icMidS;
        return true;

        bool Plausible(double strideTimeS, double contactS) =>
            strideTimeS >= _s.MinStrideTimeS && strideTimeS <= _s.MaxStrideTimeS && contactS > 0
            && contactS < strideTimeS - _s.Segmentation.MinSwingDurationS
            && Math.Abs(strideTimeS - _lastStrideTimeS) <= _s.MaxStrideChangeAcrossGap * _lastStrideTimeS;
    }

    /// <summary>A stride known by its timing alone (<see cref="AcrossLostStance"/>): length, speed, clearance, swing speed
    /// and overstriding unknown (NaN, not flagged); calf load from contact and step time (speed unknown: the model's
    /// reference speed).</summary>
    private StrideMetrics TimingOnlyStride(double icS, double toS, double nextIcS, double strikeDeg, double impactG, bool impactClipped, StrideFlags flags) =>
        Stride(icS, toS, nextIcS, double.NaN, double.NaN, strikeDeg, StrikeClassifier.Classify(strikeDeg, _s.Strike), impactG, double.NaN,
            double.NaN, double.NaN, false, impactClipped ? flags | StrideFlags.AccClipped : flags);

    /// <summary>A stride from IC <paramref name="icS"/> to the next, <paramref name="nextIcS"/>, with its toe-off: the
    /// timing follows from the three, the rest is given (NaN where unknown). Classifies the gait (walk/run state).</summary>
    private StrideMetrics Stride(double icS, double toS, double nextIcS, double strideLengthM, double speedMps, double strikeDeg,
        StrikePattern pattern, double impactG, double clearanceM, double swingSpeedMps, double overstrideIndex, bool overstride, StrideFlags flags)
    {
        var strideTime = nextIcS - icS;
        var contact = toS - icS;
        var duty = contact / strideTime;
        return new StrideMetrics
        {
            Foot = Foot,
            IcTimeS = icS,
            ToTimeS = toS,
            NextIcTimeS = nextIcS,
            StrideTimeS = strideTime,
            StrideLengthM = strideLengthM,
            SpeedMps = speedMps,
            ContactTimeS = contact,
            SwingTimeS = nextIcS - toS,
            FlightTimeS = double.NaN,
            DutyFactor = duty,
            StrikeAngleDeg = strikeDeg,
            StrikePattern = pattern,
            CadenceSpm = 120.0 / strideTime,
            PeakImpactG = impactG,
            FootClearanceM = clearanceM,
            PeakSwingSpeedMps = swingSpeedMps,
            OverstrideIndex = overstrideIndex,
            Overstride = overstride,
            CalfLoad = CalfLoadModel.StepLoad(contact, strideTime / 2, speedMps, pattern, _s.CalfLoad),
            Gait = ClassifyGait(duty),
            Flags = flags,
        };
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
