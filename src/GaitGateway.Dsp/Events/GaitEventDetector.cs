using System.Numerics;
using System.Runtime.CompilerServices;
using GaitGateway.Dsp.Segmentation;

namespace GaitGateway.Dsp.Events;

/// <summary>Settings of <see cref="GaitEventDetector"/>.</summary>
/// <param name="ToeOffSearchFraction">Half-width of the search for the push-off load's end around the peak
/// plantarflexion rate, as a fraction of the time from mid-stance to that peak (the second half of the stance).
/// Default 0.4. A fixed width fails one way or the other: ±40 ms missed one toe-off in ten in slow forefoot running
/// (the strongest plantarflexion ~50 ms before the toe leaves a long stance), ±60 ms reached back to the heel rise in
/// fast rearfoot running (a stance half as long). Scaled to the stance, the search covers the same phase at any pace.</param>
/// <param name="ToeOffSearchMaxS">…but never wider than this, s. Default 0.06 s: a walking stance is long, and a search
/// over a third of it would reach the heel rise.</param>
/// <param name="WalkingContactSearchS">Walking only: how far before the impact onset the pitch-rate reversal that marks the
/// heel contact is looked for, s. Default 0.03 s: on the gaitmap walk the reversal comes 14–25 ms before the clip's
/// jolt; wider windows reach late-swing reversals (0.04 s moved the simulator's 200-Hz walking contacts 30 ms early).</param>
/// <param name="ToeOffSlopeScaleS">Step of the acceleration's second difference whose peak marks the toe-off, s. Default
/// 0.005 s — one sample at 200 Hz, the lowest rate we support — so the detector looks at the same 5 ms of motion at any
/// rate: sample to sample at 1000 Hz the second difference is mostly sensor noise (it grows with the rate while the
/// kink's shrinks with its square), which put one toe-off in twenty off by 30–90 ms in the simulator's 1000-Hz runs
/// (toe-off MAE 1.5–4.2 ms over 40-s runs; 1.0–2.4 ms now). Unchanged at 200 Hz and on the gaitmap walk (204.8 Hz).
/// A 10-ms step was better still in simulation but moved the gaitmap walk's toe-offs 2.4 ms later.</param>
/// <param name="ImpactOnsetFraction">Initial contact is where the impact's summed departure from the swing reaches this
/// fraction of its total over the onset span. Default 0.03: near the onset, above the swing's residual. Over the
/// simulator's 27 running configurations (200–1000 Hz) 0.03 and 0.05 did alike (200-Hz cadence 0.22–0.42 steps/min); 0.1
/// and above timed contacts 2–5 ms late.</param>
/// <param name="ImpactOnsetSpanS">How long after the onset the departure is summed, s. Default 0.01 s: the impact's
/// rising edge.</param>
/// <param name="ImpactWindowS">Window after initial contact searched for the peak impact, s. Default 0.06 s.</param>
/// <param name="DoubleImpactMaxS">How far before the loudest landing jolt an earlier impact (the heel's, before a forefoot
/// slap) is looked for, s. Default 0.08 s: the landing roll from heel contact to foot flat lasts 30–80 ms in running.</param>
/// <param name="ImpactRiseRatio">An impact's jerk jumps at least this many times over the interval before it. Default 3:
/// at the onset of an impact the jerk rises from the swing's level (hundreds of m/s³) to thousands within one interval;
/// a swinging foot's jerk changes by tens of per cent from one interval to the next.</param>
/// <param name="ImpactBackgroundRatio">An interval departs from the swing — is part of the impact — when its departure is
/// at least this many times the swing's own level (the median departure over
/// <see cref="ImpactBackgroundFromS"/>…<see cref="ImpactBackgroundToS"/> before the impact), even when it is below a tenth
/// of the impact's jerk. Default 5. The first sample after a contact sees only the part of its period after the contact
/// (the clip's filter averages over the period), so how much of the impact it shows depends on where the contact falls
/// within the period and on how fast the impact rises — at 200 Hz with a 100-Hz ring it was often under a tenth of the
/// impact's jerk and the contact came a whole sample late on a third of the strides. Yet it read 5–50×
/// the swing's level there (mostly: a slowly building impact can stay below it for 1–3 ms); 5× keeps sensor noise out.</param>
/// <param name="ImpactTrendFraction">The first strong jerk counts as the impact only where the acceleration also breaks
/// its trend there: its second difference over <see cref="ImpactTrendScaleS"/> at least this fraction of the largest after
/// mid-swing. Default 0.2. A running swing's acceleration changes fast and smoothly (5–6 g within 0.1 s at 4.5 m/s), and
/// at 100 Hz the clip's anti-alias mean over a 10-ms sample shrinks a midfoot impact's jerk to 1.5–2 times the swing's:
/// the first jerk above 0.4 of the impact's was then mid-swing on one stride in ten, and the contact was put there
/// (simulated 100–104 Hz midfoot running at 4.5 m/s: 83–96 % of strides found, 56 % with the clip on the side of the
/// heel). A swing's smooth change has a small second difference (1–5 % of an impact's), an impact a large one. Set on the
/// simulator: 0.05 still let 6 % of those strides through, 0.1 and 0.2 found them all; the shared real sets read the
/// same with 0.2. It also keeps walking contacts off the late-swing deceleration at 200 Hz (README, session 12).</param>
/// <param name="ImpactTrendScaleS">Step of that second difference, s. Default 0.005 s (one sample at 200 Hz): the same 5 ms of
/// motion at any rate; sample to sample at 1000 Hz the second difference is mostly noise.</param>
/// <param name="WalkingFootFlatSweepDeg">Walking: an impact after the landing roll's fastest toes-down rotation, with the
/// foot pitched toes-down by at least this much since the roll began, is the forefoot's at foot flat; the contact is the
/// heel's jolt before it, or where the roll began (the pitch reversal), °. Default 8°: Altman &amp; Davis 2012's rearfoot
/// strike angle (REFERENCES.md) — a heel strike has that far to roll before the forefoot lands. On the shared real walks
/// no impact is taken for a foot flat (the xio loop's one candidate pitched 2°: a flat landing); in the random sessions'
/// walking, contacts 0.1–0.2 s late went from 470 to 85 of 8 363 (README, "Walking contacts").</param>
/// <param name="ImpactBackgroundFromS">Start of the swing window that sets the background level, s before the impact.
/// Default 0.05 s.</param>
/// <param name="ImpactBackgroundToS">End of that window, s before the impact. Default 0.02 s: clear of the impact's
/// rising edge (walked back at most 15 ms).</param>
public sealed record GaitEventSettings(
    double ToeOffSearchFraction = 0.4,
    double ToeOffSearchMaxS = 0.06,
    double ToeOffSlopeScaleS = 0.005,
    double ImpactOnsetFraction = 0.03,
    double ImpactOnsetSpanS = 0.01,
    double WalkingContactSearchS = 0.03,
    double ImpactWindowS = 0.06,
    double DoubleImpactMaxS = 0.08,
    double ImpactRiseRatio = 3,
    double ImpactBackgroundRatio = 5,
    double ImpactBackgroundFromS = 0.05,
    double ImpactBackgroundToS = 0.02,
    double ImpactTrendFraction = 0.2,
    double ImpactTrendScaleS = 0.005,
    double WalkingFootFlatSweepDeg = 8.0)
{
    /// <summary>The runner's own impact, learned to time running contacts between samples (<see cref="ImpactPhaseTemplate"/>).</summary>
    public ImpactTemplateSettings Template { get; init; } = new();
}

