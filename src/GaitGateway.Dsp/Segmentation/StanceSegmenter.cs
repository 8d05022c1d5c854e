using System.Numerics;
using System.Runtime.CompilerServices;
using GaitGateway.Core.Samples;

namespace GaitGateway.Dsp.Segmentation;

/// <summary>Settings of <see cref="StanceSegmenter"/>.</summary>
/// <param name="EnergyWindowS">Moving-average window of the "motion energy", s. Default 0.02 s.</param>
/// <param name="MinSwingRateDps">Floor of the swing-detection threshold, °/s. Default 100 °/s: slow walking swings
/// peak at ~200 °/s, standing fidgets stay below ~50 °/s.</param>
/// <param name="SwingThresholdFraction">The swing threshold follows this fraction of the recent swing peaks, so the
/// detector adapts from walking (peaks ~300 °/s) to fast running (&gt; 1000 °/s). Default 0.3. A fixed threshold fails:
/// the optimal SHOE threshold moves ~100-fold between walking and jogging (REFERENCES.md, PyShoe data).</param>
/// <param name="MinSwingDurationS">Motion must stay above the threshold this long to count as a swing, s. Default
/// 0.12 s: a heel-strike "slap" after contact lasts up to ~80 ms in walking (gaitmap data), a swing ≥ 0.25 s even
/// when sprinting.</param>
/// <param name="AccEnergyWeightRpsPerMps2">Weight of |‖a‖ − g| in the motion energy, (rad/s) per (m/s²). Default 0.2:
/// a swing's 3–4 g of centripetal and tangential acceleration then counts like ~400 °/s, noise at rest (~0.1 m/s²)
/// like ~1 °/s.</param>
/// <param name="StopDetectS">A stance longer than this with no swing after it means the runner stopped; its stride is
/// closed at once, s. Default 1.5 s: walking stances, even in a turn, last ≤ 1.2 s.</param>
/// <param name="SwingSustainS">A swing's level, which the threshold follows, is the highest energy it sustained this
/// long, s. Default 0.06 s. The landing's impact ends every swing with a spike of specific force — 10–20 g at a hard
/// heel strike, enough that accelerometers clip (REFERENCES.md: foot-mounted IMUs at ±16 g clip in running) — and that
/// spike, weighted into the energy, reads like 20–30 rad/s for a few tens of ms: taken as the swing's peak it raised the
/// threshold above the swing itself (a hard-landing run lost every other stance). Impacts are transients of 10–40 ms
/// (the 20-ms energy window included); a running swing lasts ≥ 0.25 s.</param>
/// <param name="StandingMidStanceSearchS">Where the foot stands (a stop, or standing before the first step), its
/// mid-stance is searched within this long after the last landing, or before the first swing, s. Default 1.0 s: a
/// walking foot is flat and still within ~0.3 s of landing and stays still until its heel rises, ~0.2 s before the
/// swing. Searching the whole 1.5-s stop window (or 1.5 s before a first swing) could put the zero-velocity point up to
/// 1.5 s from the stride, and in very slow walking (2-s strides, issue 11) the segment then outlasted the longest stride
/// (<c>FootPipelineSettings.MaxStrideTimeS</c>, then 2.5 s): the last stride before a stop and the first from standing were
/// lost. 0.6, 0.8 and 1.0 s measured alike on the real sets and the slow-walk simulation; the shorter windows moved one
/// footprint trial's walking bias by −0.2…−0.5 cm.</param>
/// <param name="StandingStillRateDps">A standing foot is still: where the least motion energy in the
/// <see cref="StandingMidStanceSearchS"/> before the first swing is above this, that second held the slow start of the
/// first step (which stayed under the swing threshold, <see cref="MinSwingRateDps"/>), and the mid-stance is searched in
/// the second before the last sample still by this measure, if one lies within a second before that window (longer
/// motion is not one step), °/s. Default 5 °/s: the 36 standing starts of the shared real sets (decimations included)
/// read 0.2–2.7 °/s at their least, median 0.3; the real footprint walks slowed ×1.9 read 10–27 °/s in their first
/// steps, and their mid-stances taken there put the foot in motion at the zero-velocity update (4.8–5.7 m/s by the next
/// stance, first strides from standing 2 of 6). 3–8 °/s measured alike there.</param>
/// <param name="MaxSwingS">A swing lasting longer than this is the threshold's fault, not the foot's: the swing's own
/// level is taken into the threshold then, and again every MaxSwingS while it lasts, not only at its end, s. Default
/// 1.0 s: swings last 0.3–0.5 s running and 0.4–0.8 s walking, the slowest included. Without it a runner whose stances
/// never fall below the first strides' threshold lost every stride (simulated stances turning at 80 °/s or more at their
/// quietest, `StanceTwistDeg` 5: 0 strides found at 200 and 400 Hz; real jogging stances reach 16–150 °/s at their
/// quietest).</param>
/// <param name="StanceConfirmS">Motion that resumes within this long of a swing's end reports the stance's mid-stance
/// only once it proves a swing (<see cref="MinSwingDurationS"/> later); a slap or twitch that dies down leaves the
/// stance open, and its mid-stance is searched over all of it when the next motion begins, s. Default 0.05 s, half the
/// shortest contact (sprinters' ~0.1 s). A foot can be quiet for a moment just before an impact — a fast runner's at
/// constant velocity before landing, a walker's at foot flat before the forefoot slaps — and the swing "ended" there;
/// reported at once, that moment was the mid-stance, ahead of the impact: the landing was then read in the next swing,
/// or a lost packet in the swing made the stride 40–80 % long (100 random sessions: 99.33 % of strides found instead of
/// 98.96 %, extra strides 81 → 10). The shared real recordings read the same to the last digit.
/// Unlike letting the swing run on through such motion (tried in session 15: the real exp35 jogging lost two
/// strides), a short stance followed by a real swing is still a stance.</param>
public sealed record SegmentationSettings(
    double EnergyWindowS = 0.02,
    double MinSwingRateDps = 100,
    double SwingThresholdFraction = 0.3,
    double MinSwingDurationS = 0.12,
    double AccEnergyWeightRpsPerMps2 = 0.2,
    double StopDetectS = 1.5,
    double SwingSustainS = 0.06,
    double StandingMidStanceSearchS = 1.0,
    double StandingStillRateDps = 5,
    double MaxSwingS = 1.0,
    double StanceConfirmS = 0.05);

