using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Benchmarks;

/// <summary>
/// The whole replay path as `gaitgw replay --no-store --quiet` runs it — open the recording, read and check every
/// frame (CRC), the bounded notification channel, decode, both feet's pipelines, flight time, bouts, totals — over
/// 2 minutes of two clips at 1000 Hz, beside the session alone on the same notifications already in memory: the
/// difference is what reading and the channel add. Run the way gaitgw runs (TieredCompilation off, see
/// GaitGateway.csproj). One op = the whole recording; per-sample figures = op time / <see cref="Samples"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(AsGaitgw))]
public class ReplayBenchmarks
{
    private sealed class AsGaitgw : ManualConfig
    {
        public AsGaitgw() => AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")).WithId("gaitgw-jit"));
    }

    private sealed class NullSink : IGaitSink
    {
        public int Strides;
        public void OnStride(in StrideMetrics stride) => Strides++;
        public void OnBout(in BoutSummary bout) { }
    }

    private string _file = "";
    private Notification[] _notifications = [];
    private RecordingHeader _header = null!;

    public long Samples { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"gaitgw-bench-replay-{Environment.ProcessId}.ggwrec");
        var settings = new SimulationSettings { Seed = 42, SampleRateHz = 1000, RunSpeedMps = 3.2, PlanDurationS = 120 };
        SimulationRecorder.Write("run-steady", settings, _file);
        using var reader = RecordingReader.Open(_file);
        _header = reader.Header;
        _notifications = RecordingSource.Notifications(reader).ToArray();
        Samples = _notifications.Where(n => n.Kind == FrameKind.ImuData).Sum(n => (long)(n.Length - ImuPacket.HeaderBytes) / ImuPacket.SampleBytes);
        Console.WriteLine($"// {_file}: {_notifications.Length} notifications, {Samples} samples per op");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var f in new[] { _file, SimulationRecorder.TruthPath(_file), SimulationRecorder.BoutsPath(_file) })
            File.Delete(f);
    }

    [Benchmark(Description = "whole replay (file → channel → session → totals), 2 min two clips 1 kHz")]
    public long Replay() =>
        ReplayJob.Run(new ReplayOptions { Recording = _file, StorePath = "", KeepStrides = false }, null, CancellationToken.None).Totals.Strides;

    [Benchmark(Baseline = true, Description = "session alone, same notifications in memory")]
    public int Session()
    {
        var sink = new NullSink();
        var session = new GaitSession(_header.Sensors, sink);
        foreach (ref readonly var n in _notifications.AsSpan()) session.OnNotification(n);
        session.Complete();
        return sink.Strides;
    }
}
