using BenchmarkDotNet.Attributes;
using GaitGateway.Coaching.Export;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Benchmarks;

/// <summary>FIT and TCX export of a 28-minute C25K week-6 session (c25k-w6r2 through the real pipeline).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ExportBenchmarks
{
    private FitActivity _activity = null!;

    private sealed class ListSink : IGaitSink
    {
        public List<StrideMetrics> Strides { get; } = [];
        public List<BoutSummary> Bouts { get; } = [];
        public void OnStride(in StrideMetrics stride) => Strides.Add(stride);
        public void OnBout(in BoutSummary bout) => Bouts.Add(bout);
    }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new SimulationSettings { Seed = 1 };
        var run = SimulatedRun.Create(SessionPlans.Get("c25k-w6r2", settings), settings);
        var sink = new ListSink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        _activity = new FitActivity(run.Header.StartUtc, sink.Strides, sink.Bouts,
            [new FitClip(0, Foot.Left, "sim-L", "simulate", "sim-1.0"), new FitClip(1, Foot.Right, "sim-R", "simulate", "sim-1.0")]);
        Console.WriteLine($"// {sink.Strides.Count} strides, {sink.Bouts.Count} bouts: FIT {FitExport.Write(_activity).Length} B, " +
            $"TCX {System.Text.Encoding.UTF8.GetByteCount(TcxExport.ToXml(_activity.StartedUtc, _activity.Strides, _activity.Bouts))} B");
    }

    [Benchmark(Description = "FIT export, 28-min C25K session")]
    public int Fit() => FitExport.Write(_activity).Length;

    [Benchmark(Description = "TCX export, 28-min C25K session")]
    public int Tcx() => TcxExport.ToXml(_activity.StartedUtc, _activity.Strides, _activity.Bouts).Length;
}
