using System.CommandLine;
using System.Globalization;
using GaitGateway.Core.Strides;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    private static Command SimulateCommand()
    {
        var plan = new Option<string>("--plan") { Description = "Session plan: " + string.Join(", ", SessionPlans.Names), Required = true };
        var output = new Option<string>("--out") { Description = "Recording to write; truth goes beside it (<out>.truth.csv, <out>.bouts.csv)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var rate = new Option<int>("--rate") { Description = "Sample rate, Hz (100–1600)", DefaultValueFactory = _ => 400 };
        var strike = new Option<string?>("--strike") { Description = "Runner's strike pattern: rearfoot, midfoot or forefoot" };
        var speed = new Option<double?>("--speed") { Description = "Running speed of plain run segments, m/s" };
        var mounting = new Option<double?>("--mounting-deg") { Description = "Largest clip misalignment about any axis, degrees" };
        var loss = new Option<double?>("--loss") { Description = "Packet loss probability, 0..1" };
        var duration = new Option<double?>("--duration-s") { Description = "Length of run-steady and standing, s (10 s..24 h; default 300 s and 600 s)" };
        var cmd = new Command("simulate", "Write a recording of simulated shoe clips and its ground truth") { plan, output, seed, rate, strike, speed, mounting, loss, duration };
        cmd.SetAction(p =>
        {
            var s = new SimulationSettings { Seed = p.GetValue(seed), SampleRateHz = p.GetValue(rate) };
            if (p.GetValue(strike) is { } st)
            {
                var pattern = StrideCsv.ParsePattern(st);
                if (pattern == StrikePattern.Unknown) throw new InputException($"--strike '{st}': use rearfoot, midfoot or forefoot");
                s = s with { StrikePattern = pattern };
            }

            if (p.GetValue(speed) is { } v) s = s with { RunSpeedMps = v };
            if (p.GetValue(mounting) is { } m) s = s with { MountingMaxDeg = m };
            if (p.GetValue(loss) is { } l) s = s with { PacketLossProbability = l };
            if (p.GetValue(duration) is { } d) s = s with { PlanDurationS = d };
            var r = SimulationRecorder.Write(p.GetValue(plan)!, s, p.GetValue(output)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.RecordingPath} ({r.Frames} notifications, {r.DurationS / 60:F1} min, {r.Strides} true strides), truth {r.TruthPath}, bouts {r.BoutsPath}"));
            return 0;
        });
        return cmd;
    }
}
