using GaitGateway.Sensors.Simulation;
using Xunit.Abstractions;

namespace GaitGateway.Sensors.Tests.Simulation;

/// <summary>
/// Heap-size tests read <see cref="GC.GetTotalMemory(bool)"/>, which counts every thread's objects. Run in parallel with
/// the other test classes, their live data lands between the two readings (CI once saw 8 MB "growth" that was another
/// class's lists). xUnit runs a collection with parallelisation disabled after the parallel ones, alone.
/// </summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

[Collection(nameof(HeapMeasurement))]
public sealed class SimulatedRunMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void An_hour_of_standing_streams_in_bounded_memory()
    {
        var settings = new SimulationSettings { PlanDurationS = 3600, Seed = 2 };
        var run = SimulatedRun.Create(SessionPlans.Get("standing", settings), settings);
        long count = 0, early = 0, late = 0;
        foreach (var n in run.Notifications())
        {
            count++;
            if (count == 5_000) early = Retained();
            if (count == 140_000) late = Retained();
        }

        output.WriteLine($"{count} notifications; retained {early / 1024} KiB early, {late / 1024} KiB late");
        Assert.InRange(count, 140_000, 155_000); // 2 × 400 Hz × 3605 s / 19 ≈ 151 800, less 0.5 % loss
        Assert.True(late - early < 2_000_000, $"memory grew by {(late - early) / 1024} KiB");
        Assert.Empty(run.Truth);

        static long Retained()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }
}
