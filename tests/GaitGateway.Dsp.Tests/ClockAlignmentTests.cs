using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Dsp.Tests;

/// <summary>
/// Issue 5 / firmware-notes/clock-sync.md: left and right contacts must align on the host time base within 2 ms,
/// whatever each clip's clock offset and crystal drift. The simulator's truth is on the true (host) time base, so
/// per foot "our IC − truth IC" carries the detector's own bias (the same for both feet) plus the clock mapping's
/// error; the difference of the two feet's errors is the left/right misalignment.
/// </summary>
public sealed class ClockAlignmentTests(ITestOutputHelper output)
{
    private const double WindowS = 30, SettleS = 60, LimitMs = 2;

    [Theory]
    [InlineData(-50.0, 50.0, 11, -1L)]
    [InlineData(40.0, -20.0, 12, -1L)]
    [InlineData(50.0, -50.0, 13, 4_094_967_295L)] // both µs counters wrap (2³²) about 200 s into the run
    public void Left_and_right_contacts_align_within_2_ms_despite_clock_offset_and_drift(double leftPpm, double rightPpm, int seed, long clockStartUs)
    {
        // Random sensor clock start per foot (different offsets, and the uint32 µs counter may wrap inside the run),
        // 5..30 ms BLE latency jitter, 0.5 % packet loss: the defaults, plus the drifts under test.
        var settings = new SimulationSettings
        {
            Seed = seed,
            ClockDriftLeftPpm = leftPpm,
            ClockDriftRightPpm = rightPpm,
            PlanDurationS = 600,
            SensorClockStartUs = clockStartUs < 0 ? null : (uint)clockStartUs,
        };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        if (clockStartUs < 0) Assert.NotEqual(run.Left.SensorClockStartUs, run.Right.SensorClockStartUs);
        var sink = new Strides();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();

        // Per foot: each detected stride matched to the nearest true IC of that foot (within 60 ms).
        var errors = new List<(Foot Foot, double TruthS, double ErrS)>();
        foreach (var foot in new[] { Foot.Left, Foot.Right })
        {
            var truth = run.Truth.Where(t => t.Foot == foot).Select(t => t.IcTimeS).Order().ToArray();
            foreach (var s in sink.All.Where(x => x.Foot == foot))
            {
                var i = Array.BinarySearch(truth, s.IcTimeS);
                if (i < 0) i = ~i;
                var best = double.NaN;
                foreach (var j in new[] { i - 1, i })
                {
                    if (j >= 0 && j < truth.Length && !(Math.Abs(s.IcTimeS - truth[j]) >= Math.Abs(s.IcTimeS - best)))
                        best = truth[j];
                }

                if (Math.Abs(s.IcTimeS - best) < 0.060) errors.Add((foot, best, s.IcTimeS - best));
            }
        }

        var start = run.PlanStartS + SettleS;
        var end = run.PlanStartS + 600;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drift L {leftPpm} ppm, R {rightPpm} ppm; clock start L {run.Left.SensorClockStartUs} µs, R {run.Right.SensorClockStartUs} µs; {errors.Count} matched of {sink.All.Count} strides"));
        output.WriteLine("window [s]   median IC error L [ms]  R [ms]  L−R [ms]");
        var worst = 0.0;
        var windows = 0;
        for (var w = start; w + WindowS <= end + 1e-9; w += WindowS)
        {
            var l = Median(errors.Where(e => e.Foot == Foot.Left && e.TruthS >= w && e.TruthS < w + WindowS).Select(e => e.ErrS));
            var r = Median(errors.Where(e => e.Foot == Foot.Right && e.TruthS >= w && e.TruthS < w + WindowS).Select(e => e.ErrS));
            var d = (l - r) * 1000;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{w,6:F0}–{w + WindowS,-6:F0} {l * 1000,10:F2} {r * 1000,14:F2} {d,9:F2}"));
            Assert.True(double.IsFinite(d), $"window {w:F0} s has no matched strides of one foot");
            worst = Math.Max(worst, Math.Abs(d));
            windows++;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst |L−R| {worst:F2} ms over {windows} windows"));
        Assert.True(windows >= 17);
        Assert.True(worst <= LimitMs, string.Create(CultureInfo.InvariantCulture, $"left/right contacts misaligned by up to {worst:F2} ms (limit {LimitMs} ms)"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var a = values.Order().ToArray();
        if (a.Length == 0) return double.NaN;
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
    }

    private sealed class Strides : IGaitSink
    {
        public List<StrideMetrics> All { get; } = [];
        public void OnStride(in StrideMetrics stride) => All.Add(stride);
        public void OnBout(in BoutSummary bout) { }
    }
}
