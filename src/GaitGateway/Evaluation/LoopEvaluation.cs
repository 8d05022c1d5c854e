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
        var data = CsvImport.ReadFootFile(csvPath, Foot.Left);
        var pipeline = new FootPipeline(Foot.Left);
        var path = 0.0;
        var strides = 0;
        foreach (var s in data.Samples)
        {
            if (pipeline.Update(s, out var stride)) { strides++; path += stride.StrideLengthM; }
        }

        var p = pipeline.PositionWorldM;
        return new LoopFigures(strides, path, Math.Sqrt((p.X * p.X) + (p.Y * p.Y)));
    }
}
