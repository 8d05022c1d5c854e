using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Issue 13 items 1 and 3: the clip's configuration is read first, only what the runner asks is written,
/// and a rejected write falls back to what the clip can do instead of failing the connection.</summary>
public sealed class NegotiationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Streams one clip until <paramref name="packets"/> IMU packets arrived; returns their headers.</summary>
    internal static async Task<List<ImuPacketHeader>> StreamAsync(SimEnvironment sim, SensorLinkOptions options, int packets, LinkReportTests.Reports? reports = null, Action<SensorHub>? whileStreaming = null)
    {
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [options]);
        var link = hub.Links[0];
        var headers = new List<ImuPacketHeader>();
        if (reports is null) _ = new LinkReportTests.Reports(link);
        var drain = Task.Run(async () =>
        {
            await foreach (var n in hub.Reader.ReadAllAsync())
            {
                if (n.Kind != FrameKind.ImuData) continue;
                Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(n.Payload, out var h));
                lock (headers) headers.Add(h);
            }
        });
        hub.Start();
        await BlueZTransportTests.Eventually(() => { lock (headers) return headers.Count; }, n => n >= packets, Timeout, "packets");
        whileStreaming?.Invoke(hub);
        await hub.StopAsync();
        await drain;
        return headers;
    }

    private static SensorLinkOptions Options(string address, ShoeClipRequest? request) => LinkReportTests.Fast(address, 0) with { Request = request };

    [Fact]
    public async Task A_416_Hz_only_clip_rejects_400_Hz_and_streams_at_416_Hz_on_the_first_attempt_and_says_so()
    {
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0 --time-scale 4 --rates 416,833,1666");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [Options(SimEnvironment.LeftClip, ShoeClipRequest.RunningDefault(Foot.Left))]);
        var link = hub.Links[0];
        var reports = new LinkReportTests.Reports(link);
        var rates = new List<ushort>();
        var drain = Task.Run(async () =>
        {
            await foreach (var n in hub.Reader.ReadAllAsync())
            {
                if (n.Kind == FrameKind.ImuData && ImuPacket.TryDecodeHeader(n.Payload, out var h) == ImuPacketError.None)
                    lock (rates) rates.Add(h.SampleRateHz);
            }
        });
        hub.Start();
        await BlueZTransportTests.Eventually(() => { lock (rates) return rates.Count; }, n => n >= 20, Timeout, "packets");
        var detail = link.Detail;
        await hub.StopAsync();
        await drain;

        var c = link.Counters.Snapshot();
        output.WriteLine($"{c}; detail: {detail}");
        foreach (var r in reports.All) output.WriteLine(r.ToString());
        Assert.All(rates, r => Assert.Equal((ushort)416, r));
        Assert.Equal(1, c.ConnectAttempts);
        Assert.Equal(0, c.ConnectFailures);
        Assert.Equal(0, c.Malformed);
        Assert.Equal((ushort)416, link.Negotiation!.Configuration.SampleRateHz);
        Assert.Equal(AccRange.G32, link.Negotiation.Configuration.AccRange); // the range it can do was still granted
        Assert.Equal("rejected 400 Hz, now 416 Hz", detail);
        Assert.Contains(reports.All, r => r.Kind == SensorReportKind.Warning && r.Message == "rejected 400 Hz, now 416 Hz");
        var (config, _) = await sim.GetConfigAsync(SimEnvironment.LeftClip);
        Assert.True(ShoeClipConfig.TryDecode(config, out var held));
        Assert.Equal(new ShoeClipConfig(416, AccRange.G32, GyroRange.Dps2000, Foot.Left, 19), held);
    }

    [Fact]
    public async Task A_clip_rejecting_range_writes_keeps_its_range_and_still_gets_the_rate()
    {
        // A ±16 g-only IMU and the runner default, which asks ±32 g.
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0 --time-scale 4 --rate 200 --fixed-ranges true");
        ShoeClipNegotiation? negotiation = null;
        Assert.Equal(new ShoeClipRequest(400, AccRange.G32, GyroRange.Dps2000, Foot.Left), ShoeClipRequest.RunningDefault(Foot.Left));
        var headers = await StreamAsync(sim, Options(SimEnvironment.LeftClip, ShoeClipRequest.RunningDefault(Foot.Left)), 20,
            whileStreaming: hub => negotiation = hub.Links[0].Negotiation);

        output.WriteLine(string.Join("; ", negotiation!.Notes));
        Assert.All(headers, h => Assert.Equal((ushort)400, h.SampleRateHz));
        Assert.All(headers, h => Assert.Equal(AccRange.G16, h.AccRange));
        Assert.Equal(["rejected ±32 g, now ±16 g"], negotiation.Notes);
    }

    [Fact]
    public async Task Only_what_the_runner_changes_is_written_and_the_clips_foot_byte_is_kept()
    {
        // The right clip's firmware says "left" (assigned by another app); the allow-list says right.
        await using var sim = await SimEnvironment.StartAsync("--clips 2 --footpods 0 --time-scale 4 --right-foot-byte left");
        ShoeClipNegotiation? same = null, changed = null;
        // The left runner asks what the clip has (±16 g); the right one the runner default, ±32 g.
        await StreamAsync(sim, Options(SimEnvironment.LeftClip, ShoeClipRequest.RunningDefault(Foot.Left) with { AccRange = AccRange.G16 }), 5,
            whileStreaming: h => same = h.Links[0].Negotiation);
        await StreamAsync(sim, Options(SimEnvironment.RightClip, ShoeClipRequest.RunningDefault(Foot.Right)), 5,
            whileStreaming: h => changed = h.Links[0].Negotiation);

        // The left clip already had everything asked: nothing written.
        Assert.False(same!.Wrote);
        Assert.Empty(same.Notes);
        Assert.Equal(0UL, (await sim.GetConfigAsync(SimEnvironment.LeftClip)).Writes);

        // The right clip: the range written, its own foot byte kept, the mismatch reported.
        output.WriteLine(string.Join("; ", changed!.Notes));
        Assert.True(changed.Wrote);
        var (config, writes) = await sim.GetConfigAsync(SimEnvironment.RightClip);
        Assert.Equal(1UL, writes);
        Assert.True(ShoeClipConfig.TryDecode(config, out var held));
        Assert.Equal(new ShoeClipConfig(400, AccRange.G32, GyroRange.Dps2000, Foot.Left, 19), held);
        Assert.Contains(changed.Notes, n => n.Contains("assigned to the left foot, the allow-list says right", StringComparison.Ordinal));
    }

    [Fact]
    public void Candidates_fall_back_one_setting_at_a_time_and_assign_only_an_unassigned_foot()
    {
        var clip416 = new ShoeClipConfig(416, AccRange.G16, GyroRange.Dps2000, null, 19);
        var list = ShoeClipNegotiation.Candidates(clip416, new ShoeClipRequest(400, AccRange.G32, null, Foot.Right), 14);
        Assert.Equal(
            [
                new ShoeClipConfig(400, AccRange.G32, GyroRange.Dps2000, Foot.Right, 14),
                new ShoeClipConfig(400, AccRange.G16, GyroRange.Dps2000, Foot.Right, 14),
                new ShoeClipConfig(416, AccRange.G32, GyroRange.Dps2000, Foot.Right, 14),
                new ShoeClipConfig(416, AccRange.G16, GyroRange.Dps2000, Foot.Right, 14),
                new ShoeClipConfig(416, AccRange.G16, GyroRange.Dps2000, null, 14),
            ],
            list);
        Assert.Equal(19, ShoeClipNegotiation.SamplesPerPacketFor(247));
        // Session 12: at most 50 ms of samples per packet, at each candidate's own rate.
        var clip400 = new ShoeClipConfig(400, AccRange.G16, GyroRange.Dps2000, Foot.Left, 19);
        Assert.Equal(
            [new ShoeClipConfig(100, AccRange.G16, GyroRange.Dps2000, Foot.Left, 5), new ShoeClipConfig(400, AccRange.G16, GyroRange.Dps2000, Foot.Left, 14)],
            ShoeClipNegotiation.Candidates(clip400, new ShoeClipRequest(100), 14));
        Assert.Equal(10, ShoeClipNegotiation.SamplesPerPacketAt(200, 19));
        Assert.Equal(19, ShoeClipNegotiation.SamplesPerPacketAt(1000, 19));
        Assert.Equal(1, ShoeClipNegotiation.SamplesPerPacketAt(100, 1));
        Assert.Equal(14, ShoeClipNegotiation.SamplesPerPacketFor(185));
        Assert.Equal(0, ShoeClipNegotiation.SamplesPerPacketFor(23));
        Assert.Equal(1, ShoeClipNegotiation.SamplesPerPacketFor(27));
    }
}