/// <summary>Initial contact and toe-off of one mid-stance-to-mid-stance segment, with sub-sample timing.</summary>
/// <param name="ToTimeS">Toe-off ending the stance at MS_a, s.</param>
/// <param name="IcTimeS">Initial contact starting the stance at MS_b, s (NaN when no impact was found).</param>
/// <param name="IcSample">First sample of that contact's loud rise (absolute number; the strike angle is read just
/// before it), or -1.</param>
/// <param name="GapAfterMidSwing">Samples were lost between mid-swing and MS_b: the impact may have been among them.</param>
public readonly record struct SegmentEvents(double ToTimeS, double IcTimeS, long IcSample, bool GapAfterMidSwing);

/// <summary>
/// Gait events from the foot's signals. Mid-swing is the foot's fastest moment (from the trajectory) — robust to
/// whatever the foot's rotations do in stance, e.g. a forefoot landing's heel drop; toe-off is before it, initial
/// contact after it.
/// </summary>
/// <remarks>
/// <para>Toe-off (TO): where the push-off load ends — the largest change of acceleration slope next to the most
/// negative toes-up pitch rate between MS and mid-swing (Falbriard 2018, Front Physiol 9:610).</para>
/// <para>Initial contact (IC): the impact — the onset of the first strong jerk between mid-swing and the next MS —
/// which holds for rearfoot, midfoot and forefoot landings alike, where pitch-rate extrema do not. In walking the heel
/// lands softly and the contact is the pitch-rate reversal just before the jolt.</para>
/// <para>Running contacts at up to 500 Hz are then timed between samples against the runner's own impact, learned from
/// her strides (<see cref="ImpactPhaseTemplate"/>).</para>
/// </remarks>
public sealed class GaitEventDetector
{
    private readonly GaitEventSettings _s;
    private readonly SampleRing _ring;
    private readonly float[] _toesUpRate;
    private readonly float[] _background;
    private readonly float[] _jerk;
    private readonly float[] _trend;
    private readonly ImpactPhaseTemplate _template;

