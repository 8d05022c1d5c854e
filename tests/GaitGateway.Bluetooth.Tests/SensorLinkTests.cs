using System.Diagnostics;
using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Sensor links end to end: simulator → dbus-daemon → BlueZ transport → SensorLink → channel.</summary>
public sealed class SensorLinkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static SensorLinkOptions Fast(string address, int index, SensorKind kind = SensorKind.ShoeClip, GattNotifyMode mode = GattNotifyMode.PreferSocket)
        => new(address, index, kind)
        {
            NotifyMode = mode,
            DiscoveryTimeout = TimeSpan.FromSeconds(3),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        };

    /// <summary>Independent check of what came out of the channel, per sensor.</summary>
    private sealed class Sink
    {
        public readonly Dictionary<int, List<ImuPacketHeader>> Imu = [];
        public readonly List<(int Sensor, LinkEvent Event)> Links = [];
        public long Rsc;
        public long Total;

        public Task DrainAsync(SensorHub hub) => Task.Run(async () =>
        {
            await foreach (var n in hub.Reader.ReadAllAsync())
            {
                lock (this)
                {
                    Total++;
                    switch (n.Kind)
                    {
                        case FrameKind.ImuData:
                            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(n.Payload, out var h));
                            if (!Imu.TryGetValue(n.SensorIndex, out var list)) Imu[n.SensorIndex] = list = [];
                            list.Add(h);
                            break;
                        case FrameKind.RscMeasurement:
                            Assert.True(RscMeasurement.TryDecode(n.Payload, out _));
                            Rsc++;
                            break;
                        case FrameKind.Link:
                            Links.Add((n.SensorIndex, (LinkEvent)n.Payload[0]));
                            break;
                    }
                }
            }
        });

        public int Count(int sensor)
        {
            lock (this) return Imu.TryGetValue(sensor, out var l) ? l.Count : 0;
        }

        public double SpanS(int sensor)
        {
            lock (this)
                return Imu.TryGetValue(sensor, out var l) && l.Count > 1 ? unchecked(l[^1].SensorTimeUs - l[0].SensorTimeUs) / 1e6 : 0;
        }
    }

    [Theory]
    [InlineData(GattNotifyMode.PreferSocket)]
    [InlineData(GattNotifyMode.PropertiesChanged)]
    public async Task Two_feet_stream_60_s_at_400_Hz_with_zero_loss(GattNotifyMode mode)
    {
        // Time scale 4: 60 s of sensor time in ~15 s of wall time, 4 × 21 packets/s per clip; packets stay exact.
        const double TimeScale = 4;
        await using var sim = await SimEnvironment.StartAsync($"--time-scale {TimeScale}");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [Fast(SimEnvironment.LeftClip, 0, mode: mode), Fast(SimEnvironment.RightClip, 1, mode: mode)]);
        var sink = new Sink();
        var drain = sink.DrainAsync(hub);
        var me = Process.GetCurrentProcess();
        hub.Start();
        await BlueZTransportTests.Eventually(() => hub.Links.Count(l => l.State == SensorLinkState.Streaming), n => n == 2, Timeout, "links streaming");
        var cpu0 = me.TotalProcessorTime;
        sim.SimProcess.Refresh();
        var simCpu0 = sim.SimProcess.TotalProcessorTime;
        var wall = Stopwatch.StartNew();

        await BlueZTransportTests.Eventually(() => Math.Min(sink.SpanS(0), sink.SpanS(1)), s => s >= 60.0, TimeSpan.FromSeconds(60 / TimeScale + 20), "sensor seconds streamed");

        var gatewayCpu = (me.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
        sim.SimProcess.Refresh();
        var simCpu = (sim.SimProcess.TotalProcessorTime - simCpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
        await hub.StopAsync();
        await drain;
        // After the stop: the sim may send a packet or two between a stats call and StopStreaming.
        var stats = new[] { await sim.GetStatsAsync(SimEnvironment.LeftClip), await sim.GetStatsAsync(SimEnvironment.RightClip) };

        foreach (var (link, i) in hub.Links.Select((l, i) => (l, i)))
        {
            var c = link.Counters.Snapshot();
            output.WriteLine($"{link.Options.Address} via {link.NotifyMode}: {c}; sim {stats[i]}");
            Assert.Equal(mode, link.NotifyMode);
            Assert.Equal(0, c.SequenceGaps);
            Assert.Equal(0, c.LostPackets);
            Assert.Equal(0, c.Malformed);
            Assert.Equal(0, c.OutOfOrder);
            Assert.Equal(0, c.ChannelFullDrops);
            Assert.Equal(0, c.Reconnects);
            Assert.Equal(0UL, stats[i].Dropped);
            Assert.Equal("0.9.0-sim", link.Info?.FirmwareRevision);
            Assert.Equal(87, link.Info?.BatteryPercent);
            Assert.Equal((ushort)400, link.Info?.Configuration?.SampleRateHz);

            // Every packet the sim sent before we stopped arrived, contiguous in sequence and sensor time.
            var packets = sink.Imu[i];
            Assert.InRange((long)stats[i].Sent - packets.Count, 0, 8);
            Assert.True((packets[0].Flags & ImuPacketFlags.StreamStart) != 0);
            for (var k = 1; k < packets.Count; k++)
            {
                Assert.Equal((ushort)(packets[k - 1].Sequence + 1), packets[k].Sequence);
                Assert.Equal(unchecked(packets[k - 1].SensorTimeUs + (19 * 2500u)), packets[k].SensorTimeUs);
            }

            Assert.Equal(packets.Count, link.Counters.Snapshot().Packets);
        }

        var packetsPerSecondPerSensor = 400.0 / 19 * TimeScale;
        output.WriteLine($"gateway process CPU {gatewayCpu:P1} of one core for 2 sensors at {packetsPerSecondPerSensor:0} packets/s each " +
                         $"(≈ {gatewayCpu / 2 / TimeScale:P2} per sensor at real-time 400 Hz, test consumer included); simulator {simCpu:P1}");
        Assert.Equal([LinkEvent.Connected, LinkEvent.Disconnected], sink.Links.Where(l => l.Sensor == 0).Select(l => l.Event));
    }

    public enum Fault
    {
        LinkLoss,
        DeviceVanishes,
        AdapterPowerCycle,
        AdapterRemoval,
    }

    [Theory]
    [InlineData(Fault.LinkLoss)]
    [InlineData(Fault.DeviceVanishes)]
    [InlineData(Fault.AdapterPowerCycle)]
    [InlineData(Fault.AdapterRemoval)]
    public async Task Link_recovers_from_fault_and_counts_the_gap(Fault fault)
    {
        await using var sim = await SimEnvironment.StartAsync("--time-scale 4");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [Fast(SimEnvironment.LeftClip, 0)]);
        var sink = new Sink();
        var drain = sink.DrainAsync(hub);
        hub.Start();
        var link = hub.Links[0];
        await BlueZTransportTests.Eventually(() => sink.Count(0), n => n >= 20, Timeout, "packets before the fault");

        switch (fault)
        {
            case Fault.LinkLoss:
                await sim.LinkLossAsync(SimEnvironment.LeftClip);
                break;
            case Fault.DeviceVanishes:
                await sim.VanishAsync(SimEnvironment.LeftClip, 800);
                break;
            case Fault.AdapterPowerCycle:
                await sim.SetPoweredAsync(false);
                await Task.Delay(600);
                await sim.SetPoweredAsync(true);
                break;
            case Fault.AdapterRemoval:
                await sim.RemoveAdapterAsync();
                await Task.Delay(600);
                await sim.AddAdapterAsync();
                break;
        }

        await ReconnectedAndStreamingAsync(link, sink, hub, drain);

        var c = link.Counters.Snapshot();
        output.WriteLine($"{fault}: {c}; last error: {link.LastError}");
        Assert.Equal(1, c.Reconnects);
        Assert.Equal(1, c.LinkLosses);
        Assert.Equal(1, c.SequenceGaps);
        Assert.True(c.LostPackets > 0);
        Assert.Equal(0, c.StreamRestarts);
        Assert.Equal(0, c.Malformed);
        AssertOneGapAsCounted(sink.Imu[0], c);
        Assert.Equal([LinkEvent.Connected, LinkEvent.Disconnected, LinkEvent.Connected, LinkEvent.Disconnected], sink.Links.Select(l => l.Event));
    }

    [Fact]
    public async Task Watchdog_reconnects_a_sensor_that_stops_streaming_with_the_link_up()
    {
        // The firmware hangs: connected, no Disconnected, no notifications (the sim keeps the link up for 60 s).
        await using var sim = await SimEnvironment.StartAsync("--time-scale 4");
        await using var adapter = await sim.ConnectAdapterAsync();
        var options = Fast(SimEnvironment.LeftClip, 0) with { WatchdogTimeout = TimeSpan.FromSeconds(1) };
        await using var hub = new SensorHub(adapter, [options]);
        var sink = new Sink();
        var drain = sink.DrainAsync(hub);
        hub.Start();
        var link = hub.Links[0];
        await BlueZTransportTests.Eventually(() => sink.Count(0), n => n >= 20, Timeout, "packets before the stall");

        await sim.StallAsync(SimEnvironment.LeftClip, 60_000);
        var stalledAt = Stopwatch.StartNew();
        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().WatchdogTimeouts, n => n >= 1, Timeout, "watchdog timeouts");
        var detectedAfter = stalledAt.Elapsed;
        await ReconnectedAndStreamingAsync(link, sink, hub, drain);

        var c = link.Counters.Snapshot();
        output.WriteLine($"stall detected after {detectedAfter.TotalSeconds:F2} s (watchdog {options.WatchdogTimeout.TotalSeconds} s): {c}; last error: {link.LastError}");
        // Not before its time: the last packet came at most one packet interval before the stall began.
        Assert.True(detectedAfter >= options.WatchdogTimeout * 0.9, $"watchdog fired after {detectedAfter.TotalSeconds:F2} s");
        Assert.Equal(1, c.WatchdogTimeouts);
        Assert.Equal(0, c.LinkLosses); // nothing told us the link was gone: only the watchdog could tell
        Assert.Equal(1, c.Reconnects);
        Assert.Equal(1, c.SequenceGaps);
        Assert.True(c.LostPackets > 0);
        AssertOneGapAsCounted(sink.Imu[0], c);
        Assert.Equal(
            [LinkEvent.Connected, LinkEvent.WatchdogTimeout, LinkEvent.Disconnected, LinkEvent.Connected, LinkEvent.Disconnected],
            sink.Links.Select(l => l.Event));
    }

    /// <summary>Waits for the link to come back and stream 20 more packets on sensor 0, then stops the hub.</summary>
    private static async Task ReconnectedAndStreamingAsync(SensorLink link, Sink sink, SensorHub hub, Task drain)
    {
        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().Reconnects, n => n >= 1, Timeout, "reconnects");
        var afterReconnect = sink.Count(0);
        await BlueZTransportTests.Eventually(() => sink.Count(0), n => n >= afterReconnect + 20, Timeout, "packets after the fault");
        await hub.StopAsync();
        await drain;
    }

    /// <summary>The gap the counters report is the one the data shows: one jump in sequence, of the lost packets.</summary>
    private static void AssertOneGapAsCounted(List<ImuPacketHeader> packets, SensorCountersSnapshot c)
    {
        var jumps = packets.Zip(packets.Skip(1), (a, b) => (ushort)(b.Sequence - a.Sequence - 1)).Where(j => j != 0).ToList();
        Assert.Equal([(ushort)c.LostPackets], jumps);
    }

    [Fact]
    public async Task Malformed_notifications_are_counted_and_skipped_never_fatal()
    {
        await using var sim = await SimEnvironment.StartAsync("--time-scale 4");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [Fast(SimEnvironment.RightClip, 3)]);
        var sink = new Sink();
        var drain = sink.DrainAsync(hub);
        hub.Start();
        var link = hub.Links[0];
        await BlueZTransportTests.Eventually(() => sink.Count(3), n => n >= 10, Timeout, "packets before");

        await sim.InjectMalformedAsync(SimEnvironment.RightClip, "short", 3);
        await sim.InjectMalformedAsync(SimEnvironment.RightClip, "version", 3);
        await sim.InjectMalformedAsync(SimEnvironment.RightClip, "length", 3);
        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().Malformed, n => n >= 9, Timeout, "malformed counted");
        var before = sink.Count(3);
        await BlueZTransportTests.Eventually(() => sink.Count(3), n => n >= before + 10, Timeout, "packets after");
        await hub.StopAsync();
        await drain;

        var c = link.Counters.Snapshot();
        output.WriteLine(c.ToString());
        Assert.Equal(9, c.Malformed);
        Assert.Equal(ImuPacketError.LengthMismatch, c.LastMalformedError);
        Assert.Equal(0, c.SequenceGaps);
        Assert.Equal(0, c.Reconnects);
        Assert.Equal(c.Packets, sink.Count(3)); // none of the bad ones reached the channel
    }

    [Fact]
    public async Task Footpod_streams_rsc_measurements()
    {
        await using var sim = await SimEnvironment.StartAsync("--time-scale 4");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [Fast(SimEnvironment.Footpod, 5, SensorKind.RscFootpod)]);
        var sink = new Sink();
        var drain = sink.DrainAsync(hub);
        hub.Start();

        await BlueZTransportTests.Eventually(() => Interlocked.Read(ref sink.Rsc), n => n >= 5, Timeout, "RSC notifications");
        await hub.StopAsync();
        await drain;

        Assert.Equal("Footpod-Sim", hub.Links[0].Info?.Model);
        Assert.Equal(0, hub.Links[0].Counters.Snapshot().Malformed);
    }

    [Fact]
    public async Task A_full_channel_waits_briefly_then_counts_drops_and_keeps_the_link()
    {
        await using var sim = await SimEnvironment.StartAsync("--time-scale 4");
        await using var adapter = await sim.ConnectAdapterAsync();
        var options = Fast(SimEnvironment.LeftClip, 0) with { ChannelFullTimeout = TimeSpan.FromMilliseconds(20) };
        await using var hub = new SensorHub(adapter, [options], new SensorHubOptions { ChannelCapacity = 8 });
        hub.Start(); // nobody reads

        var link = hub.Links[0];
        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().ChannelFullDrops, n => n >= 10, Timeout, "drops");
        var c = link.Counters.Snapshot();
        Assert.True(c.ChannelFullWaits >= c.ChannelFullDrops - 1);
        Assert.Equal(0, c.Reconnects);
        Assert.Equal(SensorLinkState.Streaming, link.State);
    }
}
