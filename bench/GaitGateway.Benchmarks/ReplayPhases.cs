using System.Diagnostics;
using System.Threading.Channels;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;

namespace GaitGateway.Benchmarks;

/// <summary>
/// `replay-phases FILE [REPEATS]`: where a replay's time goes, stage by stage, in one warm process (each stage run
/// REPEATS times; the best CPU time per sample is printed). Not a BenchmarkDotNet job: a diagnostic for attribution.
/// </summary>
internal static class ReplayPhases
{
    private sealed class NullSink : IGaitSink
    {
        public int Strides;
        public void OnStride(in StrideMetrics stride) => Strides++;
        public void OnBout(in BoutSummary bout) { }
    }

    /// <summary>`replay-hash FILE...`: a hash of every stride and bout, exactly (round-trip doubles), to show that a
    /// speed change left the outputs bit-identical.</summary>
    public static int Hash(string[] args)
    {
        foreach (var file in args.Skip(1))
        {
            var r = ReplayJob.Run(new ReplayOptions { Recording = file, StorePath = "" }, null, CancellationToken.None);
            var text = string.Join('\n', r.Strides.Select(s => s.ToString())) + string.Join('\n', r.Bouts.Select(b => b.ToString()));
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
            Console.WriteLine($"{hash}  {r.Strides.Count} strides {r.Bouts.Count} bouts  {file}");
        }

        return 0;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var file = args[1];
        var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
        long samples;
        Notification[] all;
        RecordingHeader header;
        using (var r = RecordingReader.Open(file))
        {
            header = r.Header;
            all = RecordingSource.Notifications(r).ToArray();
            samples = all.Where(n => n.Kind == FrameKind.ImuData).Sum(n => (long)(n.Length - ImuPacket.HeaderBytes) / ImuPacket.SampleBytes);
        }

        Console.WriteLine($"{file}: {all.Length} notifications, {samples} samples");

        async Task Phase(string name, Func<Task> body)
        {
            var best = double.MaxValue;
            for (var i = 0; i < repeats; i++)
            {
                var gc0 = GC.CollectionCount(0);
                var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                await body().ConfigureAwait(false);
                sw.Stop();
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                best = Math.Min(best, cpu);
                var gcs = GC.CollectionCount(0) - gc0;
                var alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
                Console.WriteLine($"  {name,-40} cpu {cpu * 1e9 / samples,7:F1} ns/sample  wall {sw.Elapsed.TotalSeconds * 1e9 / samples,7:F1} ns/sample  {gcs} gen-0 GCs, {alloc} B allocated");
            }

            Console.WriteLine($"{name,-42} best cpu {best * 1e9 / samples,7:F1} ns/sample ({samples / best / 1e6:F1} M samples/s)");
        }

        await Phase("read frames (incl. CRC)", () =>
        {
            using var r = RecordingReader.Open(file);
            var n = 0;
            while (r.TryReadNext(out _)) n++;
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await Phase("read → Notification", () =>
        {
            using var r = RecordingReader.Open(file);
            var n = 0;
            foreach (var x in RecordingSource.Notifications(r)) n += x.Length;
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await Phase("channel only (pre-read notifications)", async () =>
        {
            var ch = SessionRunner.CreateChannel();
            var consumer = Task.Run(async () =>
            {
                var n = 0;
                while (await ch.Reader.WaitToReadAsync().ConfigureAwait(false))
                    while (ch.Reader.TryRead(out var x)) n += x.Length;
                return n;
            });
            foreach (var x in all) await ch.Writer.WriteAsync(x).ConfigureAwait(false);
            ch.Writer.Complete();
            await consumer.ConfigureAwait(false);
        }).ConfigureAwait(false);
        await Phase("session only (pre-read notifications)", () =>
        {
            var s = new GaitSession(header.Sensors, new NullSink());
            foreach (ref readonly var x in all.AsSpan()) s.OnNotification(x);
            s.Complete();
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        await Phase("ReplayJob (gaitgw replay --no-store)", async () =>
        {
            await ReplayJob.RunAsync(new ReplayOptions { Recording = file, StorePath = "" }, null, CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return 0;
    }
}