    public GaitEventDetector(GaitEventSettings settings, SampleRing ring)
    {
        _s = settings;
        _ring = ring;
        _toesUpRate = new float[ring.Capacity];
        _background = new float[ring.Capacity];
        _jerk = new float[ring.Capacity];
        _trend = new float[ring.Capacity];
        _template = new ImpactPhaseTemplate(settings.Template, ring);
    }

    /// <summary>Events of the segment [a, a + len] whose mid-swing is at offset <paramref name="midSwingK"/>.</summary>
    /// <param name="leftSensor">The foot's left axis in the sensor frame (toes-up rotation is about −left).</param>
    /// <param name="walking">The last stride was a walk: the contact is looked for at the pitch reversal.</param>
    public SegmentEvents Detect(long a, int len, int midSwingK, Vector3 leftSensor, bool walking)
    {
        for (var k = 0; k <= len; k++) _toesUpRate[k] = -Vector3.Dot(_ring.GyroRps(a + k), leftSensor);
        var toK = 0;
        for (var k = 1; k < midSwingK; k++)
            if (_toesUpRate[k] < _toesUpRate[toK]) toK = k;
        var toS = ToeOffByLoadRelease(a, toK, midSwingK, walking);

        var gapAfterMidSwing = GapWithin(a, midSwingK, len);
        var (searchFromK, reversalK, rollK) = walking ? WalkingImpactSearchFrom(a, midSwingK, len) : (midSwingK, -1, -1);
        var (icK, loudK) = FindImpact(a, searchFromK, len, walking, rollK);
        if (icK <= 0) return new SegmentEvents(toS, double.NaN, -1, gapAfterMidSwing);
        if (!walking && HeelBeforeFootFlat(a, icK, midSwingK, len) is { Search: var walkSearch, Heel: var heel })
        {
            // The running search took a forefoot slap at the end of a landing roll for the contact, and the heel's jolt
            // is there before it: the landing is a walk's, timed as one.
            walking = true;
            (searchFromK, reversalK, rollK) = walkSearch;
            (icK, loudK) = heel;
        }

        if (walking && IsFootFlat(a, icK, reversalK, rollK, midSwingK))
        {
            // The only impact is the forefoot's at foot flat: the heel landed, softly, where the roll began. The strike
            // angle is read there too — at foot flat the foot is level and every heel strike would read as midfoot.
            return new SegmentEvents(toS, ReversalTimeS(a, reversalK), a + reversalK, gapAfterMidSwing);
        }

        var icS = walking
            ? Math.Min(ImpactOnsetTimeS(a, icK, 1, len), WalkingContactS(a, icK, midSwingK, len))
            : _template.Refine(a, icK, len, RunningContactS(a, icK, len));
        // The strike angle and the impact's peak are read from the loud rise's first sample, as before the swing-level
        // onset: that onset times the contact, and one sample earlier in late swing is a degree of foot rotation.
        return new SegmentEvents(toS, icS, a + loudK, gapAfterMidSwing);
    }