/// <summary>
/// Stance / zero-velocity detection that adapts from slow walking to fast running: finds each stance's mid-stance (MS),
/// the moment the foot is taken to be at rest and flat, sample by sample.
/// </summary>
/// <remarks>
/// <para>A swing is motion energy above a threshold that follows the recent swing peaks, sustained for
/// <see cref="SegmentationSettings.MinSwingDurationS"/>. Between two swings the sample of least energy is the
/// mid-stance. The threshold adapts because a fixed zero-velocity threshold fails across speeds (REFERENCES.md: the SHOE
/// optimum moves ~100× from walking to jogging).</para>
/// <para>Motion energy is the angular rate plus the specific force's departure from 1 g, as the SHOE detector combines
/// both (Skog 2010). The gyro norm alone dips to ~0 where the pitch rate reverses in mid-swing; the accelerometer does
/// not, and at mid-stance both are near zero.</para>
/// <para>A stance that keeps turning (real ones never lie still) may never look still enough; once the motion after it
/// proves to be a swing, its least-motion sample is taken all the same (<see cref="TurningStance"/>).</para>
/// <para>Latency: a stance's mid-stance is known the moment the foot starts to move again after it (heel-off), without
/// waiting to see whether that motion becomes a swing (a turning stance's when the swing after it ends; one whose motion
/// resumed within <see cref="SegmentationSettings.StanceConfirmS"/> of the swing's end when that motion proves a swing);
/// a stance with no swing after it is closed after <see cref="SegmentationSettings.StopDetectS"/>.</para>
/// </remarks>
public sealed class StanceSegmenter
{
    private const float DegToRad = MathF.PI / 180f;

