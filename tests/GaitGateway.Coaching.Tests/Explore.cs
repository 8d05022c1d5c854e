using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Coaching.Tests;
public class Explore(ITestOutputHelper o)
{
    private sealed class Sink : IGaitSink
    {
        public List<StrideMetrics> S { get; } = [];
        public List<BoutSummary> B { get; } = [];
        public void OnStride(in StrideMetrics s) => S.Add(s);
        public void OnBout(in BoutSummary b) => B.Add(b);
    }

    [Theory]
    [InlineData("sample-walk-run")]
    [InlineData("overstride-test")]
    public void Dump(string plan)
    {
        var settings = new SimulationSettings();
        var run = SimulatedRun.Create(SessionPlans.Get(plan, settings), settings);
        var sink = new Sink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        foreach (var g in sink.S.GroupBy(s => (int)(s.IcTimeS / 5)))
        {
            var l = g.Where(s => s.Foot == 0).ToList(); var r = g.Where(s => (int)s.Foot == 1).ToList();
            o.WriteLine($"{g.Key * 5,4} n={g.Count()} gait={g.First().Gait} v={g.Average(s => s.SpeedMps):F2} cad={g.Average(s => s.CadenceSpm):F0} len={g.Average(s => s.StrideLengthM):F2} ct={g.Average(s => s.ContactTimeS):F3} ang={g.Average(s => s.StrikeAngleDeg):F1} osi={g.Average(s => s.OverstrideIndex):F2} os={g.Count(s => s.Overstride)} calf={g.Average(s => s.CalfLoad):F2} ctL={(l.Count > 0 ? l.Average(s => s.ContactTimeS) : 0):F3} ctR={(r.Count > 0 ? r.Average(s => s.ContactTimeS) : 0):F3}");
        }
        foreach (var b in sink.B) o.WriteLine($"bout {b.Gait} {b.StartTimeS:F1}-{b.EndTimeS:F1} n={b.Strides} os={b.OverstrideFraction:F2} calf={b.CalfLoad:F1}");
    }
}