    /// <summary>Indices (relative to a) of the first sample that departs from the swing (the onset) and of the first of
    /// the impact's loud rise (≥ a tenth of its jerk; the same in walking); (-1, -1) when there is no impact.</summary>
    private (int Onset, int LoudOnset) FindImpact(long a, int fromK, int len, bool walking, int rollK)
    {
        var maxJerk = 0f;
        var maxK = -1;
        var maxTrend = 0f;
        var start = Math.Max(1, fromK);
        var h = TrendStep(a + start);
        // Each interval's jerk and trend break once (the squared magnitude of the second difference over ±h samples about
        // sample k − 1; 0 where that reaches outside 0…len): the searches below read them again. Through the ring's view:
        // this loop covers every sample from mid-swing to the next mid-stance, and through the ring's checked accessors
        // it cost 3–4 % of the pipeline's time at 400 Hz.
        var jerk = _jerk;
        var trend = _trend;
        var ring = _ring.Read();
        for (var k = start; k <= len; k++)
        {
            var j = jerk[k] = Jerk(ring, a + k);
            if (j > maxJerk) { maxJerk = j; maxK = k; }
            var b = trend[k] = k - 1 - h >= 0 && k - 1 + h <= len ? SecondDifference(ring, a + k - 1, h).LengthSquared() : 0f;
            // Samples lost inside the step make a break of their own, as large as the motion the gap hid.
            if (b > maxTrend && !GapWithin(a, k - 1 - h, k - 1 + h)) maxTrend = b;
        }

        if (maxK < 0) return (-1, -1);
        // The contact is the FIRST strong jerk, not the largest: in walking the forefoot slap ~50 ms after heel
        // strike can out-jerk the heel strike itself. It must also break the swing's trend (ImpactTrendFraction): at
        // 100 Hz a fast swing's smooth deceleration can be as jerky as the averaged impact. From there, walk back up the
        // impact's rising edge (at most 15 ms) to its onset: the contact happened just before the first sample that
        // departs from swing. "Departs" is measured against the swing's own trend (the jerk's change, not the jerk): a
        // midfoot landing decelerates the foot hard in late swing, at ~8 % of the impact's jerk, and a plain jerk
        // threshold stepped into it one or two samples early on one stride in ten at 200 Hz (cadence error 0.9 steps/min).
        var first = maxK;
        var trendFloor = (float)(_s.ImpactTrendFraction * _s.ImpactTrendFraction) * maxTrend; // squared, as the breaks
        for (var k = start; k <= maxK; k++)
        {
            if (jerk[k] >= 0.4f * maxJerk && trend[k] >= trendFloor) { first = k; break; }
        }

        var loud = 0.1f * maxJerk;
        // Walking, heel then forefoot: an impact after the landing roll's fastest toes-down rotation comes at its end —
        // the forefoot slapping down at foot flat, which stops the roll (Perry & Burnfield 2010: heel rocker from
        // initial contact to foot flat in loading response). With a slap that out-jerks a soft heel strike more than
        // 2.5-fold, the contact had been put there, 0.1–0.2 s late (README, "Walking contacts"). The heel's
        // own jolt is the first abrupt, loud rise before the roll's peak, found as in running.
        if (walking && rollK > 0 && first > rollK && FirstAbruptRise(a, start, rollK + 1, start, loud, trendFloor) is var heel and >= 0) first = heel;

        // Heel then forefoot: the forefoot slapping down at foot flat, 30–80 ms after the heel, can out-jerk the heel
        // strike by far more than 0.4 (Giandolini 2014 timed strike patterns from those two impacts). An impact starts
        // abruptly — its jerk jumps several-fold from one interval to the next, where a swinging foot's changes smoothly —
        // so an earlier abrupt, loud rise within that time is the contact.
        var backS = _ring.TimeS(a + first) - _s.DoubleImpactMaxS;
        // Running only: a walking heel lands softly, and its contact is the pitch reversal before the jolt
        // (WalkingContactS), which gaitmap's motion capture confirms; an earlier jolt there is no contact.
        var back = first;
        while (!walking && back - 1 >= Math.Max(2, fromK) && _ring.TimeS(a + back - 1) >= backS) back--;
        if (FirstAbruptRise(a, back, first, start, loud, trendFloor: null) is var earlier and >= 0) first = earlier;

        var limitS = _ring.TimeS(a + first) - 0.015;
        // Mid-swing (the fastest moment of the de-drifted path) can fall inside the impact's rising edge when its
        // ringing is integrated: the walk back to the onset is bounded by time, not by mid-swing.
        var lo = 1;
        var onset = first;
        while (onset - 1 >= lo && _ring.TimeS(a + onset - 1) >= limitS)
        {
            if (Departure(a, onset - 1) >= loud) { onset--; continue; }
            // An impact rings: one quiet interval (a zero crossing of the ringing) with a loud one before it is still
            // the impact, not the swing.
            if (onset - 2 >= lo && _ring.TimeS(a + onset - 2) >= limitS && Departure(a, onset - 2) >= loud) { onset -= 2; continue; }
            break;
        }

        // The first sample after the contact averages the impact over only part of its period: it can be quiet beside
        // the impact's jerk yet far above the swing's own level. Such a sample just before the onset is the impact's.
        var loudOnset = onset;
        var background = walking ? 0 : SwingBackground(a, fromK, first);
        if (background > 0)
        {
            var quiet = Math.Min(loud, (float)(_s.ImpactBackgroundRatio * background));
            while (onset - 1 >= lo && _ring.TimeS(a + onset - 1) >= limitS && Departure(a, onset - 1) >= quiet) onset--;
        }

        return (onset, loudOnset);
    }