    /// <summary>A swing that begins within this share of the recent stride after the last swing began is that swing going
    /// on after a quiet moment, not the next one (besides 0.8 × the shortest stride, which always holds). The recent
    /// stride is the shorter of the last two intervals between swing starts, so that one stance missed (an interval of
    /// two strides) cannot make the next swing look too soon, which locked a 5.8-m/s runner out for 10 strides. 0.5: the
    /// next swing comes a stride later, and strides shorten far less than by half from one to the next. A very slow
    /// walker's swing (2-s strides) that paused for a moment hovered before its landing, and the landing's motion, 0.7 s
    /// after the swing began, passed for the next swing where 0.8 × the shortest stride allows 0.36 s (issue 11's
    /// half-length strides; README, "Walking contacts", part 8). 0.4, with the last interval alone, left some (stride
    /// length 1.22 % against 0.67 %).</summary>
    private const double SameSwingStrideFraction = 0.5;
    private readonly SegmentationSettings _s;
    private readonly double _minStrideTimeS;
    private readonly SampleRing _ring;

    private float _energy;
    private long _candidateStart = -1;
    private bool _inSwing;
    private bool _stanceDone;
    private float _swingPeak;
    // The swing level before any swing was seen: a brisk walk's (its threshold, 0.3 of it, is then the floor).
    private const float InitialLevelRps = 300f * DegToRad;
    private float _sustainedEma = InitialLevelRps;
    private float _sustainedEmaBeforeSwingEnd = InitialLevelRps;
    private long _swingStart = -1;
    private double _liftAtS = double.PositiveInfinity; // when a swing that has not ended lifts the threshold (MaxSwingS)
    private readonly long[] _minQueue = new long[256]; // SustainedPeak's monotonic queue: ≥ SwingSustainS at 1600 Hz
    private readonly float[] _minQueueValue = new float[256]; // and its energies, so the queue never reads the ring again
    private float _peakEma = InitialLevelRps;
    private float _peakEmaBeforeSwingEnd = InitialLevelRps;
    private long _lastSwingEnd = -1;
    private double _lastSwingStartS = double.NegativeInfinity;
    // Between the last two swings' starts, and the two before, s; 0 after a stop or a new chain.
    private double _lastStrideS;
    private double _strideBeforeS;
    private long _chainStart;
    private int _swingsInChain;
    private long _pendingMs = -1;
    private bool _msAwaitsSwing;

    /// <param name="minStrideTimeS">Swings closer than 0.8 of this are one swing's ripples, s.</param>
    public StanceSegmenter(SegmentationSettings settings, double minStrideTimeS, SampleRing ring)
    {
        _s = settings;
        _minStrideTimeS = minStrideTimeS;
        _ring = ring;
    }

    /// <summary>The mid-stance just reported is a standing foot's (a stop, or the end of input): searched up to
    /// <see cref="SegmentationSettings.StandingMidStanceSearchS"/> into the stance, later than a walking one.</summary>
    public bool MidStanceIsStanding { get; private set; }

