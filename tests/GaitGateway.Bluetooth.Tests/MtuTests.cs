using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Samples;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Issue 13 item 9: samples per packet follow the negotiated ATT MTU; below one packet it is said, once.</summary>
public sealed class MtuTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(185, 14, GattNotifyMode.PreferSocket)]
    [InlineData(185, 14, GattNotifyMode.PropertiesChanged)]
    [InlineData(247, 19, GattNotifyMode.PreferSocket)]
    public async Task A_clip_streams_400_Hz_in_packets_that_fit_the_MTU(int mtu, int samplesPerPacket, GattNotifyMode mode)
    {
        await using var sim = await SimEnvironment.StartAsync($"--clips 1 --footpods 0 --time-scale 4 --mtu {mtu}");
        var options = LinkReportTests.Fast(SimEnvironment.LeftClip, 0) with { Request = ShoeClipRequest.RunningDefault(Foot.Left), NotifyMode = mode };
        SensorCountersSnapshot counters = default;
        var seenMtu = 0;
        var headers = await NegotiationTests.StreamAsync(sim, options, 40, whileStreaming: hub =>
        {
            counters = hub.Links[0].Counters.Snapshot();
            seenMtu = hub.Links[0].Mtu;
        });

        output.WriteLine($"MTU {seenMtu}: {counters}");
        Assert.Equal(mtu, seenMtu);
        Assert.Equal(0, counters.Malformed);
        Assert.Equal(0, counters.ConnectFailures);
        Assert.All(headers, h => Assert.Equal(samplesPerPacket, h.SampleCount));
        Assert.All(headers, h => Assert.Equal((ushort)400, h.SampleRateHz));
        for (var k = 1; k < headers.Count; k++)
            Assert.Equal(unchecked(headers[k - 1].SensorTimeUs + (uint)(samplesPerPacket * 2500)), headers[k].SensorTimeUs);
    }

    /// <summary>
    /// Session 12: below 400 Hz a packet holds at most 50 ms of samples (ShoeClipNegotiation.MaxPacketSpanS). Filled to
    /// the MTU, a 100-Hz packet held 190 ms — a whole running stance, lost at once with the packet.
    /// </summary>
    [Theory]
    [InlineData(100, 5)]
    [InlineData(200, 10)]
    public async Task A_clip_at_a_low_rate_streams_packets_of_at_most_50_ms(int rateHz, int samplesPerPacket)
    {
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0 --time-scale 4 --mtu 247");
        var options = LinkReportTests.Fast(SimEnvironment.LeftClip, 0) with
        {
            Request = ShoeClipRequest.RunningDefault(Foot.Left) with { SampleRateHz = (ushort)rateHz },
        };
        var headers = await NegotiationTests.StreamAsync(sim, options, 20);

        Assert.All(headers, h => Assert.Equal(samplesPerPacket, h.SampleCount));
        Assert.All(headers, h => Assert.Equal((ushort)rateHz, h.SampleRateHz));
        var periodUs = 1_000_000 / rateHz;
        for (var k = 1; k < headers.Count; k++)
            Assert.Equal(unchecked(headers[k - 1].SensorTimeUs + (uint)(samplesPerPacket * periodUs)), headers[k].SensorTimeUs);
    }

    [Fact]
    public async Task Mtu_23_is_reported_as_unsupported_once_and_never_retried_or_started()
    {
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0 --time-scale 4 --mtu 23");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [LinkReportTests.Fast(SimEnvironment.LeftClip, 0) with { Request = ShoeClipRequest.RunningDefault(Foot.Left) }]);
        var link = hub.Links[0];
        var reports = new LinkReportTests.Reports(link);
        hub.Start();
        await BlueZTransportTests.Eventually(() => link.State, s => s == SensorLinkState.Unsupported, TimeSpan.FromSeconds(20), "unsupported");
        await Task.Delay(1500); // backoff here is 50..200 ms: a retry loop would show several attempts by now
        var c = link.Counters.Snapshot();
        var detail = link.Detail;
        await hub.StopAsync();

        output.WriteLine($"{c}; {detail}");
        Assert.Equal(1, c.ConnectAttempts);
        Assert.Equal(1, c.ConnectFailures);
        var report = Assert.Single(reports.All);
        Assert.Equal(SensorReportKind.Unsupported, report.Kind);
        Assert.Contains("ATT MTU 23 is too small", report.Message, StringComparison.Ordinal);
        Assert.Equal(report.Message, detail);
        Assert.Equal(SensorLinkState.Unsupported, link.State);
        Assert.Equal(0UL, (await sim.GetStatsAsync(SimEnvironment.LeftClip)).Produced); // StartStreaming never written
    }
}