    /// <summary>
    /// The first interval in [<paramref name="from"/>, <paramref name="toExclusive"/>) whose jerk rises abruptly to a loud
    /// level — at least <paramref name="loud"/> and <see cref="GaitEventSettings.ImpactRiseRatio"/> times the interval
    /// before — and, when <paramref name="trendFloor"/> is given, breaks the acceleration's trend that much; −1 if none.
    /// Reads the jerk and trend FindImpact computed from <paramref name="start"/> on.
    /// </summary>
    private int FirstAbruptRise(long a, int from, int toExclusive, int start, float loud, float? trendFloor)
    {
        for (var k = from; k < toExclusive; k++)
        {
            var j = _jerk[k];
            if (j >= loud && (trendFloor is not { } floor || _trend[k] >= floor)
                && j >= _s.ImpactRiseRatio * (k - 1 >= start ? _jerk[k - 1] : Jerk(a, k - 1))) return k;
        }

        return -1;
    }

    /// <summary>Median departure over the swing window <see cref="GaitEventSettings.ImpactBackgroundFromS"/>…
    /// <see cref="GaitEventSettings.ImpactBackgroundToS"/> before sample <paramref name="first"/> (after mid-swing); 0 when
    /// the window holds fewer than three intervals.</summary>
    private float SwingBackground(long a, int fromK, int first)
    {
        var t = _ring.TimeS(a + first);
        var n = 0;
        for (var k = Math.Max(2, fromK + 1); k < first; k++)
        {
            var tk = _ring.TimeS(a + k);
            if (tk < t - _s.ImpactBackgroundFromS) continue;
            if (tk > t - _s.ImpactBackgroundToS) break;
            _background[n++] = Departure(a, k);
        }

        if (n < 3) return 0;
        var span = _background.AsSpan(0, n);
        span.Sort();
        return span[n / 2];
    }

    /// <summary>A contact lost with the samples of a gap: <paramref name="predictedS"/> (where the stride rhythm puts it)
    /// clamped into the nearest gap after mid-swing; NaN when there is none.</summary>
    public double ContactInGapS(long a, int midSwingK, int len, double predictedS)
    {
        var best = double.NaN;
        var bestDistance = double.PositiveInfinity;
        for (var k = midSwingK + 1; k <= len; k++)
        {
            if (!_ring.GapBefore(a + k)) continue;
            var t = Math.Clamp(predictedS, _ring.TimeS(a + k - 1), _ring.TimeS(a + k));
            var distance = Math.Abs(t - predictedS);
            if (distance < bestDistance) { bestDistance = distance; best = t; }
        }

        return best;
    }

    /// <summary>
    /// Walking: where the impact is looked for. A walking heel lands softly (2–3 g), and a clip low on the heel, close to
    /// the point the heel lands on, decelerates hard in late swing instead (simulated lateral heel at 200 Hz: late-swing
    /// jerk above 40 % of the landing's; the contact was put 40–230 ms early, cadence 7.3 steps/min off). The gyroscope
    /// does not depend on where the clip sits: the landing roll (the foot's fastest toes-down rotation after mid-swing)
    /// starts at the contact, where the late-swing dorsiflexion reverses (Rampp et al. 2015). So the search starts
    /// <see cref="GaitEventSettings.WalkingContactSearchS"/> before that reversal, when the roll is clear (faster than
    /// 1 rad/s toes-down); else at mid-swing as before.
    /// </summary>
    private (int FromK, int ReversalK, int RollK) WalkingImpactSearchFrom(long a, int midSwingK, int len)
    {
        var rollK = -1;
        var fastest = -1f;
        for (var k = midSwingK + 1; k <= len; k++)
        {
            if (_toesUpRate[k] < fastest) { fastest = _toesUpRate[k]; rollK = k; }
        }

        if (rollK < 0) return (midSwingK, -1, -1);
        var reversalK = rollK;
        while (reversalK - 1 > midSwingK && _toesUpRate[reversalK - 1] < 0) reversalK--;
        var back = (int)Math.Round(_s.WalkingContactSearchS * _ring.RateHzAt(a + reversalK));
        return (Math.Max(midSwingK, reversalK - 1 - back), reversalK, rollK);
    }

