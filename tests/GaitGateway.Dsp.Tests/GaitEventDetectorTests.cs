using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Events;
using GaitGateway.Dsp.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace GaitGateway.Dsp.Tests;

/// <summary>
/// Running events on hand-made signals (no simulator): landings and push-offs of several shapes, each sampled the way a
/// clip's filter does (every sample the mean of the signal over its period, plus noise), with the event at every phase
/// within a sample period.
/// </summary>
public sealed class GaitEventDetectorTests(ITestOutputHelper output)
{
    private const double MidSwingS = 0.35;
    private const double LengthS = 0.6;
    private const int SubSamples = 40;

    /// <summary>Impact acceleration u seconds after the contact, m/s²: rings of <paramref name="ringHz"/> starting
    /// abruptly or building up as u or u² (envelope time constant <paramref name="tauS"/>), a 20-ms load pulse under a ring,
    /// or a plain deceleration. Our simulator uses the u² ring only.</summary>
    private static double Impact(string shape, double u, double ringHz, double tauS)
    {
        if (u <= 0) return 0;
        var ring = Math.Sin(2 * Math.PI * ringHz * u);
        return shape switch
        {
            "abrupt" => 60 * Math.Exp(-u / tauS) * ring,
            "builds-as-u" => 60 * (u / tauS) * Math.Exp(1 - (u / tauS)) * ring,
            "builds-as-u2" => 15 * (u / tauS) * (u / tauS) * Math.Exp(2 - (u / tauS)) * ring,
            "load-pulse" => (u < 0.02 ? 40 * Math.Sin(Math.PI * u / 0.02) : 0) + (20 * Math.Exp(-u / tauS) * ring),
            "deceleration" => 50 * (1 - Math.Exp(-u / 0.003)) * Math.Exp(-u / 0.015),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    /// <summary>A late swing (gravity and a slow sway) that lands at <paramref name="contactS"/>.</summary>
    private static Vector3 LandingAcc(double t, double contactS, string shape, double ringHz, double tauS)
    {
        var swing = new Vector3((float)(3 * Math.Sin(2 * Math.PI * 1.7 * t)), 0, (float)(9.81 + (2 * Math.Cos(2 * Math.PI * 1.3 * t))));
        var impact = Impact(shape, t - contactS, ringHz, tauS);
        return swing + new Vector3((float)(0.3 * impact), 0, (float)impact);
    }

    /// <summary>
    /// Specific force at a running toe-off at <paramref name="toS"/>: the push-off load's slope until then, a slope ~360
    /// m/s³ different after, and a swing that curves from there on — "straight", "bends" (constant curvature) or
    /// "bends-more" (curvature growing), each as strong as the break's own second difference at 200 Hz.
    /// </summary>
    private static Vector3 PushOffAcc(double t, double toS, string swing)
    {
        var r = t - toS;
        if (r <= 0) return new Vector3((float)(10 * r), 0, (float)(9.81 + (60 * r)));
        var bend = swing switch
        {
            "straight" => 0,
            "bends" => 2e4 * r * r,
            "bends-more" => 1.5e6 * r * r * r,
            _ => throw new ArgumentOutOfRangeException(nameof(swing)),
        };
        return new Vector3((float)((10 * r) + bend), 0, (float)(9.81 - (300 * r) + (0.5 * bend)));
    }

    /// <summary>Runs the detector over one mid-stance-to-mid-stance segment of <paramref name="acc"/> sampled at
    /// <paramref name="rateHz"/>; the toes-up pitch rate is most negative 5 ms after <paramref name="pushOffPeakS"/>.</summary>
    private static SegmentEvents Detect(double rateHz, Func<double, Vector3> acc, double pushOffPeakS, int seed)
    {
        var ring = new SampleRing(1024);
        var noise = new Random(seed);
        var n = (int)(LengthS * rateHz);
        for (var k = 0; k <= n; k++)
        {
            var t = k / rateHz;
            var sum = Vector3.Zero;
            for (var j = 0; j < SubSamples; j++) sum += acc(t - ((j + 0.5) / SubSamples / rateHz));
            var a = (sum / SubSamples) + new Vector3((float)(0.05 * Gauss(noise)), (float)(0.05 * Gauss(noise)), (float)(0.05 * Gauss(noise)));
            var gyro = new Vector3(0, (float)(-8 * Math.Exp(-Math.Pow((t - pushOffPeakS - 0.005) / 0.03, 2))), 0);
            ring.Add(t, a, gyro, gyro.Length(), 0);
        }

        return new GaitEventDetector(new GaitEventSettings(), ring).Detect(0, n, (int)(MidSwingS * rateHz), new Vector3(0, -1, 0), walking: false);
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1000)]
    public void A_running_contact_moves_with_the_contact_for_every_impact_shape(double rateHz)
    {
        // Cadence is the time between two contacts, which fall at different phases of the sample clock: if the contact's
        // error changes by more than a sample period as the contact moves within one, the estimate jumps whole samples
        // with the phase — a shape-dependent rule deciding which sample of the impact counts.
        var period = 1 / rateHz;
        var shapes = new List<(string Shape, double RingHz, double TauS)> { ("deceleration", 0, 0) };
        foreach (var shape in new[] { "abrupt", "builds-as-u", "builds-as-u2", "load-pulse" })
            foreach (var (ringHz, tauS) in new[] { (25.0, 0.0025), (60.0, 0.0025), (100.0, 0.0025), (100.0, 0.005) })
            {
                // At 200 Hz a 100-Hz ring building up as u² over 5 ms stays below the swing's level for its first 2–3 ms
                // (and its ring sits at Nyquist): no sample shows the contact's first moments (README, widened table).
                if (rateHz == 200 && shape == "builds-as-u2" && ringHz == 100 && tauS == 0.005) continue;
                shapes.Add((shape, ringHz, tauS));
            }

        foreach (var (shape, ringHz, tauS) in shapes)
        {
            var errors = new List<double>();
            for (var p = 0; p < 12; p++)
            {
                var contactS = 0.45 + ((p + 0.37) / 12 * period);
                var ev = Detect(rateHz, t => LandingAcc(t, contactS, shape, ringHz, tauS), 0.15, p);
                errors.Add(ev.IcTimeS - contactS);
            }

            var spread = errors.Max() - errors.Min();
            output.WriteLine($"{rateHz} Hz, {shape} {ringHz} Hz τ {tauS * 1000} ms: contact error {errors.Min() * 1000:F2} … {errors.Max() * 1000:F2} ms");
            Assert.True(spread <= period, $"{shape} {ringHz} Hz τ {tauS * 1000} ms at {rateHz} Hz: contact error spreads {spread * 1000:F2} ms over the phase (a period is {period * 1000:F1} ms)");
        }
    }

    [Theory]
    [InlineData(200, "straight")]
    [InlineData(200, "bends")]
    [InlineData(200, "bends-more")]
    [InlineData(400, "bends")]
    [InlineData(400, "bends-more")]
    [InlineData(1000, "bends")]
    [InlineData(1000, "bends-more")]
    public void A_running_toe_off_is_the_slope_break_whatever_the_swing_does_after_it(double rateHz, string swing)
    {
        // Issue 11: a planar swing curves hard right after the toe leaves; the largest second difference of the specific
        // force then lay in the swing, 8–12 ms after toe-off on half the strides. Toe-off target: within 5 ms.
        var worst = 0.0;
        for (var p = 0; p < 12; p++)
        {
            var toS = 0.15 + ((p + 0.37) / 12 / rateHz);
            var ev = Detect(rateHz, t => PushOffAcc(t, toS, swing), toS, p);
            worst = Math.Max(worst, Math.Abs(ev.ToTimeS - toS));
        }

        output.WriteLine($"{rateHz} Hz, {swing}: worst toe-off error {worst * 1000:F2} ms");
        Assert.True(worst <= 0.005, $"toe-off {worst * 1000:F1} ms off");
    }

    /// <summary>Contact errors (s) of <paramref name="strides"/> consecutive running strides landing with one impact shape
    /// at random phases of the sample clock, varying from stride to stride (strength ±20 %, ring frequency ±5 %, envelope
    /// ±10 %), timed by one detector as a foot's pipeline does.</summary>
    /// <remarks>With <paramref name="gapEvery"/> &gt; 0, every such stride loses a packet of 8 samples ending 15 ms before
    /// its contact, outside the impact's window.</remarks>
    private static double[] StrideSeriesErrors(double rateHz, string shape, double ringHz, double tauS, int strides, ImpactTemplateSettings template, int gapEvery = 0)
    {
        var samplesPerStride = (int)(LengthS * rateHz);
        var ring = new SampleRing((strides + 1) * samplesPerStride);
        var detector = new GaitEventDetector(new GaitEventSettings { Template = template }, ring);
        var random = new Random(7);
        var noise = new Random(11);
        var contacts = new double[strides];
        var strengths = new double[strides];
        var rings = new double[strides];
        var taus = new double[strides];
        for (var i = 0; i < strides; i++)
        {
            contacts[i] = (i * LengthS) + 0.45 + (random.NextDouble() / rateHz);
            strengths[i] = 0.8 + (0.4 * random.NextDouble());
            rings[i] = ringHz * (1 + (0.1 * (random.NextDouble() - 0.5)));
            taus[i] = tauS * (1 + (0.2 * (random.NextDouble() - 0.5)));
        }

        // One sample stream: stride i's swing and landing fill [i·L, (i + 1)·L), each sample the mean over its period.
        Vector3 Acc(double t)
        {
            var i = Math.Clamp((int)Math.Floor(t / LengthS), 0, strides - 1);
            var local = t - (i * LengthS);
            var swing = new Vector3((float)(3 * Math.Sin(2 * Math.PI * 1.7 * local)), 0, (float)(9.81 + (2 * Math.Cos(2 * Math.PI * 1.3 * local))));
            var impact = strengths[i] * Impact(shape, t - contacts[i], rings[i], taus[i]);
            return swing + new Vector3((float)(0.3 * impact), 0, (float)impact);
        }

        var starts = new long[strides + 1];
        var gap = false;
        for (var k = 0; k < strides * samplesPerStride; k++)
        {
            var i = k / samplesPerStride;
            if (k % samplesPerStride == 0) starts[i] = ring.Next;
            var t = k / rateHz;
            var sum = Vector3.Zero;
            for (var j = 0; j < SubSamples; j++) sum += Acc(t - ((j + 0.5) / SubSamples / rateHz));
            var a = (sum / SubSamples) + new Vector3((float)(0.05 * Gauss(noise)), (float)(0.05 * Gauss(noise)), (float)(0.05 * Gauss(noise)));
            var beforeContactS = contacts[i] - t;
            if (gapEvery > 0 && i % gapEvery == 0 && beforeContactS > 0.015 && beforeContactS <= 0.015 + (8 / rateHz)) { gap = true; continue; }
            ring.Add(t, a, Vector3.Zero, 0, gap ? (byte)ImuSampleFlags.GapBefore : (byte)0);
            gap = false;
        }

        starts[strides] = ring.Next;
        var errors = new double[strides];
        for (var i = 0; i < strides; i++)
        {
            var ev = detector.Detect(starts[i], (int)(starts[i + 1] - starts[i] - 1), (int)(MidSwingS * rateHz), new Vector3(0, -1, 0), walking: false);
            errors[i] = ev.IcTimeS - contacts[i];
        }

        return errors;
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    public void The_runners_own_impact_times_her_contacts_between_samples(double rateHz)
    {
        // A stride's time is the difference of two contacts: what cadence feels is how much the contact error changes
        // from one stride to the next. Once the template has learned the runner's impact (her first strides), that change
        // must shrink at least 1.5-fold at 200 Hz for every impact with sub-sample information in it, never grow by more
        // than a tenth at 400 Hz (where the single-stride estimate is already within a fraction of the period), and the
        // absolute contact (the mean error) stays the single-stride estimate's.
        const int strides = 160;
        var learn = new ImpactTemplateSettings().LearnStrides;
        var period = 1 / rateHz;
        foreach (var (shape, ringHz, tauS) in new[]
                 {
                     ("abrupt", 25.0, 0.0025), ("abrupt", 60.0, 0.0025), ("abrupt", 100.0, 0.0025), ("builds-as-u", 25.0, 0.0025),
                     ("builds-as-u", 60.0, 0.0025), ("builds-as-u2", 60.0, 0.0025), ("load-pulse", 25.0, 0.0025), ("load-pulse", 60.0, 0.0025),
                     ("deceleration", 0.0, 0.0), ("builds-as-u", 100.0, 0.005),
                 })
        {
            var single = StrideSeriesErrors(rateHz, shape, ringHz, tauS, strides, new ImpactTemplateSettings { LearnStrides = 0 });
            var learned = StrideSeriesErrors(rateHz, shape, ringHz, tauS, strides, new ImpactTemplateSettings());
            // A packet lost now and then in late swing (every fifth stride) must not start the template over.
            var singleWithGaps = StrideSeriesErrors(rateHz, shape, ringHz, tauS, strides, new ImpactTemplateSettings { LearnStrides = 0 }, gapEvery: 5);
            var withGaps = StrideSeriesErrors(rateHz, shape, ringHz, tauS, strides, new ImpactTemplateSettings(), gapEvery: 5);
            double Jump(double[] e) => Enumerable.Range(learn + 1, strides - learn - 1).Average(i => Math.Abs(e[i] - e[i - 1]));
            double Mean(double[] e) => e.Skip(learn).Average();
            var (a, b, ag, c) = (Jump(single), Jump(learned), Jump(singleWithGaps), Jump(withGaps));
            output.WriteLine($"{rateHz} Hz {shape} {ringHz} Hz τ {tauS * 1000} ms: stride-to-stride change of the contact error {a * 1000:F2} → {b * 1000:F2} ms ({ag * 1000:F2} → {c * 1000:F2} ms with a packet lost every fifth stride), mean error {Mean(single) * 1000:F2} → {Mean(learned) * 1000:F2} ms");
            Assert.True(Math.Abs(Mean(learned) - Mean(single)) <= 0.25 * period, $"{shape} {ringHz} Hz at {rateHz} Hz: mean contact moved {(Mean(learned) - Mean(single)) * 1000:F2} ms");
            // Known limit (README, "Open"): a 100-Hz ring that builds up over 5 ms shows at 200 Hz neither its first
            // moments (below the swing's level) nor its phase (it turns within a sample); the template learned there can
            // settle on a self-consistent wrong phase (1.46 → 1.51 ms here; 1.13–2.02 ms with other searches and gates
            // tried during development). Reported above, not asserted.
            if (rateHz == 200 && shape == "builds-as-u" && ringHz == 100) continue;
            foreach (var (without, with, what) in new[] { (a, b, "learned"), (ag, c, "learned, packets lost") })
            {
                if (rateHz == 200) Assert.True(with * 1.5 <= without, $"{shape} {ringHz} Hz at {rateHz} Hz, {what}: {without * 1000:F2} → {with * 1000:F2} ms");
                else Assert.True(with <= 1.1 * without, $"{shape} {ringHz} Hz at {rateHz} Hz, {what}: {without * 1000:F2} → {with * 1000:F2} ms");
            }
        }
    }

    [Fact]
    public void Impact_template_settings_out_of_range_are_refused_when_it_is_on()
    {
        var ring = new SampleRing(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpactPhaseTemplate(new ImpactTemplateSettings(BinsPerSample: 0), ring));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpactPhaseTemplate(new ImpactTemplateSettings(AfterS: 0), ring));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImpactPhaseTemplate(new ImpactTemplateSettings(MaxMisfit: double.NaN), ring));
        _ = new ImpactPhaseTemplate(new ImpactTemplateSettings(LearnStrides: 0, BinsPerSample: 0), ring); // off: nothing to check
    }
}
