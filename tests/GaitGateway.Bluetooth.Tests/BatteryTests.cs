using GaitGateway.Bluetooth.Links;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Issue 13 item 6: the battery level is current (Battery1 or GATT notifications) and says how old it is.</summary>
public sealed class BatteryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false, "GATT notify")]
    [InlineData(true, "org.bluez.Battery1")]
    public async Task The_battery_level_follows_the_clip_while_the_link_is_up(bool battery1, string source)
    {
        await using var sim = await SimEnvironment.StartAsync($"--clips 1 --footpods 0 --time-scale 4 --battery1 {battery1.ToString().ToLowerInvariant()}");
        await using var adapter = await sim.ConnectAdapterAsync();
        await using var hub = new SensorHub(adapter, [LinkReportTests.Fast(SimEnvironment.LeftClip, 0)]);
        var link = hub.Links[0];
        var drain = Task.Run(async () => { await foreach (var _ in hub.Reader.ReadAllAsync()) { } });
        hub.Start();
        await BlueZTransportTests.Eventually(() => link.State, s => s == SensorLinkState.Streaming, Timeout, "streaming");
        Assert.Equal(87, link.BatteryPercent);
        Assert.Equal(87, link.Info?.BatteryPercent);
        Assert.Equal(source, link.BatterySource);

        await Task.Delay(1200);
        var before = link.BatteryAge!.Value;
        await sim.SetBatteryAsync(SimEnvironment.LeftClip, 14);
        await BlueZTransportTests.Eventually(() => link.BatteryPercent, p => p == 14, Timeout, "battery level");
        var age = link.BatteryAge!.Value;
        output.WriteLine($"{source}: age before the change {before.TotalSeconds:F2} s, after {age.TotalSeconds:F2} s");
        Assert.True(before >= TimeSpan.FromSeconds(1), $"age {before}");
        Assert.True(age < TimeSpan.FromSeconds(1), $"age {age}");
        Assert.Equal(SensorLinkState.Streaming, link.State);
        Assert.Equal(0, link.Counters.Snapshot().Reconnects);
        await hub.StopAsync();
        await drain;
        Assert.Equal(14, link.BatteryPercent); // the last level stays after the link
    }
}