    /// <summary>
    /// Running search, heel then forefoot: the impact at <paramref name="icK"/> came after a landing roll of at least
    /// <see cref="GaitEventSettings.WalkingFootFlatSweepDeg"/> (<see cref="IsFootFlat"/>), and the walking search finds the
    /// heel's own jolt before the roll's peak: that search and the heel's impact (onset, loud onset); null otherwise.
    /// </summary>
    /// <remarks>
    /// The running search reaches back <see cref="GaitEventSettings.DoubleImpactMaxS"/> for a heel before a forefoot
    /// slap: a running landing roll's length. A walking roll lasts 100–240 ms. So where the gait was not yet known (the
    /// first strides from standing) or was last a run, a slap that out-jerked the heel was taken for the contact. The
    /// stride's contact time then came out 0.1–0.2 s short, its duty factor read as a run, and the next stride was searched
    /// as a run too: in random session 8 a walker with a 0.96 slap was timed at the slap for 13 strides after standing
    /// (README, "Walking contacts"). Unlike the walking search, the roll's start (the pitch reversal) is no contact here
    /// when no heel jolt is found: a running foot may roll toes-down before it touches down (our simulator's running
    /// landing does; taking the roll's start there put 8 more of the random sessions' running contacts over 30 ms off,
    /// one 76 ms early, and no shared real set times a running contact), so the running contact stands.
    /// </remarks>
    private ((int FromK, int ReversalK, int RollK) Search, (int Onset, int LoudOnset) Heel)? HeelBeforeFootFlat(long a, int icK, int midSwingK, int len)
    {
        var search = WalkingImpactSearchFrom(a, midSwingK, len);
        if (!IsFootFlat(a, icK, search.ReversalK, search.RollK, midSwingK)) return null;
        var heel = FindImpact(a, search.FromK, len, walking: true, search.RollK);
        return heel.Onset > 0 && heel.Onset <= search.RollK ? (search, heel) : null;
    }

    /// <summary>
    /// Walking: the heel lands softly and the clip's jolt comes 10–20 ms after the contact (gaitmap walk: our impact onset
    /// was a median 19.4 ms after the motion-capture contact). At heel contact the foot's pitch reverses — the late-swing
    /// dorsiflexion ends (the mark gyroscope-based walking event detectors use, e.g. Rampp et al. 2015 in gaitmap). So
    /// the contact is the last reversal of the pitch rate within <see cref="GaitEventSettings.WalkingContactSearchS"/>
    /// before the impact onset, if it is a clear one (the rate on each side 10 ms away, ≥ 0.5 rad/s apart); else the
    /// impact. Running lands hard enough for the impact to mark the contact.
    /// </summary>
    private double WalkingContactS(long a, int icK, int swingPeakK, int len)
    {
        var limit = _ring.TimeS(a + icK) - _s.WalkingContactSearchS;
        var w10 = Math.Max(1, (int)Math.Round(0.01 * _ring.RateHzAt(a + icK)));
        for (var k = icK - 1; k > swingPeakK && _ring.TimeS(a + k) >= limit; k--)
        {
            var r1 = _toesUpRate[k];
            var r0 = _toesUpRate[k - 1];
            if (!(r0 * r1 <= 0) || r0 == r1) continue;
            var before = _toesUpRate[Math.Max(0, k - 1 - w10)];
            var after = _toesUpRate[Math.Min(len, k + w10)];
            if (!(before * r0 > 0 && after * r1 > 0 && MathF.Abs(after - before) >= 0.5f)) return double.PositiveInfinity;
            return ZeroCrossingS(a, k);
        }

        return double.PositiveInfinity;
    }

    /// <summary>
    /// Running: the sub-sample contact (<see cref="ImpactOnsetTimeS"/>) kept within the interval before sample
    /// <paramref name="icK"/>, the first that departs from the swing — the interval the samples place the contact in.
    /// </summary>
    /// <remarks>
    /// The sub-sample estimate reads the contact's place from the share of the impact's early rise in the first samples,
    /// which depends on the impact's shape; where a ring turns within one sample period (100 Hz at 200 Hz) it can fall a
    /// period outside. The interval itself needs no shape. Over an independent family of impacts (rings of 25–100 Hz
    /// starting abruptly or building up as t or t², a 20-ms load pulse, a plain deceleration; 200–1000 Hz, 20 contact
    /// phases each) the bound and the swing-level onset together changed the mean difference of contact errors between
    /// two strides by −0.89…+0.09 ms (a 100-Hz ring building up over 5 ms at 400 Hz: 1.14 → 0.25 ms; at 200 Hz 0.1–0.2 ms
    /// less for most shapes); the rise, +0.09 ms, was that ring at 1000 Hz (0.08 → 0.17 ms).
    /// </remarks>
    private double RunningContactS(long a, int icK, int len) =>
        Math.Clamp(ImpactOnsetTimeS(a, icK, 1, len), _ring.TimeS(a + icK - 1), _ring.TimeS(a + icK));

