using GaitGateway.Bluetooth.Links;
using Xunit.Abstractions;

namespace GaitGateway.Bluetooth.Tests;

/// <summary>Issue 13: what a real user meets with real clips — every failure said, counted and explained.</summary>
public sealed class LinkReportTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    internal static SensorLinkOptions Fast(string address, int index)
        => new(address, index)
        {
            DiscoveryTimeout = TimeSpan.FromMilliseconds(400),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };

    /// <summary>Collects a link's reports (raised on the link's task).</summary>
    internal sealed class Reports
    {
        private readonly List<SensorReport> _all = [];

        public Reports(SensorLink link) => link.Reported += (_, r) => { lock (_all) _all.Add(r); };

        public List<SensorReport> All { get { lock (_all) return [.. _all]; } }
    }

    [Fact]
    public async Task A_clip_that_is_not_there_is_reported_with_its_reason_on_every_attempt()
    {
        await using var sim = await SimEnvironment.StartAsync("--clips 1 --footpods 0");
        await using var adapter = await sim.ConnectAdapterAsync();
        const string Absent = "C0:FF:EE:00:00:99";
        await using var hub = new SensorHub(adapter, [Fast(Absent, 0)]);
        var link = hub.Links[0];
        var reports = new Reports(link);
        hub.Start();

        await BlueZTransportTests.Eventually(() => link.Counters.Snapshot().ConnectFailures, n => n >= 3, Timeout, "failed attempts");
        var detail = link.Detail;
        await hub.StopAsync();

        var c = link.Counters.Snapshot();
        var all = reports.All;
        output.WriteLine($"{c}; detail: {detail}");
        foreach (var r in all) output.WriteLine(r.ToString());
        Assert.Equal(0, c.Connects);
        Assert.InRange(c.ConnectAttempts - c.ConnectFailures, 0, 1); // at most the attempt the stop cut short
        var failed = all.Where(r => r.Kind == SensorReportKind.AttemptFailed).ToList();
        Assert.Equal(c.ConnectFailures, failed.Count);
        Assert.Equal(Enumerable.Range(1, failed.Count).Select(i => (long)i), failed.Select(r => r.Attempt));
        Assert.All(failed, r => Assert.Contains($"{Absent} not found", r.Message, StringComparison.Ordinal));
        Assert.NotNull(detail);
        Assert.Contains("not found", detail, StringComparison.Ordinal);
        Assert.Contains("no data for", detail, StringComparison.Ordinal);
    }
}

/// <summary>Issue 13 item 7: a scan lists what BlueZ already knows, and says so.</summary>
public sealed class KnownDeviceScanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_second_scan_by_a_new_process_lists_the_clips_the_first_one_found()
    {
        await using var sim = await SimEnvironment.StartAsync();
        await using (var first = await sim.ConnectAdapterAsync())
        {
            Assert.Equal(3, (await SensorScanner.ScanAsync(first, TimeSpan.FromMilliseconds(500))).Count);
        }

        // A new client (gaitgw scan run again): the devices are in BlueZ's tree from the first scan.
        await using var second = await sim.ConnectAdapterAsync();
        var found = await SensorScanner.ScanAsync(second, TimeSpan.FromMilliseconds(1500));

        foreach (var f in found) output.WriteLine(f.ToString());
        Assert.Equal([SimEnvironment.LeftClip, SimEnvironment.RightClip, SimEnvironment.Footpod], found.Select(f => f.Address));
        Assert.All(found, f => Assert.False(f.Paired));
        Assert.All(found, f => Assert.NotNull(f.RssiDbm));
        // Their RSSI updates during this scan count: in range now (7 advertising ticks, each changes RSSI with p = 2/3).
        Assert.All(found, f => Assert.True(f.SeenNow));
    }

    [Fact]
    public async Task Paired_clips_in_the_tree_before_the_scan_are_listed_as_paired()
    {
        await using var sim = await SimEnvironment.StartAsync("--known true");
        await using var adapter = await sim.ConnectAdapterAsync();

        var found = await SensorScanner.ScanAsync(adapter, TimeSpan.FromMilliseconds(1500));

        foreach (var f in found) output.WriteLine(f.ToString());
        Assert.Equal([SimEnvironment.LeftClip, SimEnvironment.RightClip, SimEnvironment.Footpod], found.Select(f => f.Address));
        Assert.All(found, f => Assert.True(f.Paired));
        Assert.Equal([SensorKind.ShoeClip, SensorKind.ShoeClip, SensorKind.RscFootpod], found.Select(f => f.Kind));
    }
}
