using CsCheck;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Ingest;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Dsp.Tests.Fuzz;

/// <summary>
/// Fuzz target of the packet decoder and of everything behind it: notifications are untrusted radio input, so
/// <see cref="ImuPacket"/>, <see cref="RscMeasurement"/>, <see cref="ImuStreamDecoder"/> and a whole
/// <see cref="GaitSession"/> must take any bytes — real packets of the sample with fields, lengths and bytes garbled,
/// and plain random bytes — without throwing (a bad packet is counted as malformed, never an exception). This is what
/// lets replay check a recording before it stores anything: once the file reads, the pipeline cannot fail on it.
/// </summary>
public sealed class PacketDecoderFuzzTests
{
    private const int Seconds = 4;

    private static readonly List<(int Sensor, FrameKind Kind, long HostUs, byte[] Payload)> Real = ReadSample(240);

    private static List<(int, FrameKind, long, byte[])> ReadSample(int count)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "GaitGateway.sln"))) d = d.Parent;
        using var reader = RecordingReader.Open(Path.Combine(d!.FullName, "samples", "c25k-sample.ggwrec"));
        var list = new List<(int, FrameKind, long, byte[])>();
        while (list.Count < count && reader.TryReadNext(out var f)) list.Add((f.SensorIndex, f.Kind, f.HostTimeUs, f.Payload.ToArray()));
        return list;
    }

    private static readonly RecordingSensor[] Sensors =
    [
        new() { Index = 0, Id = "l", Foot = "left" },
        new() { Index = 1, Id = "r", Foot = "right" },
        new() { Index = 2, Id = "pod", Kind = "rsc" },
    ];

    /// <summary>One garbled notification: a real one with a byte, a header field or its length changed, or random bytes.</summary>
    private static readonly Gen<(int Sensor, FrameKind Kind, byte[] Payload)> Garbled = Gen.OneOf(
        Gen.Select(Gen.Int[0, Real.Count - 1], Gen.Int[0, ImuPacket.MaxPacketBytes - 1], Gen.Byte).Select((i, at, value) =>
        {
            var p = (byte[])Real[i].Payload.Clone();
            p[at % p.Length] = value;
            return (Real[i].Sensor, Real[i].Kind, p);
        }),
        Gen.Select(Gen.Int[0, Real.Count - 1], Gen.Int[0, Notification.MaxBytes]).Select((i, len) =>
        {
            var p = new byte[len];
            Real[i].Payload.AsSpan(0, Math.Min(len, Real[i].Payload.Length)).CopyTo(p);
            return (Real[i].Sensor, Real[i].Kind, p);
        }),
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 3], Gen.Byte.Array[0, Notification.MaxBytes]).Select((s, k, p) => (s, (FrameKind)k, p)));

    [Fact]
    public void Any_bytes_decode_or_are_rejected_without_an_exception()
    {
        var decoder = new ImuStreamDecoder();
        var samples = new ImuSample[ImuPacket.MaxSamples];
        Garbled.Sample(n =>
        {
            _ = ImuPacket.TryDecodeHeader(n.Payload, out _);
            _ = RscMeasurement.TryDecode(n.Payload, out _);
            _ = decoder.Decode(n.Payload, 0, samples);
        }, time: 2, threads: 1);
    }

    [Fact]
    public void A_session_fed_garbled_notifications_never_throws()
    {
        // A real stream with every k-th notification garbled, host times non-decreasing (what the reader guarantees).
        var gen = Gen.Select(Gen.Int[1, 8], Garbled.Array[Real.Count / 8, Real.Count], Gen.Long[0, 1_000_000_000]);
        var runs = 0;
        gen.Sample((every, garbled, hostJump) =>
        {
            var session = new GaitSession(Sensors, new NullSink());
            var host = 0L;
            for (var i = 0; i < Real.Count; i++)
            {
                var (sensor, kind, hostUs, payload) = Real[i];
                if (i % every == 0 && i / every < garbled.Length) (sensor, kind, payload) = garbled[i / every];
                host = Math.Max(host, hostUs + (i == Real.Count / 2 ? hostJump : 0));
                session.OnNotification(Notification.Create(sensor, kind, host, payload));
            }

            session.Complete();
            runs++;
        }, time: Seconds, threads: 1);
        Assert.True(runs > 20, $"only {runs} sessions in {Seconds} s");
    }

    private sealed class NullSink : IGaitSink
    {
        public void OnStride(in StrideMetrics stride) { }
        public void OnBout(in BoutSummary bout) { }
    }
}
