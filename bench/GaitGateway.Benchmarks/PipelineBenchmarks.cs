using BenchmarkDotNet.Attributes;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp;
using GaitGateway.Dsp.Ingest;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Benchmarks;

/// <summary>
/// Throughput of the whole per-foot pipeline (bias, segmentation, integration, events, parameters) over 2 minutes of
/// simulated running, and of packet decoding. One operation = the whole recording; divide by
/// <see cref="SamplesPerOp"/> for per-sample figures. A fresh pipeline per iteration so every op sees the same data;
/// its construction (the preallocated history) is outside the timed region.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private ImuSample[] _samples = [];
    private Notification[] _leftPackets = [];
    private FootPipeline _pipeline = null!;
    private ImuStreamDecoder _decoder = null!;
    private readonly ImuSample[] _buf = new ImuSample[ImuPacket.MaxSamples];

    [Params(400, 1000)]
    public int RateHz { get; set; }

    public int SamplesPerOp => _samples.Length;

    [GlobalSetup]
    public void Setup()
    {
        var (n, left, _) = Data.Load(RateHz, 120);
        _samples = left;
        _leftPackets = n.Where(x => x.SensorIndex == 0).ToArray();
        Console.WriteLine($"// {RateHz} Hz: {_samples.Length} samples, {_leftPackets.Length} packets per op");
        // Steady state under the default job too: with tiered compilation (gaitgw itself runs without it) the pipeline's
        // methods were promoted only after ~1.3 s of running here (40 warm-up ops of 400 Hz stayed at 31 ms, then the ops
        // fell to ~3 ms, the figure DOTNET_TieredCompilation=0 gives), so whole passes run for 3 s before
        // BenchmarkDotNet's own warm-up.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 3)
        {
            var p = new FootPipeline(Foot.Left);
            foreach (var x in _samples) p.Update(x, out _);
        }
    }

    [IterationSetup]
    public void Fresh()
    {
        _pipeline = new FootPipeline(Foot.Left);
        _decoder = new ImuStreamDecoder();
        // Warm the pipeline's adaptive state with the first strides so the op measures steady state.
        for (var i = 0; i < Math.Min(_samples.Length, RateHz * 5); i++) _pipeline.Update(_samples[i], out _);
    }

    [Benchmark(Description = "per-foot pipeline, whole recording")]
    public int FootPipeline()
    {
        var strides = 0;
        var p = _pipeline;
        var s = _samples;
        for (var i = RateHz * 5; i < s.Length; i++)
            if (p.Update(s[i], out _)) strides++;
        return strides;
    }

    [Benchmark(Description = "packet decode, whole recording")]
    public int Decode()
    {
        var total = 0;
        foreach (ref readonly var n in _leftPackets.AsSpan()) total += _decoder.Decode(n.Payload, n.HostTimeUs, _buf);
        return total;
    }
}

/// <summary>Both feet through the session (decode → pipelines → flight time → bouts), notification by notification.</summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private Notification[] _notifications = [];
    private Sensors.Simulation.SimulatedRun _run = null!;
    private GaitSession _session = null!;

    private sealed class NullSink : IGaitSink
    {
        public int Strides;
        public void OnStride(in StrideMetrics stride) => Strides++;
        public void OnBout(in BoutSummary bout) { }
    }

    [GlobalSetup]
    public void Setup() => (_notifications, _, _run) = Data.Load(400, 120);

    [IterationSetup]
    public void Fresh() => _session = new GaitSession(_run.Header.Sensors, new NullSink());

    [Benchmark(Description = "two-foot session, 2 min at 400 Hz")]
    public void Session()
    {
        foreach (ref readonly var n in _notifications.AsSpan()) _session.OnNotification(n);
    }
}