    /// <summary>
    /// Sub-sample contact time. The impact's departure from the swing, summed over the intervals from two before the
    /// onset to <see cref="GaitEventSettings.ImpactOnsetSpanS"/> after it, grows continuously as the contact moves
    /// within a sample interval (the clip's anti-alias filter spreads it over the samples); the moment that sum reaches
    /// <see cref="GaitEventSettings.ImpactOnsetFraction"/> of its total, interpolated linearly inside its interval, is the
    /// contact. A threshold on one interval instead jumps a whole sample as the contact's phase crosses it: contact
    /// times then carry ±2.5 ms of quantisation at 200 Hz, 0.4–0.9 steps/min on a stride's cadence.
    /// </summary>
    private double ImpactOnsetTimeS(long a, int onset, int lo, int len)
    {
        var from = Math.Max(Math.Max(1, lo), onset - 2);
        var to = Math.Min(len, onset + Math.Max(2, (int)Math.Round(_s.ImpactOnsetSpanS * _ring.RateHzAt(a + onset))));
        var total = 0.0;
        for (var k = from + 1; k <= to; k++) total += Departure(a, k);
        var target = _s.ImpactOnsetFraction * total;
        var sum = 0.0;
        for (var k = from + 1; k <= to; k++)
        {
            var d = (double)Departure(a, k);
            if (sum + d >= target && d > 0)
            {
                var t0 = _ring.TimeS(a + k - 1);
                return t0 + ((_ring.TimeS(a + k) - t0) * (target - sum) / d);
            }

            sum += d;
        }

        return _ring.TimeS(a + onset - 1);
    }

    /// <summary>
    /// Toe-off: the moment the push-off force vanishes. While the toe is loaded the foot pivots about the metatarsal
    /// heads; when the load ends, the specific force the clip feels changes slope abruptly. So, seeded by the peak
    /// plantarflexion rate (Falbriard 2018's toe-off marker), the toe-off is the largest change of the acceleration's
    /// slope (second difference of the specific-force vector over <see cref="GaitEventSettings.ToeOffSlopeScaleS"/>) within ±<see cref="GaitEventSettings.ToeOffSearchFraction"/> of the mid-stance-to-peak time
    /// of it and before mid-swing. Against motion capture (gaitmap walk) this brings the median toe-off error from
    /// 5.8 ms (the pitch-rate marker alone) to 4.9 ms and the contact-time error from 28 to 21 ms.
    /// </summary>
    private double ToeOffByLoadRelease(long a, int toK, int swingPeakK, bool walking)
    {
        var rate = _ring.RateHzAt(a + toK);
        var h = Math.Max(1, (int)Math.Round(_s.ToeOffSlopeScaleS * rate));
        var w = Math.Max(2, (int)Math.Round(Math.Min(_s.ToeOffSearchFraction * toK, _s.ToeOffSearchMaxS * rate)));
        // Running: a slope break is told from a curved swing by standing out from the second differences 2h either
        // side (SlopeBreak), which reach 3h from the candidate.
        var reach = walking ? h : 3 * h;
        var from = Math.Max(reach, toK - w);
        var to = Math.Min(swingPeakK - 1 - reach, toK + w);
        if (to < from) return _ring.TimeS(a + Math.Clamp(toK, 0, swingPeakK));
        var best = from;
        var bestChange = -1f;
        float Change(int c) => walking ? SlopeChange(a, c, h) : SlopeBreak(a, c, h);
        for (var c = from; c <= to; c++)
        {
            var change = Change(c);
            if (change > bestChange) { bestChange = change; best = c; }
        }

        // A parabola through the neighbouring changes places the kink between samples (without it toe-off is
        // quantised to a whole sample: ±2.5 ms at 200 Hz).
        var t = _ring.TimeS(a + best);
        if (best - 1 < from || best + 1 > to) return t;
        var cm = Change(best - 1);
        var cp = Change(best + 1);
        var denom = cm - (2 * bestChange) + cp;
        if (!(denom < 0)) return t;
        var delta = Math.Clamp(0.5 * (cm - cp) / denom, -0.5, 0.5);
        var dt = delta >= 0 ? _ring.TimeS(a + best + 1) - t : t - _ring.TimeS(a + best - 1);
        return t + (delta * dt);
    }

    /// <summary>
    /// Walking: the impact at <paramref name="icK"/> is the forefoot's at foot flat, not the heel's — it comes after the
    /// landing roll's fastest toes-down rotation (<paramref name="rollK"/>), and the foot had pitched toes-down since the
    /// roll began (<paramref name="reversalK"/>) by at least <see cref="GaitEventSettings.WalkingFootFlatSweepDeg"/>, a
    /// rearfoot landing's angle. A foot that lands flat with its toes already turning down in late swing pitches a few
    /// degrees before its one impact (the xio loop: 2° between the reversal and the jolt), and that impact is the contact.
    /// </summary>
    private bool IsFootFlat(long a, int icK, int reversalK, int rollK, int midSwingK) =>
        rollK > 0 && icK > rollK && reversalK > midSwingK && ToesDownSweepDeg(a, reversalK, icK) >= _s.WalkingFootFlatSweepDeg;