    /// <summary>Current swing threshold on the motion energy, rad/s.</summary>
    public float SwingThresholdRps
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // per sample; the JIT had left it a call
        get => MathF.Max((float)_s.MinSwingRateDps * DegToRad, (float)_s.SwingThresholdFraction * _peakEma);
    }

    /// <summary>Motion energy of the next sample (smoothed), rad/s; store it in the ring with the sample.</summary>
    public float NextEnergy(Vector3 gyroRps, Vector3 accMps2, double dtS)
    {
        var rate = gyroRps.Length() + ((float)_s.AccEnergyWeightRpsPerMps2 * MathF.Abs(accMps2.Length() - (float)Gravity.StandardMps2));
        var alpha = dtS <= 0 ? 1f : (float)(dtS / ((_s.EnergyWindowS / 2) + dtS));
        _energy += alpha * (rate - _energy);
        return _energy;
    }

    /// <summary>Call after sample <paramref name="n"/> (time <paramref name="t"/>) entered the ring. True when a
    /// stance's mid-stance is now known: <paramref name="midStance"/> is its sample number.</summary>
    public bool Update(long n, double t, out long midStance)
    {
        midStance = -1;
        MidStanceIsStanding = false;
        var high = SwingThresholdRps;
        var low = 0.6f * high;
        var e = _ring.EnergyRps(n);
        if (_inSwing)
        {
            _swingPeak = MathF.Max(_swingPeak, e);
            if (t > _liftAtS) LiftThreshold(n, t);
            return e < low && EndSwing(n, t, out midStance);
        }

        // A swing begins where the energy passes a share of the swings' sustained level (SwingSustainS says why), never
        // above the threshold the swing must fall below to end.
        var start = MathF.Min(high, MathF.Max((float)_s.MinSwingRateDps * DegToRad, (float)_s.SwingThresholdFraction * _sustainedEma));
        if (_candidateStart < 0)
        {
            if (e > start)
            {
                // Motion resumes: the stance before it is over, so its least-motion sample — the mid-stance — is known
                // now, without waiting to see whether this becomes a swing (the stride closes one mid-stance late,
                // no later). A slap or twitch without a quiet moment before it fails the stillness check below.
                _candidateStart = n;
                // Moments after a swing ended, the motion may be the impact after a quiet moment in the landing, not
                // the next swing: its stance waits for the proof (StanceConfirmS).
                if (_lastSwingEnd >= 0 && t - _ring.TimeS(_lastSwingEnd) < _s.StanceConfirmS)
                {
                    _msAwaitsSwing = true;
                    return false;
                }

                return !_stanceDone && MidStanceBefore(n, high, out midStance);
            }

            // The runner stopped: no swing follows this stance. Close the last stride now rather than at the next
            // step, which may be minutes away (a traffic light, a walk break that is a stand).
            if (_lastSwingEnd >= 0 && t - _ring.TimeS(_lastSwingEnd) > _s.StopDetectS) return CloseStanceOnStop(n, out midStance);
            return false;
        }

        if (e < 0.6f * start)
        {
            _msAwaitsSwing = false;
            _candidateStart = -1; // a slap or a twitch, not a swing
            return false;
        }

        var startS = _ring.TimeS(_candidateStart);
        if (t - startS < _s.MinSwingDurationS) return false;
        if (startS - _lastSwingStartS < Math.Max(_minStrideTimeS * 0.8, SameSwingStrideFraction * Math.Min(_lastStrideS, _strideBeforeS)))
        {
            // Too soon after the last swing began to be the next: the same swing, after a quiet moment inside it (the
            // pitch rate reversing in mid-swing) or a slap. It goes on, so its end opens the next stance: were it
            // dropped, a mid-stance taken at that quiet moment would block the real stance's (and the pipeline drops
            // such a mid-stance, FootPipeline.MaxStanceSpeedFraction).
            _msAwaitsSwing = false;
            _candidateStart = -1;
            _inSwing = true;
            _swingPeak = MathF.Max(_swingPeak, e);
            _peakEma = _peakEmaBeforeSwingEnd;
            _sustainedEma = _sustainedEmaBeforeSwingEnd;
            return false;
        }

        // Confirmed swing. Its stance was closed when the motion began, unless that stance never looked still enough.
        var deferred = _msAwaitsSwing && !_stanceDone && MidStanceBefore(_candidateStart, high, out midStance);
        _msAwaitsSwing = false;
        if (!_stanceDone && TurningStance(n, high, out var turning)) _pendingMs = turning;
        _swingsInChain++;
        _swingStart = _candidateStart;
        _candidateStart = -1;
        _inSwing = true;
        _swingPeak = e;
        _strideBeforeS = _lastStrideS;
        _lastStrideS = double.IsFinite(_lastSwingStartS) ? startS - _lastSwingStartS : 0;
        _lastSwingStartS = startS;
        _liftAtS = startS + _s.MaxSwingS;
        return deferred;
    }

    /// <summary>
    /// No swing lasts this long: the foot's stances never fell below the threshold, which adapts only at a swing's end —
    /// a runner whose stances keep turning faster than the first strides' threshold would hold it there for the whole
    /// run. Take this "swing's" own level now, so that the next stance ends it, and again every MaxSwingS while it lasts:
    /// a runner still speeding up after the first outgrows the level of that moment (simulated 7.5° stances from a
    /// standing start: 0 strides with one lift). Out of line, as <see cref="EndSwing"/>: the per-sample path stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LiftThreshold(long n, double t)
    {
        _liftAtS = t + _s.MaxSwingS;
        _peakEma = MathF.Max(_peakEma, _swingPeak);
        _sustainedEma = MathF.Max(_sustainedEma, SustainedPeak(_swingStart, n));
    }

    /// <summary>The swing ends at sample <paramref name="n"/>; true when that reports a turning stance's mid-stance.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool EndSwing(long n, double t, out long midStance)
    {
        midStance = -1;
        _inSwing = false;
        _stanceDone = false;
        _lastSwingEnd = n;
        // Follow the swing peaks slowly: a few strides to adapt to a new pace, one odd stride moves it little.
        _peakEmaBeforeSwingEnd = _peakEma;
        _peakEma += 0.25f * (_swingPeak - _peakEma);
        _sustainedEmaBeforeSwingEnd = _sustainedEma;
        _sustainedEma += 0.25f * (SustainedPeak(_swingStart, n) - _sustainedEma);
        if (_pendingMs < 0) return false;

        // A turning stance's swing has ended (TurningStance): a swing, or the landing of the swing before?
        var keep = _ring.Holds(_pendingMs) && t - _ring.TimeS(_pendingMs) >= 0.8 * _minStrideTimeS;
        if (keep) midStance = _pendingMs;
        _pendingMs = -1;
        return keep;
    }

    /// <summary>
    /// The mid-stance of a stance that kept turning: a real swing (sustained, a stride after the last) has begun, yet
    /// the stance before it never fell below the stillness check of <see cref="MidStanceBefore"/>. Its least-motion
    /// sample between the last swing's end and now is the mid-stance all the same — once that swing has ended at least
    /// 0.8 × the shortest stride after it: a quiet moment just before a landing is followed by a "swing" that is only
    /// the impact and the loading, and ends within ~0.15 s at the real stance (simulated 4.5-m/s run starting from
    /// standing at 1000 Hz, whose threshold was still low: a 0.53-s stride for 0.80 s). The pipeline's speed check
    /// (<c>FootPipelineSettings.MaxStanceSpeedFraction</c>) still drops one that was a moment inside a swing. It is
    /// reported at that swing's end, about a swing later than a still stance's.
    /// </summary>
    /// <remarks>
    /// <para>A real stance never lies still: at its quietest the footprint clip in exp35 jogging still turns at
    /// 16–150 °/s, mostly 20–50 °/s. Simulated stances turning at ~80 °/s at their quietest (<c>StanceTwistDeg</c> 5)
    /// reach 36–48 % of the threshold (~125 °/s, 7.5°: 40–60 %), and the stillness check left 61–91 % of a fast run's
    /// strides; decimated to 50 Hz, exp35's jogging stances read 40–45 % and lost 6 of 26 strides. Neither was a slap:
    /// a swing followed each.</para>
    /// <para>Not for the first two swings of a chain: the first step from standing is slow and uneven. A dip inside it
    /// read as a stance cut the first stride to a third (exp31 at 50 Hz; the swing-end check above now rejects that one
    /// too), and turning stances taken there put the first strides from standing off (simulated 5°, 200 Hz rearfoot
    /// 3.3 m/s: stride length MAE 0.19 → 1.16 % without this guard; 1000 Hz midfoot: 0.04 → 1.18 %). Not where samples were lost between the
    /// swing's end and now, or just before that end: the quiet moment may be in the gap, and the energy next to a gap
    /// measures the jump (a 400-Hz stance with a lost packet gave a stride 12 % long; a stance whose middle was lost, so
    /// that the swing "ended" at the push-off after the gap, took the pipeline's two strides across a lost stance).</para>
    /// </remarks>
    private bool TurningStance(long now, float high, out long midStance)
    {
        midStance = -1;
        if (_swingsInChain < 2 || _lastSwingEnd < 0) return false;
        var from = Math.Max(_lastSwingEnd, _ring.Oldest);
        if (_ring.AnyGap(from, now)) return false;
        var min = LeastEnergy(from, now).Energy;
        if (min > 0.6f * high) return false; // never below a swing's end: no stance at all
        // The middle of the stance's quieter half, not its least-energy sample: a stance that keeps turning turns fastest
        // in its middle, and its least energy then sits at an edge, just after the landing. A mid-stance there left the
        // impact on the segment's last few samples, and the contact was read in the swing instead (simulated 7.5°, 1000 Hz
        // midfoot 3.3 m/s: 12 strides with a contact ~0.25 s early; 4 with the middle).
        var level = min + (0.5f * ((0.6f * high) - min));
        long first = -1, last = -1;
        for (var i = from; i < now; i++)
        {
            if (_ring.EnergyRps(i) > level) continue;
            if (first < 0) first = i;
            last = i;
        }

        midStance = Math.Max(from, ((first + last) / 2) - (long)Math.Round(_s.EnergyWindowS / 2 * _ring.RateHzAt(now)));
        _stanceDone = true;
        return true;
    }

    /// <summary>
    /// The highest energy held for <see cref="SegmentationSettings.SwingSustainS"/> within samples
    /// <paramref name="from"/>..<paramref name="to"/>: the largest of the moving minimum over that window (a
    /// morphological opening), so a transient shorter than the window — the landing's impact — does not count. Once per
    /// swing, O(swing) with a monotonic queue.
    /// </summary>
    private float SustainedPeak(long from, long to)
    {
        from = Math.Max(from, _ring.Oldest);
        var window = Math.Clamp((int)Math.Round(_s.SwingSustainS * _ring.RateHzAt(to)), 1, _minQueue.Length - 1);
        if (to - from + 1 < window) window = (int)Math.Max(1, to - from + 1);
        const int Mask = 255;
        var ring = _ring.Read();
        var at = _minQueue.AsSpan();
        var value = _minQueueValue.AsSpan();
        int head = 0, tail = 0;
        var best = 0f;
        for (var i = from; i <= to; i++)
        {
            var e = ring.EnergyRps(i);
            while (tail > head && value[(tail - 1) & Mask] >= e) tail--;
            at[tail & Mask] = i;
            value[tail & Mask] = e;
            tail++;
            if (at[head & Mask] <= i - window) head++;
            if (i - from + 1 >= window) best = MathF.Max(best, value[head & Mask]);
        }

        return best;
    }

    /// <summary>End of input: a stance in progress is complete; true with its mid-stance.</summary>
    public bool Flush(out long midStance)
    {
        midStance = -1;
        // Input ends in a stance: the foot stands there, whichever way its mid-stance is found.
        MidStanceIsStanding = true;
        if (_pendingMs >= 0 && _ring.Holds(_pendingMs))
        {
            midStance = _pendingMs;
            _pendingMs = -1;
            return true;
        }

        if (_inSwing || _lastSwingEnd < 0 || _ring.Next == 0) return false;
        return CloseStanceOnStop(_ring.Next - 1, out midStance);
    }

    /// <summary>Forgets the stance/swing state (after a long gap): the next stance is searched from here on.</summary>
    public void ResetChain()
    {
        _candidateStart = -1;
        _inSwing = false;
        _stanceDone = false;
        _lastSwingEnd = -1;
        _chainStart = _ring.Next;
        _swingsInChain = 0;
        _pendingMs = -1;
        _msAwaitsSwing = false;
        _lastSwingStartS = double.NegativeInfinity;
        _lastStrideS = _strideBeforeS = 0;
    }

    /// <summary>Also forgets the learnt swing level.</summary>
    public void Reset()
    {
        ResetChain();
        ResetLevel();
    }

    private void ResetLevel()
    {
        _peakEma = InitialLevelRps;
        _peakEmaBeforeSwingEnd = _peakEma;
        _sustainedEma = _peakEma;
        _sustainedEmaBeforeSwingEnd = _peakEma;
    }

    /// <summary>Finds the mid-stance of the stance that ends at <paramref name="motionStart"/>.</summary>
    private bool MidStanceBefore(long motionStart, float high, out long midStance)
    {
        midStance = -1;
        var rateHz = _ring.RateHzAt(motionStart);
        var standing = _lastSwingEnd < 0 || _lastSwingEnd >= motionStart;
        var window = (long)(_s.StandingMidStanceSearchS * rateHz);
        var from = Math.Max(standing ? Math.Max(_chainStart, motionStart - window) : _lastSwingEnd, _ring.Oldest);
        if (motionStart - from < 2) return false;
        var (ms, min) = LeastEnergy(from, motionStart);
        var still = (float)_s.StandingStillRateDps * DegToRad;
        if (standing && min > still)
        {
            // No still moment in the second before the first swing: a slow first step moved there under the swing
            // threshold. Its stance is the second before the last still sample (the foot's noise floor anywhere in it),
            // if the foot was still within another second: motion that lasts longer (heel raises, a fidget) is not one
            // step, and a stance taken before it would make the first segment longer than any stride.
            var chainStart = Math.Max(_chainStart, _ring.Oldest);
            var earliest = Math.Max(chainStart, from - window);
            var last = from - 1;
            while (last >= earliest && _ring.EnergyRps(last) > still) last--;
            if (last >= earliest)
            {
                from = Math.Max(chainStart, last - window);
                (ms, min) = LeastEnergy(from, last + 1);
            }
        }

        // No quiet moment: this motion follows a heel-strike slap, a heel rise or a stumble — or a stance that keeps
        // turning, which TurningStance takes once the motion proves to be a swing. Most real mid-stances sit far below
        // the swing threshold (≤ 10 % of it in walking and running alike).
        if (min > 0.4f * high) return false;
        _stanceDone = true;

        // The smoothing lags by about half its window: step back accordingly.
        midStance = Math.Max(from, ms - (long)Math.Round(_s.EnergyWindowS / 2 * rateHz));
        return true;
    }

    private bool CloseStanceOnStop(long now, out long midStance)
    {
        midStance = -1;
        var from = Math.Max(_lastSwingEnd, _ring.Oldest);
        _lastSwingEnd = -1;
        // The swing level starts over, as at the session's start: what follows a stop may be anything from a slow walk
        // to a sprint, and the level adapts only as swings end. Kept from a 5.5-m/s run, it hid about half the swings of a
        // 0.8-m/s walk after a 5-s stop (simulated sprint-stop-walk: 32 and 36 of the walk's 66 strides found at 200 and
        // 400 Hz), and a level raised by one odd swing locked a foot out for good (a 1.2-s stumble in a run: every
        // later stance lost, StanceSegmenterTests).
        ResetLevel();
        // So is the stride: the first swings after a stop may be a run's after a slow walk's.
        _lastSwingStartS = double.NegativeInfinity;
        _lastStrideS = _strideBeforeS = 0;
        _stanceDone = false; // the next motion's stance (standing here) is searched from the chain start
        _swingsInChain = 0;
        _chainStart = now; // the next swing searches its stance from here, not back into this one
        if (now - from < 2) return false;
        var least = LeastEnergy(from, Math.Min(now + 1, from + (long)Math.Round(_s.StandingMidStanceSearchS * _ring.RateHzAt(from))));
        // A standing foot's least-motion sample is a draw from its noise floor, anywhere in the window, and any still
        // sample serves the zero-velocity update: the first as still (within twice the least) keeps the segment short. In
        // very slow walking (2-s strides) the least fell up to 1 s after the landing and the segment outlasted
        // FootPipelineSettings.MaxStrideTimeS: the last stride before the stop was lost (simulated walk-slow, 400 Hz).
        midStance = least.Index;
        for (var i = from; i < least.Index; i++)
        {
            if (_ring.EnergyRps(i) <= 2 * least.Energy) { midStance = i; break; }
        }

        MidStanceIsStanding = true;
        return true;
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
}
