using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Ingest;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Benchmarks;

/// <summary>Benchmark input: a simulated run, decoded once, so benchmarks time the pipeline and nothing else.</summary>
internal static class Data
{
    public static (Notification[] Notifications, ImuSample[] LeftSamples, SimulatedRun Run) Load(int rateHz, double seconds)
    {
        var settings = new SimulationSettings { Seed = 42, SampleRateHz = rateHz, RunSpeedMps = 3.2, PlanDurationS = seconds };
        var run = SimulatedRun.Create(SessionPlans.Get("run-steady", settings), settings);
        var notifications = run.Notifications().ToArray();
        var decoder = new ImuStreamDecoder();
        var buf = new ImuSample[ImuPacket.MaxSamples];
        var left = new List<ImuSample>();
        foreach (var n in notifications)
        {
            if (n.SensorIndex != 0) continue;
            var c = decoder.Decode(n.Payload, n.HostTimeUs, buf);
            for (var i = 0; i < c; i++) left.Add(buf[i]);
        }

        return (notifications, left.ToArray(), run);
    }
}