    /// <summary>Where the pitch rate crosses zero toes-down, between sample <paramref name="reversalK"/> − 1 and it, s.</summary>
    private double ReversalTimeS(long a, int reversalK) =>
        _toesUpRate[reversalK - 1] >= 0 && _toesUpRate[reversalK] < 0 ? ZeroCrossingS(a, reversalK) : _ring.TimeS(a + reversalK);

    /// <summary>Where the pitch rate, of other signs at samples <paramref name="k"/> − 1 and <paramref name="k"/>, crosses
    /// zero, interpolated linearly, s.</summary>
    private double ZeroCrossingS(long a, int k)
    {
        var r0 = _toesUpRate[k - 1];
        var t0 = _ring.TimeS(a + k - 1);
        return t0 + ((_ring.TimeS(a + k) - t0) * r0 / (r0 - _toesUpRate[k]));
    }

    /// <summary>How far the foot pitched toes-down from sample <paramref name="fromK"/> to <paramref name="toK"/>, °.</summary>
    private double ToesDownSweepDeg(long a, int fromK, int toK)
    {
        var sweep = 0.0;
        for (var k = fromK + 1; k <= toK; k++)
            sweep -= 0.5 * (_toesUpRate[k] + _toesUpRate[k - 1]) * (_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
        return sweep * 180 / Math.PI;
    }

    /// <summary>Magnitude of the second difference of the specific force over ±h samples around sample c.</summary>
    private float SlopeChange(long a, int c, int h) => SecondDifference(a, c, h).Length();

    /// <summary>
    /// How far the second difference at sample c stands out from those 2h either side (their mean): a break in the
    /// acceleration's slope shows in the second differences within h of it only, where a smoothly curving swing raises
    /// them all alike (a curvature that changes steadily cancels exactly).
    /// </summary>
    /// <remarks>
    /// A planar swing (pitch only, issue 11) curves hard right after the toe leaves: at 200 Hz its second differences
    /// 5–15 ms after toe-off matched or beat the load release's own (2–3 against 3 m/s² per 5 ms), and the largest
    /// second difference put toe-off 8–12 ms late on half the strides (MAE 7.6 ms). Measured against its surroundings,
    /// the break is found whatever the swing's shape. Running only: a walking foot unloads over tens of ms, a break too
    /// broad for this contrast (on the gaitmap walk it moved the median toe-off error from 4.5 to 5.1 ms).
    /// </remarks>
    private float SlopeBreak(long a, int c, int h) =>
        (SecondDifference(a, c, h) - (0.5f * (SecondDifference(a, c - (2 * h), h) + SecondDifference(a, c + (2 * h), h)))).Length();

    private Vector3 SecondDifference(long a, int c, int h) => SecondDifference(_ring.Read(), a + c, h);

    /// <summary>Second difference of the specific force over ±h samples around sample n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector3 SecondDifference(SampleRing.View ring, long n, int h) =>
        (ring.AccMps2(n + h) - ring.AccMps2(n)) - (ring.AccMps2(n) - ring.AccMps2(n - h));

    /// <summary>Departure of the jerk over interval k from the jerk over interval k − 1 (the swing's smooth trend).</summary>
    private float Departure(long a, int k)
    {
        if (k < 2) return Jerk(a, k);
        var dt = (float)(_ring.TimeS(a + k) - _ring.TimeS(a + k - 1));
        return SlopeChange(a, k - 1, 1) / dt;
    }

    /// <summary>Samples in <see cref="GaitEventSettings.ImpactTrendScaleS"/> at the rate around sample n (at least 1).</summary>
    private int TrendStep(long n) => Math.Max(1, (int)Math.Round(_s.ImpactTrendScaleS * _ring.RateHzAt(n)));

    /// <summary>True when samples were lost between sample <paramref name="from"/> and sample <paramref name="to"/>.</summary>
    private bool GapWithin(long a, int from, int to) => _ring.AnyGap(a + from + 1, a + to);

    private float Jerk(long a, int k) => Jerk(_ring.Read(), a + k);

    /// <summary>Magnitude of the change of specific force over the interval n − 1 → n per second.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Jerk(SampleRing.View ring, long n)
    {
        var dt = (float)(ring.TimeS(n) - ring.TimeS(n - 1));
        return (ring.AccMps2(n) - ring.AccMps2(n - 1)).Length() / dt;
    }
}
