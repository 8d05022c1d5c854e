using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Evaluation;

/// <summary>End-point drift on a closed walk (xio-loop-walk: the walk ends where it started).</summary>
public sealed record LoopFigures(int Strides, double PathLengthM, double EndErrorM)
{
    public double EndErrorPercent => 100 * EndErrorM / PathLengthM;
}

public static class LoopEvaluation
{
    public static LoopFigures Evaluate(string csvPath)
    {
        var (samples, _) = Pipeline.ReplayJob.CheckedCsvSamples(csvPath, CsvImport.ReadFootFile(csvPath, Foot.Left).Samples, rangeGiven: false);
        var pipeline = new FootPipeline(Foot.Left);
        // The path is the horizontal travel of every mid-stance-to-mid-stance segment, the first step from standing
        // and the last to a stop included (they move the foot but close no IC-to-IC stride).
        var path = 0.0;
        var strides = 0;
        var last = Vector3.Zero;
        foreach (var s in samples)
        {
            if (pipeline.Update(s, out _)) strides++;
            AddTravel();
        }

        // The end of input completes the last stance, as in a replay: a stride held until the next mid-stance (on
        // trial, FootPipeline) comes out only here.
        while (pipeline.Flush(out _))
        {
            strides++;
        }

        AddTravel();
        var p = pipeline.PositionWorldM;
        return new LoopFigures(strides, path, Math.Sqrt((p.X * p.X) + (p.Y * p.Y)));

        void AddTravel()
        {
            var now = pipeline.PositionWorldM;
            if (now == last) return;
            path += Math.Sqrt(((now.X - last.X) * (now.X - last.X)) + ((now.Y - last.Y) * (now.Y - last.Y)));
            last = now;
        }
    }
}
