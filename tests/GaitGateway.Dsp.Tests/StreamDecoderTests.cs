using System.Numerics;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Ingest;

namespace GaitGateway.Dsp.Tests;

public sealed class StreamDecoderTests
{
    private static byte[] Packet(ushort seq, uint timeUs, int count = 19, ushort rate = 400, ImuPacketFlags flags = ImuPacketFlags.None)
    {
        var samples = new RawImuCounts[count];
        for (var i = 0; i < count; i++) samples[i] = ImuScale.ToCounts(new Vector3(0, 0, 9.81f), Vector3.Zero, AccRange.G16, GyroRange.Dps2000);
        var buf = new byte[ImuPacket.MaxPacketBytes];
        var n = ImuPacket.Encode(new ImuPacketHeader(1, flags, seq, timeUs, rate, AccRange.G16, GyroRange.Dps2000, (byte)count), samples, buf);
        return buf[..n];
    }

    [Fact]
    public void Sequence_and_timestamp_wrap_are_continuous_not_gaps()
    {
        var d = new ImuStreamDecoder();
        var dest = new ImuSample[19];
        // Start 3 packets before both the uint16 sequence and the uint32 µs clock wrap.
        ushort seq = 65533;
        var t = uint.MaxValue - (3 * 47_500u) + 1;
        double lastTime = double.NaN;
        for (var p = 0; p < 8; p++)
        {
            var n = d.Decode(Packet(seq, t), 10_000 + (p * 47_500), dest);
            Assert.Equal(19, n);
            for (var i = 0; i < n; i++)
            {
                Assert.Equal(ImuSampleFlags.None, dest[i].Flags & ImuSampleFlags.GapBefore);
                if (!double.IsNaN(lastTime)) Assert.Equal(0.0025, dest[i].TimeS - lastTime, 9);
                lastTime = dest[i].TimeS;
            }

            seq++;
            t += 47_500; // 19 samples at 400 Hz; uint arithmetic wraps like the sensor's counter
        }

        Assert.Equal(0, d.Stats.LostPackets);
        Assert.Equal(8, d.Stats.Packets);
    }

    [Fact]
    public void Lost_packets_are_counted_and_the_next_sample_flagged()
    {
        var d = new ImuStreamDecoder();
        var dest = new ImuSample[19];
        d.Decode(Packet(65535, 0), 10_000, dest);
        var n = d.Decode(Packet(2, 3 * 47_500), 10_000 + (3 * 47_500), dest); // 0 and 1 lost across the wrap
        Assert.Equal(19, n);
        Assert.Equal(2, d.Stats.LostPackets);
        Assert.True((dest[0].Flags & ImuSampleFlags.GapBefore) != 0);
    }

    [Fact]
    public void Malformed_packets_are_counted_and_skipped()
    {
        var d = new ImuStreamDecoder();
        var dest = new ImuSample[19];
        var bad = Packet(1, 0);
        bad[0] = 9; // unknown version
        Assert.Equal(0, d.Decode(bad, 0, dest));
        Assert.Equal(0, d.Decode(Packet(1, 0).AsSpan(0, 30), 0, dest)); // wrong length
        Assert.Equal(2, d.Stats.Malformed);
        Assert.Equal(19, d.Decode(Packet(2, 47_500), 60_000, dest));
    }

    [Fact]
    public void Clock_recovers_offset_and_drift_under_jitter()
    {
        var clock = new SensorClock();
        var rng = new Random(7);
        const double offset = 12.345, driftPpm = 40;
        for (var i = 0; i < 40 * 60; i++)
        {
            var sensorS = i * 0.025;
            var latency = 0.005 + (rng.NextDouble() * 0.025); // 5–30 ms BLE latency
            clock.Observe(sensorS, (sensorS * (1 + (driftPpm * 1e-6))) + offset + latency);
        }

        // Lower-envelope estimate: offset within the minimum latency plus a ms, drift within a few ppm.
        var t = 60.0;
        var truth = (t * (1 + (driftPpm * 1e-6))) + offset;
        Assert.InRange(clock.ToHostS(t) - truth, 0.004, 0.0075);
        Assert.InRange(clock.DriftPpm, driftPpm - 10, driftPpm + 10);
    }
}
