using GaitGateway.Dsp.Ingest;

namespace GaitGateway.Dsp.Tests;

/// <summary>
/// firmware-notes/clock-sync.md: the sensor-to-host clock map is the lower envelope of (host receive − sensor time).
/// Delivery latency only ever adds, and on a busy host it adds for seconds at a time (BlueZ, D-Bus and the gateway
/// scheduled late): the map must rest on the fastest deliveries, not on their average.
/// </summary>
public sealed class SensorClockTests
{
    private const double FloorS = 0.001;

    /// <summary>
    /// Twenty 5-minute runs per case, each with its own crystal (drift ±100 ppm, wandering by up to ±5 ppm over the run)
    /// and its own busy spells. The worst mapping error of each run after its first 30 s is taken: the typical run must
    /// stay within 0.5 ms of the fastest deliveries. The least-squares line through the bin minima used before session 20
    /// fails every case: median of the runs' worst errors 0.67 ms with no busy spell at all (the mean of the minima sits
    /// above their floor), 4.5 ms with 10 % busy, 10.1 ms with 30 %.
    /// </summary>
    [Theory]
    [InlineData(0.0, 0.5, 1.0)]
    [InlineData(0.1, 0.5, 1.0)]
    [InlineData(0.3, 0.5, 3.0)]
    public void Sensor_time_maps_to_the_fastest_delivery_even_when_seconds_of_deliveries_arrive_late(double busyShare, double medianLimitMs, double worstLimitMs)
    {
        var worstMs = new List<double>();
        for (var seed = 1; seed <= 20; seed++) worstMs.Add(WorstMappingErrorMs(busyShare, seed));
        worstMs.Sort();
        var median = worstMs[worstMs.Count / 2];
        var message = $"{busyShare:P0} of the time busy: worst error per run {string.Join(", ", worstMs.Select(w => w.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} ms";
        Assert.True(median <= medianLimitMs, message);
        Assert.True(worstMs[^1] <= worstLimitMs, message);
    }

    /// <summary>
    /// A clip sending a packet every 47.5 ms (19 samples at 400 Hz); each reaches the host after the stack's 1-ms floor
    /// plus up to one 15-ms connection interval. In <paramref name="busyShare"/> of 3-s spells (longer than the fit's 2-s
    /// bins) every delivery is a further 4–25 ms late. The map carries the floor (no clock fit can observe it); what must
    /// not show is the busy spells' lateness.
    /// </summary>
    private static double WorstMappingErrorMs(double busyShare, int seed)
    {
        var rnd = new Random(seed);
        var driftPpm = (rnd.NextDouble() * 200) - 100;
        var wanderPpm = (rnd.NextDouble() * 10) - 5;
        const double OffsetS = 1234.5678, RunS = 300, PacketS = 0.0475, SpellS = 3;
        double HostS(double t) => OffsetS + (t * (1 + (driftPpm * 1e-6))) + (0.5 * wanderPpm * 1e-6 * t * t / RunS);
        var clock = new SensorClock();
        var busyUntilS = -1.0;
        var busyExtraS = 0.0;
        var worst = 0.0;
        for (var sensorS = 0.0; sensorS < RunS; sensorS += PacketS)
        {
            if (Math.Floor(sensorS / SpellS) != Math.Floor((sensorS - PacketS) / SpellS))
            {
                busyUntilS = rnd.NextDouble() < busyShare ? (Math.Floor(sensorS / SpellS) + 1) * SpellS : -1;
                busyExtraS = 0.004 + (rnd.NextDouble() * 0.021);
            }

            var latencyS = FloorS + (rnd.NextDouble() * 0.015) + (sensorS < busyUntilS ? busyExtraS : 0);
            clock.Observe(sensorS, HostS(sensorS) + latencyS);
            if (sensorS >= 30) worst = Math.Max(worst, Math.Abs(clock.ToHostS(sensorS) - HostS(sensorS) - FloorS) * 1000);
        }

        return worst;
    }
}
