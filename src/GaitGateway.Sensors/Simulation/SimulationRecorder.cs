using GaitGateway.Core.Recording;

namespace GaitGateway.Sensors.Simulation;

/// <summary>What <see cref="SimulationRecorder.Write"/> produced.</summary>
public sealed record SimulationResult(string RecordingPath, string TruthPath, string BoutsPath, long Frames, int Strides, double DurationS);

/// <summary>The CLI's <c>simulate</c> entry point: a recording plus its ground truth beside it.</summary>
public static class SimulationRecorder
{
    /// <summary>
    /// Writes <paramref name="outPath"/> (a recording, one frame per notification) and, beside it,
    /// <c>&lt;out&gt;.truth.csv</c> (StrideCsv columns) and <c>&lt;out&gt;.bouts.csv</c>, where &lt;out&gt; is
    /// <paramref name="outPath"/> without its extension. Refuses to overwrite any of the three.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown plan (the message lists the known ones) or a setting out of range.</exception>
    /// <exception cref="IOException">One of the output files exists.</exception>
    public static SimulationResult Write(string planName, SimulationSettings settings, string outPath)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(outPath);
        var run = SimulatedRun.Create(SessionPlans.Get(planName, settings), settings);
        var truthPath = TruthPath(outPath);
        var boutsPath = BoutsPath(outPath);
        foreach (var p in new[] { outPath, truthPath, boutsPath })
        {
            if (File.Exists(p)) throw new IOException($"{p} exists; the simulator never overwrites files");
        }

        long frames;
        using (var writer = new RecordingWriter(outPath, run.Header))
        {
            foreach (var n in run.Notifications()) writer.Append(n.SensorIndex, n.Kind, n.HostTimeUs, n.Payload);
            frames = writer.FramesWritten;
        }

        using (var strides = new StreamWriter(new FileStream(truthPath, FileMode.CreateNew, FileAccess.Write), TruthBuilder.Utf8NoBom))
        using (var bouts = new StreamWriter(new FileStream(boutsPath, FileMode.CreateNew, FileAccess.Write), TruthBuilder.Utf8NoBom))
        {
            run.WriteTruth(strides, bouts);
        }

        return new SimulationResult(outPath, truthPath, boutsPath, frames, run.Truth.Count, run.DurationS);
    }

    /// <summary><c>run.ggwrec</c> → <c>run.truth.csv</c>.</summary>
    public static string TruthPath(string outPath) => Stem(outPath) + ".truth.csv";

    /// <summary><c>run.ggwrec</c> → <c>run.bouts.csv</c>.</summary>
    public static string BoutsPath(string outPath) => Stem(outPath) + ".bouts.csv";

    private static string Stem(string outPath)
    {
        ArgumentNullException.ThrowIfNull(outPath);
        return Path.ChangeExtension(outPath, null);
    }
}
