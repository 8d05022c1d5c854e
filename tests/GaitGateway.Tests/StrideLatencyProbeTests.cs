using GaitGateway.Live;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Tests;

public sealed class StrideLatencyProbeTests
{
    [Fact]
    public void Commits_pair_with_the_oldest_strides_handed_over_and_failures_are_not_measured()
    {
        var now = 0.0;
        var probe = new StrideLatencyProbe(8, () => now, timeScale: 2);
        probe.HandedOver(1.0);
        probe.HandedOver(2.0);
        probe.HandedOver(3.0);
        probe.HandedOver(double.NaN); // released at the end of input: not measured
        now = 5.0;
        probe.OnCommitted(new StoreCommit(2, 0)); // the strides closed at 1 and 2: (5-1)/2, (5-2)/2 real seconds
        now = 7.0;
        probe.OnCommitted(new StoreCommit(0, 1)); // the one closed at 3 failed
        probe.OnCommitted(new StoreCommit(1, 0)); // NaN
        Assert.Equal(2, probe.ToStored.Count);
        Assert.Equal(1.5, probe.ToStored.Percentile(0.5));
        Assert.Equal(2.0, probe.ToStored.Percentile(0.99));

        // Pairing continues in order after the queue emptied.
        probe.HandedOver(6.5);
        probe.OnCommitted(new StoreCommit(1, 0));
        Assert.Equal(3, probe.ToStored.Count);
        Assert.Equal(0.25, probe.ToStored.Percentile(0.01));
        Assert.False(probe.Overflowed);
    }

    [Fact]
    public void An_overflowing_queue_stops_measuring_instead_of_growing_or_mispairing()
    {
        var probe = new StrideLatencyProbe(2, () => 10.0);
        probe.HandedOver(1);
        probe.HandedOver(2);
        probe.HandedOver(3);
        Assert.True(probe.Overflowed);
        probe.OnCommitted(new StoreCommit(3, 0));
        Assert.Equal(0, probe.ToStored.Count);
    }
}
