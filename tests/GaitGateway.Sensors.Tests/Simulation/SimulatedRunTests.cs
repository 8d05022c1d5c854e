using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Sensors.Tests.Simulation;

public sealed class SimulatedRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gaitgw-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_does_not()
    {
        var settings = new SimulationSettings { Seed = 42 };
        var a = SimulationRecorder.Write("sample-walk-run", settings, Path.Combine(_dir, "a.ggwrec"));
        var b = SimulationRecorder.Write("sample-walk-run", settings, Path.Combine(_dir, "b.ggwrec"));
        var c = SimulationRecorder.Write("sample-walk-run", settings with { Seed = 43 }, Path.Combine(_dir, "c.ggwrec"));
        Assert.Equal(File.ReadAllBytes(a.RecordingPath), File.ReadAllBytes(b.RecordingPath));
        Assert.Equal(File.ReadAllBytes(a.TruthPath), File.ReadAllBytes(b.TruthPath));
        Assert.Equal(File.ReadAllBytes(a.BoutsPath), File.ReadAllBytes(b.BoutsPath));
        Assert.NotEqual(File.ReadAllBytes(a.RecordingPath), File.ReadAllBytes(c.RecordingPath));
        Assert.EndsWith("a.truth.csv", a.TruthPath, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => SimulationRecorder.Write("sample-walk-run", settings, a.RecordingPath));
        output.WriteLine($"{a.Frames} frames, {a.Strides} strides, {a.DurationS:F1} s, {new FileInfo(a.RecordingPath).Length} bytes");
    }

    [Fact]
    public void Recording_holds_the_notifications_and_the_header()
    {
        var settings = new SimulationSettings { Seed = 5 };
        var result = SimulationRecorder.Write("sample-walk-run", settings, Path.Combine(_dir, "s.ggwrec"));
        var run = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", settings), settings);
        Assert.Equal(run.Notifications().LongCount(), result.Frames);
        var h = run.Header;
        Assert.Equal("simulate", h.Source);
        Assert.Equal("sample-walk-run", h.SessionName);
        Assert.Equal(2, h.Sensors.Count);
        Assert.Equal(("sim-left", "left", 0), (h.Sensors[0].Id, h.Sensors[0].Foot, h.Sensors[0].Index));
        Assert.Equal(("sim-right", "right", 1), (h.Sensors[1].Id, h.Sensors[1].Foot, h.Sensors[1].Index));
        Assert.All(h.Sensors, s => Assert.Equal((400, 16, 2000, "sim-1.0"), (s.SampleRateHz, s.AccRangeG, s.GyroRangeDps, s.Firmware)));
        Assert.Equal(h.StartUtc, SimulatedRun.Create(run.Plan, settings).Header.StartUtc);

        var lines = File.ReadAllLines(result.TruthPath);
        Assert.Equal(StrideCsv.Header, lines[0]);
        Assert.Equal(run.Truth.Count + 1, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",", l, StringComparison.Ordinal)); // calf_load empty
        var bouts = File.ReadAllLines(result.BoutsPath);
        Assert.Equal("gait,start_time_s,end_time_s,speed_mps,strike_pattern,overstride", bouts[0]);
        Assert.Equal(["walk", "run", "run", "run", "walk"], bouts.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal("1", bouts[4].Split(',')[5]);
    }

    [Fact]
    public void Notifications_are_valid_packets_in_host_time_order()
    {
        var settings = new SimulationSettings { Seed = 9, SampleRateHz = 800 };
        var run = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", settings), settings);
        var lastHost = long.MinValue;
        var starts = new int[2];
        var samples = new long[2];
        var lastPerSensor = new[] { long.MinValue, long.MinValue };
        foreach (var n in run.Notifications())
        {
            Assert.Equal(FrameKind.ImuData, n.Kind);
            Assert.True(n.HostTimeUs >= lastHost);
            Assert.True(n.HostTimeUs > lastPerSensor[n.SensorIndex]);
            lastHost = n.HostTimeUs;
            lastPerSensor[n.SensorIndex] = n.HostTimeUs;
            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(n.Payload, out var h));
            Assert.Equal(800, h.SampleRateHz);
            Assert.InRange(h.SampleCount, 1, 19);
            if ((h.Flags & ImuPacketFlags.StreamStart) != 0) starts[n.SensorIndex]++;
            samples[n.SensorIndex] += h.SampleCount;
        }

        Assert.Equal([1, 1], starts);
        // ~800 Hz for the whole session, less the 0.5 % of packets lost on air.
        Assert.All(samples, c => Assert.InRange(c, 0.98 * 800 * run.DurationS, 1.001 * 800 * run.DurationS));
    }

    [Fact]
    public void Sequence_and_sensor_time_wrap_as_uint16_and_uint32()
    {
        var settings = SimulationSettings.Ideal with { SequenceStart = 65530, SensorClockStartUs = uint.MaxValue - 2_000_000, PlanDurationS = 10 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        ushort? prevSeq = null;
        uint? prevTime = null;
        bool seqWrapped = false, timeWrapped = false;
        foreach (var n in run.Left.Notifications())
        {
            ImuPacket.TryDecodeHeader(n.Payload, out var h);
            if (prevSeq is { } ps)
            {
                Assert.Equal(unchecked((ushort)(ps + 1)), h.Sequence);
                seqWrapped |= h.Sequence < ps;
                // 19 samples × 2500 µs between packet starts, across the wrap too (± rounding of the boot phase).
                Assert.InRange(unchecked(h.SensorTimeUs - prevTime!.Value), 47_499u, 47_501u);
                timeWrapped |= h.SensorTimeUs < prevTime.Value;
            }

            prevSeq = h.Sequence;
            prevTime = h.SensorTimeUs;
        }

        Assert.True(seqWrapped);
        Assert.True(timeWrapped);
    }

    [Fact]
    public void Packet_loss_rate_matches_the_setting()
    {
        var settings = SimulationSettings.Ideal with { PacketLossProbability = 0.1, PlanDurationS = 240, Seed = 3 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        long received = 0, lost = 0;
        ushort? prev = null;
        foreach (var n in run.Right.Notifications())
        {
            ImuPacket.TryDecodeHeader(n.Payload, out var h);
            if (prev is { } p) lost += unchecked((ushort)(h.Sequence - p)) - 1;
            prev = h.Sequence;
            received++;
        }

        var rate = (double)lost / (lost + received);
        output.WriteLine($"received {received}, lost {lost}, rate {rate:P2}");
        Assert.InRange(rate, 0.085, 0.115);
    }

    [Fact]
    public void Hard_heel_strikes_clip_a_16g_accelerometer_and_are_flagged()
    {
        var clipping = new SimulationSettings { Seed = 11, AccRange = AccRange.G16 };
        var run = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", clipping), clipping);
        var flaggedInOverstride = 0;
        var overstride = run.Bouts.Single(b => b.Overstride);
        foreach (var n in run.Notifications())
        {
            ImuPacket.TryDecodeHeader(n.Payload, out var h);
            if ((h.Flags & ImuPacketFlags.AccClipped) == 0) continue;
            Assert.True(HasRailSample(n.Payload, h.SampleCount));
            var t = n.HostTimeUs / 1e6;
            if (t > overstride.StartTimeS && t < overstride.EndTimeS + 0.1) flaggedInOverstride++;
        }

        Assert.True(flaggedInOverstride > 10, $"{flaggedInOverstride} clipped packets in the overstriding bout");

        var soft = clipping with { ImpactScale = 0 };
        var none = SimulatedRun.Create(SessionPlans.Get("sample-walk-run", soft), soft).Notifications()
            .Count(n => { ImpuHeader(n, out var h); return (h.Flags & ImuPacketFlags.AccClipped) != 0; });
        Assert.Equal(0, none);
    }

    [Fact]
    public void Unknown_plan_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => SimulationRecorder.Write("c25k-w9", new SimulationSettings(), Path.Combine(_dir, "x.ggwrec")));
        foreach (var name in SessionPlans.Names) Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.ggwrec")));
    }

    [Fact]
    public void Sensor_clock_drift_shows_in_sensor_time_versus_host_time()
    {
        var settings = SimulationSettings.Ideal with { ClockDriftLeftPpm = 50, ClockDriftRightPpm = -50, PlanDurationS = 600, SensorClockStartUs = 0 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        foreach (var (clip, ppm) in new[] { (run.Left, 50.0), (run.Right, -50.0) })
        {
            var packets = clip.Notifications().Select(n => { ImpuHeader(n, out var h); return (Host: n.HostTimeUs, Sensor: (long)h.SensorTimeUs); }).ToList();
            // Latency is constant in Ideal; the last packet may be partial, so compare full packets only.
            var hostSpan = packets[^2].Host - packets[0].Host;
            var sensorSpan = packets[^2].Sensor - packets[0].Sensor;
            var measuredPpm = ((double)sensorSpan / hostSpan - 1) * 1e6;
            Assert.InRange(measuredPpm, ppm - 1, ppm + 1);
        }
    }

    private static void ImpuHeader(Notification n, out ImuPacketHeader h) => ImuPacket.TryDecodeHeader(n.Payload, out h);

    private static bool HasRailSample(ReadOnlySpan<byte> p, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var s = ImuPacket.ReadSample(p, i);
            if (s.AccX is short.MaxValue or short.MinValue || s.AccY is short.MaxValue or short.MinValue || s.AccZ is short.MaxValue or short.MinValue) return true;
        }

        return false;
    }
}
