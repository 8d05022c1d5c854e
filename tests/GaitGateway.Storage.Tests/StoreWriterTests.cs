using System.Diagnostics;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Storage.Tests;

public sealed class StoreWriterTests
{
    [Fact]
    public async Task Strides_are_committed_in_batches_of_at_most_MaxBatchItems()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var strides = TestData.Strides(1000);
        await using (var writer = new StoreWriter(store, new StoreWriterSettings { MaxBatchItems = 256, MaxCommitDelay = TimeSpan.FromSeconds(30) }))
        {
            foreach (var s in strides) await writer.AppendStrideAsync(id, s);
            await writer.FlushAsync();
            var d = writer.Diagnostics;
            Assert.Equal(1000, d.ItemsCommitted);
            // 1000 = 3 × 256 + 232: full batches fire on size (the 30 s delay never elapses), the rest on Flush.
            Assert.Equal(4, d.BatchesCommitted);
            Assert.Equal(0, d.ItemsFailed);
        }
        Assert.Equal(strides, store.GetStrides(id));
    }

    [Fact]
    public async Task Committed_reports_every_stride_once_in_order_and_nothing_else()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var reported = new List<StoreCommit>();
        await using (var writer = new StoreWriter(store, new StoreWriterSettings { MaxBatchItems = 64, MaxCommitDelay = TimeSpan.Zero }))
        {
            writer.Committed += c => { lock (reported) reported.Add(c); };
            foreach (var s in TestData.Strides(300))
            {
                await writer.AppendStrideAsync(id, s);
                await writer.AppendSensorStatusAsync(id, new SensorStatusRecord("x/0", 1, 90, 10, 0, "Streaming"));
            }

            await writer.AppendStrideAsync(id + 1000, TestData.Strides(1)[0]); // an unknown session: fails alone
            await writer.FlushAsync();
        }

        lock (reported)
        {
            Assert.Equal(300, reported.Sum(c => c.Strides));
            Assert.Equal(1, reported.Sum(c => c.FailedStrides));
            Assert.Equal(1, reported[^1].FailedStrides); // the failed one was queued last and reported last
            Assert.All(reported, c => Assert.InRange(c.Strides, 0, 64));
        }

        Assert.Equal(300, store.GetSession(id)!.StrideCount);
    }

    [Fact]
    public async Task A_partial_batch_is_committed_after_MaxCommitDelay_without_flush()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        await using var writer = new StoreWriter(store); // defaults: 250 ms / 256 items
        var sw = Stopwatch.StartNew();
        await writer.AppendStrideAsync(id, TestData.Strides(1)[0]);
        while (store.GetSession(id)!.StrideCount == 0 && sw.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        Assert.Equal(1, store.GetSession(id)!.StrideCount);
        // Committed on the timer: not instantly, and well within the 1 s loss budget (generous upper bound for a busy CI).
        Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, writer.Diagnostics.BatchesCommitted);
    }

    [Fact]
    public async Task Dispose_commits_everything_queued()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var writer = new StoreWriter(store, new StoreWriterSettings { MaxBatchItems = 100_000, MaxCommitDelay = TimeSpan.FromHours(1) });
        var strides = TestData.Strides(300);
        foreach (var s in strides) await writer.AppendStrideAsync(id, s);
        await writer.AppendBoutAsync(id, TestData.Bouts()[0]);
        await writer.AppendAlertAsync(id, new AlertRecord(3, "overstride", "Land under your hips"));
        await writer.AppendSensorStatusAsync(id, new SensorStatusRecord("AA", 4, 90, 10, 0, "connected"));
        Assert.Equal(0, store.GetSession(id)!.StrideCount); // nothing committed yet: the batch is still open
        await writer.DisposeAsync();
        Assert.Equal(strides, store.GetStrides(id));
        Assert.Single(store.GetBouts(id));
        Assert.Single(store.GetAlerts(id));
        Assert.Single(store.GetSensorStatus(id));
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await writer.AppendStrideAsync(id, strides[0]));
    }

    [Fact]
    public async Task A_bad_item_costs_only_itself()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var id = store.BeginSession(TestData.Session());
        var strides = TestData.Strides(10);
        await using var writer = new StoreWriter(store, new StoreWriterSettings { MaxCommitDelay = TimeSpan.FromHours(1) });
        for (var i = 0; i < strides.Length; i++)
        {
            await writer.AppendStrideAsync(id, strides[i]);
            if (i == 4) await writer.AppendStrideAsync(id + 1000, strides[i]); // no such session
        }
        await writer.FlushAsync();
        Assert.Equal(strides, store.GetStrides(id));
        Assert.Equal((10, 1), ((int)writer.Diagnostics.ItemsCommitted, (int)writer.Diagnostics.ItemsFailed));
        Assert.Equal($"no session {id + 1000}", writer.Diagnostics.LastError);
    }

    [Fact]
    public async Task Concurrent_producers_lose_nothing()
    {
        using var dir = new TempDir();
        using var store = SqliteStore.Open(dir.File("s.db"));
        var a = store.BeginSession(TestData.Session("a"));
        var b = store.BeginSession(TestData.Session("b"));
        await using (var writer = new StoreWriter(store, new StoreWriterSettings { ChannelCapacity = 8 })) // tiny: producers must wait
        {
            await Task.WhenAll(
                Task.Run(async () => { foreach (var s in TestData.Strides(500, 1)) await writer.AppendStrideAsync(a, s); }),
                Task.Run(async () => { foreach (var s in TestData.Strides(500, 2)) await writer.AppendStrideAsync(b, s); }));
        }
        Assert.Equal(TestData.Strides(500, 1), store.GetStrides(a));
        Assert.Equal(TestData.Strides(500, 2), store.GetStrides(b));
    }
}
