using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using GaitGateway.Benchmarks;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp;

// `latency`: how long the Update call that completes a stride takes (the stride's metrics are out when it returns),
// with the allocation of the steady state counted across the same run. Everything else: BenchmarkDotNet.
if (args.Length > 0 && args[0] == "forward") return await ForwardBench.RunAsync(args);
if (args.Length > 1 && args[0] == "replay-hash") return ReplayPhases.Hash(args);
if (args.Length > 1 && args[0] == "replay-phases") return await ReplayPhases.RunAsync(args);
if (args.Length > 0 && args[0] == "drain") return await ForwardBench.DrainAsync(args);
// `random-sessions FIRST COUNT`: accuracy over randomly drawn sessions and shapes (RandomSessions; README, "Random sessions").
if (args.Length > 2 && args[0] == "random-sessions") return RandomSessions.Run(args);
// `spin RATE N`: the per-foot pipeline over the benchmark's 2-min run, N times, each from a fresh pipeline warmed as
// the benchmark warms it; prints the fastest pass. For A/B runs of two builds in alternation (this shared host's speed
// changes by up to 1.7× within minutes, so only passes run side by side compare): README, "Speed and memory".
if (args.Length > 2 && args[0] == "spin")
{
    var rate = int.Parse(args[1]);
    var (_, samples, _) = Data.Load(rate, 120);
    var sw0 = Stopwatch.StartNew();
    var best = double.MaxValue;
    for (var rep = 0; rep < int.Parse(args[2]); rep++)
    {
        var p = new FootPipeline(Foot.Left);
        for (var i = 0; i < rate * 5; i++) p.Update(samples[i], out _);
        var sw = Stopwatch.StartNew();
        for (var i = rate * 5; i < samples.Length; i++) p.Update(samples[i], out _);
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"best {best:F2} ms, {(samples.Length - rate * 5) / best / 1000:F2} M samples/s; total {sw0.Elapsed.TotalSeconds:F1} s");
    return 0;
}
if (args.Length > 0 && args[0] == "latency")
{
    foreach (var rate in new[] { 200, 400, 1000, 1600 })
    {
        var (_, samples, _) = Data.Load(rate, 300);
        var p = new FootPipeline(Foot.Left);
        var warm = Math.Min(samples.Length, rate * 10);
        for (var i = 0; i < warm; i++) p.Update(samples[i], out _);
        var times = new List<double>(4096);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = new Stopwatch();
        for (var i = warm; i < samples.Length; i++)
        {
            sw.Restart();
            var done = p.Update(samples[i], out _);
            sw.Stop();
            if (done) times.Add(sw.Elapsed.TotalMilliseconds);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        times.Sort();
        Console.WriteLine($"{rate,5} Hz: {times.Count} strides; stride-closing update p50 {times[times.Count / 2]:F3} ms, p99 {times[(int)(times.Count * 0.99)]:F3} ms, max {times[^1]:F3} ms; steady-state allocation {allocated} B over {samples.Length - warm} samples");
    }

    return 0;
}

// Each benchmark job builds its own copy of the projects (the replay benchmark pulls in the whole gaitgw host): on
// this shared 2-core machine that takes longer than BenchmarkDotNet's default 2-minute build timeout.
BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
return 0;
