using System.CommandLine;
using System.Globalization;
using GaitGateway.Evaluation;
using GaitGateway.Pipeline;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    private static Command EvaluateCommand()
    {
        var input = new Argument<string?>("input") { Description = "Recording or CSV to evaluate", Arity = ArgumentArity.ZeroOrOne };
        var truth = new Option<string?>("--truth") { Description = "Truth stride CSV (the simulator writes <recording>.truth.csv)" };
        var gaitmap = new Option<string?>("--gaitmap") { Description = "Folder of the gaitmap-walk dataset (motion-capture reference)" };
        var loop = new Option<string?>("--loop") { Description = "A closed-loop walk CSV (xio-loop-walk): end-point drift" };
        var footprints = new Option<string?>("--footprints") { Description = "Folder of the footprints-walk-jog dataset (stride length from measured footprints)" };
        var slowDown = new Option<double?>("--slow-down")
        {
            Description = "With --footprints: replay its walks (the trials without jogging) slowed down by this factor, e.g. 1.6 for ~1.9-s strides (kinematically: same path, more time)",
        };
        var cmd = new Command("evaluate", "Accuracy against a truth file or a shared reference dataset") { input, truth, gaitmap, loop, footprints, slowDown };
        cmd.SetAction(async (p, ct) =>
        {
            if (p.GetValue(gaitmap) is { } dir)
            {
                var csv = Path.Combine(dir, "imu_sample.csv");
                if (!File.Exists(csv)) throw new InputException($"{dir}: no imu_sample.csv (not the gaitmap-walk folder)");
                var r = await ReplayJob.RunAsync(new ReplayOptions { CsvFiles = [csv], StorePath = "" }, null, ct).ConfigureAwait(false);
                var f = GaitmapEvaluation.Evaluate(dir, r.Strides);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"gaitmap-walk: {f.Matched}/{f.ReferenceStrides} strides matched; stride length MAE {f.StrideLengthMaeM * 100:F2} cm (bias {f.StrideLengthBiasM * 100:+0.00;-0.00} cm); IC median |error| {f.IcMedianAbsErrorS * 1000:F1} ms (median {f.IcMedianErrorS * 1000:+0.0;-0.0} ms); TO median |error| {f.ToMedianAbsErrorS * 1000:F1} ms (median {f.ToMedianErrorS * 1000:+0.0;-0.0} ms); contact time MAE {f.ContactTimeMaeS * 1000:F1} ms; strike angle MAE {f.StrikeAngleMaeDeg:F2} °"));
                return 0;
            }

            if (p.GetValue(loop) is { } loopCsv)
            {
                var f = LoopEvaluation.Evaluate(loopCsv);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(loopCsv)}: {f.Strides} strides, path {f.PathLengthM:F1} m, end-point error {f.EndErrorM:F2} m = {f.EndErrorPercent:F2} % of the path"));
                return 0;
            }

            if (p.GetValue(slowDown) is not null && p.GetValue(footprints) is null) throw new InputException("evaluate: --slow-down goes with --footprints DIR");
            if (p.GetValue(footprints) is { } fpDir)
            {
                if (p.GetValue(slowDown) is not { } factor)
                {
                    Console.WriteLine((await FootprintEvaluation.EvaluateAsync(fpDir, ct).ConfigureAwait(false)).Format());
                    return 0;
                }

                if (!(factor >= 1 && factor <= 3)) throw new InputException($"--slow-down {factor.ToString(CultureInfo.InvariantCulture)}: expected a factor from 1 to 3");
                var tmp = Directory.CreateTempSubdirectory("gaitgw-slow-").FullName;
                try
                {
                    RealWalkSlowdown.SlowFootprintWalks(fpDir, tmp, factor);
                    var name = string.Create(CultureInfo.InvariantCulture, $"footprints-walk-jog walks slowed ×{factor:0.##}");
                    Console.WriteLine((await FootprintEvaluation.EvaluateAsync(tmp, ct, factor, name).ConfigureAwait(false)).Format());
                }
                finally
                {
                    Directory.Delete(tmp, recursive: true);
                }

                return 0;
            }

            var file = p.GetValue(input) ?? throw new InputException("evaluate: give a recording with --truth, or --gaitmap DIR, --loop CSV or --footprints DIR");
            var truthPath = p.GetValue(truth) ?? Sensors.Simulation.SimulationRecorder.TruthPath(file);
            if (!File.Exists(truthPath)) throw new InputException($"{truthPath}: no such truth file");
            InputFiles.RequireRegularFile(file);
            var truthStrides = TruthEvaluation.ReadStrideCsv(truthPath);
            var rec = IsRecording(file);
            var result = await ReplayJob.RunAsync(new ReplayOptions { Recording = rec ? file : null, CsvFiles = rec ? [] : [file], StorePath = "" }, null, ct).ConfigureAwait(false);
            var floorMs = result.Header?.TransportDelayFloorMs ?? 0;
            Console.WriteLine(TruthEvaluation.Compare(truthStrides, result.Strides, floorMs / 1000).Format());
            Console.WriteLine(OverstrideEvaluation.Compare(truthStrides, result.Strides).Format());
            if (floorMs != 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"(IC and TO less the recording's transport-delay floor of {floorMs:0.###} ms, which clock mapping cannot observe)"));
            return 0;
        });
        return cmd;
    }
}
