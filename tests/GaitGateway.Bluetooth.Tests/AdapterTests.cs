using GaitGateway.Bluetooth.BlueZ;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Recording;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Issue 13 item 8: the adapter can be chosen, and several are used at once.</summary>
public sealed class AdapterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_adapters_stream_their_own_clips_at_once_and_each_scans_only_its_own()
    {
        // Clip 1 is in range of hci0 only, clip 2 of hci1 only.
        await using var sim = await SimEnvironment.StartAsync("--clips 2 --footpods 0 --time-scale 4 --adapters 2 --clip-adapters 0,1");
        await using var hci0 = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = sim.BusAddress, AdapterName = "hci0" });
        await using var hci1 = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = sim.BusAddress, AdapterName = "hci1" });

        Assert.Equal([SimEnvironment.RightClip], (await SensorScanner.ScanAsync(hci1, TimeSpan.FromMilliseconds(600))).Select(s => s.Address));
        Assert.Equal([SimEnvironment.LeftClip], (await SensorScanner.ScanAsync(hci0, TimeSpan.FromMilliseconds(600))).Select(s => s.Address));

        await using var hub = new SensorHub([(hci0, LinkReportTests.Fast(SimEnvironment.LeftClip, 0)), (hci1, LinkReportTests.Fast(SimEnvironment.RightClip, 1))]);
        var counts = new int[2];
        var drain = Task.Run(async () =>
        {
            await foreach (var n in hub.Reader.ReadAllAsync())
            {
                if (n.Kind == FrameKind.ImuData) Interlocked.Increment(ref counts[n.SensorIndex]);
            }
        });
        hub.Start();
        await BlueZTransportTests.Eventually(() => Math.Min(Volatile.Read(ref counts[0]), Volatile.Read(ref counts[1])), n => n >= 20, TimeSpan.FromSeconds(20), "packets on both adapters");
        await hub.StopAsync();
        await drain;

        foreach (var l in hub.Links) output.WriteLine($"{l.Options.Address}: {l.Counters.Snapshot()}");
        Assert.All(hub.Links, l => Assert.Equal(0, l.Counters.Snapshot().ConnectFailures));
    }

    [Fact]
    public async Task A_missing_adapter_is_named_in_the_failure()
    {
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0");
        await using var hci3 = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = sim.BusAddress, AdapterName = "hci3" });
        await using var hub = new SensorHub(hci3, [LinkReportTests.Fast(SimEnvironment.LeftClip, 0)]);
        var link = hub.Links[0];
        hub.Start();
        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().ConnectFailures, n => n >= 1, TimeSpan.FromSeconds(10), "failures");
        await hub.StopAsync();
        output.WriteLine(link.LastError);
        Assert.Equal("no Bluetooth adapter hci3 (BlueZ has: hci0)", link.LastError);
    }
}
