using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Coaching.Tests;

/// <summary>Strides and bouts of one simulated session, through the real pipeline.</summary>
public sealed record SimSession(SimulatedRun Run, IReadOnlyList<StrideMetrics> Strides, IReadOnlyList<BoutSummary> Bouts);

public static class TestData
{
    private static readonly Dictionary<string, SimSession> Cache = [];

    /// <summary>Simulator → GaitSession (the live path), cached per plan and settings.</summary>
    public static SimSession Simulate(string plan, SimulationSettings? settings = null)
    {
        settings ??= new SimulationSettings();
        var key = plan + "|" + settings.GetHashCode();
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached)) return cached;
            var run = SimulatedRun.Create(SessionPlans.Get(plan, settings), settings);
            var sink = new ListSink();
            var session = new GaitSession(run.Header.Sensors, sink);
            foreach (var n in run.Notifications()) session.OnNotification(n);
            session.Complete();
            return Cache[key] = new SimSession(run, sink.Strides, sink.Bouts);
        }
    }

    /// <summary>
    /// Synthetic running strides, alternating feet: right contacts land halfway through each left stride unless
    /// <paramref name="rightStepShare"/> moves them. Values are those of steady easy running in the simulator.
    /// </summary>
    public static IEnumerable<StrideMetrics> Running(
        double startS, double durationS, double speedMps = 2.8, double cadenceSpm = 158,
        double contactLeftS = 0.23, double contactRightS = 0.23, double overstrideIndex = 0.96, bool overstride = false,
        double calfLoad = 0.95, double rightStepShare = 0.5, Gait gait = Gait.Run)
    {
        var strideS = 120.0 / cadenceSpm;
        for (var t = startS; t + strideS <= startS + durationS + 1e-9; t += strideS)
        {
            yield return Stride(Foot.Left, t, strideS, speedMps, cadenceSpm, contactLeftS, overstrideIndex, overstride, calfLoad, gait);
            // The right IC splits the left stride: the step landing on the right foot lasts rightStepShare of it.
            yield return Stride(Foot.Right, t + (strideS * rightStepShare), strideS, speedMps, cadenceSpm, contactRightS, overstrideIndex, overstride, calfLoad, gait);
        }
    }

    private static StrideMetrics Stride(Foot foot, double ic, double strideS, double speed, double cadence, double contact,
        double index, bool flag, double calf, Gait gait) => new()
        {
            Foot = foot,
            IcTimeS = ic,
            ToTimeS = ic + contact,
            NextIcTimeS = ic + strideS,
            StrideTimeS = strideS,
            StrideLengthM = speed * strideS,
            SpeedMps = speed,
            ContactTimeS = contact,
            SwingTimeS = strideS - contact,
            DutyFactor = contact / strideS,
            StrikeAngleDeg = flag ? 25 : 13,
            StrikePattern = StrikePattern.Rearfoot,
            CadenceSpm = cadence,
            OverstrideIndex = index,
            Overstride = flag,
            // As the Dsp's OverstrideAssessor would judge such strides against her usual running.
            OverstrideCues = new OverstrideCues
            {
                Reference = OverstrideReference.Personal, Index = flag ? 3.6 : 0.3, WindowIndex = flag ? 3.6 : 0.3,
                StrikeScore = flag ? 2 : 0.1, CadenceScore = flag ? 1.6 : 0.1, BrakingScore = 0, ContactScore = 0,
                StrikeChangeDeg = flag ? 10 : 0.4, CadenceChangePct = flag ? -8 : 0, StrideChangePct = flag ? 19 : 0,
                BrakingShareChange = 0, ReferenceSpeedMps = 2.8, ExpectedCadenceSpm = cadence * (flag ? 1.08 : 1), StretchStartS = flag ? 0 : double.NaN,
            },
            CalfLoad = calf,
            Gait = gait,
        };

    private sealed class ListSink : IGaitSink
    {
        public List<StrideMetrics> Strides { get; } = [];
        public List<BoutSummary> Bouts { get; } = [];
        public void OnStride(in StrideMetrics stride) => Strides.Add(stride);
        public void OnBout(in BoutSummary bout) => Bouts.Add(bout);
    }
}
