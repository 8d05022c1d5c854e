using System.Globalization;
using System.Numerics;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Evaluation;

/// <summary>
/// A real foot recording played back <c>factor</c> times slower, kinematically: the same foot path, the same attitudes,
/// in <c>factor</c> times the time. Angular rate scales by 1/factor and the foot's own acceleration by 1/factor², while
/// gravity stays what it is. No recording of very slow walking with a length reference is shared here, and the
/// simulator's slow walk is our own model; slowing a real walk keeps its real landings, roll-overs, stance sway and
/// swing shape (issue 11: "very slow walking, ~1.9 s per stride, gives half-length or dropped strides, and the first
/// stride after standing is missed", in recordings we do not have).
/// </summary>
/// <remarks>
/// <para>Specific force f = a + u, where u is the reaction to gravity in the clip's frame (what the clip reads at rest).
/// Slowed: f′ = (f − u)/factor² + u, ω′ = ω/factor (the bias, read over the first 0.5 s at rest, kept as it was). u is
/// carried by the gyroscope and drawn towards the accelerometer (5 % per sample) wherever the foot is nearly still
/// (|‖f‖ − g| &lt; 0.8 m/s² and ‖ω‖ &lt; 30 °/s for 7 samples in a row) — forward only, as a pipeline carries its attitude
/// from the last stance. An error in u enters f′ scaled by 1 − 1/factor²; real gyroscope and accelerometer disagree by a
/// few degrees over a stride, so lengths measured on slowed walks are a little worse than on the walks themselves
/// (footprints at ×1.3: 2.4 cm against 2.1), and what these files test is finding strides, not measuring them.</para>
/// <para>What it does not make: a real slow walker also changes how she walks (longer double support, a lower swing).
/// A gyroscope that flat-topped at its rail would be slowed off the rail, where nothing could find it, so jogging with a
/// saturated gyroscope is no input for it.</para>
/// </remarks>
public static class RealWalkSlowdown
{
    private const double G = 9.81;
    private const string Header = "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z";

    /// <summary>Writes <paramref name="srcCsv"/> (one foot, any layout and units the replay reads) slowed by
    /// <paramref name="factor"/> to <paramref name="dstCsv"/> (<c>time_s,acc_x..,gyr_x..</c>: m/s², °/s), at the source's
    /// mean sample interval.</summary>
    public static void SlowCsv(string srcCsv, string dstCsv, double factor)
    {
        // Read as every replay reads a CSV (units, layouts, one-line errors naming file, line and column).
        List<ImuSample> samples;
        using (var reader = CsvImuReader.Open(srcCsv))
        {
            if (reader.Feet.Count != 1) throw new InputException($"{srcCsv}: one foot per file expected, found {reader.Feet.Count}");
            samples = reader.ReadSamples().Select(s => s.Sample).ToList();
        }

        if (samples.Count < 2) throw new InputException($"{srcCsv}: fewer than 2 samples");
        var n = samples.Count;
        var t = samples.Select(x => x.TimeS).ToArray();
        var f = samples.Select(x => x.AccSensorMps2).ToArray();
        var w = samples.Select(x => x.GyroSensorDps).ToArray();
        var rest = Enumerable.Range(0, n).Where(i => t[i] - t[0] < 0.5).ToList();
        var biasDps = rest.Aggregate(Vector3.Zero, (s, i) => s + w[i]) / rest.Count;
        const float degToRad = MathF.PI / 180;

        var quiet = new bool[n];
        for (var i = 0; i < n; i++) quiet[i] = Math.Abs(f[i].Length() - G) < 0.8 && (w[i] - biasDps).Length() < 30;
        var still = new bool[n];
        for (var i = 3; i + 3 < n; i++)
        {
            still[i] = true;
            for (var k = i - 3; k <= i + 3 && still[i]; k++) still[i] = quiet[k];
        }

        var up = new Vector3[n];
        var u = f[0];
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                // A frame-fixed vector seen from a frame turning at ω turns at −ω.
                var omega = (0.5f * (w[i] + w[i - 1]) - biasDps) * degToRad;
                var angle = omega.Length() * (float)(t[i] - t[i - 1]);
                if (angle > 1e-9f) u = Vector3.Transform(u, Quaternion.CreateFromAxisAngle(-Vector3.Normalize(omega), angle));
            }

            if (still[i]) u += 0.05f * (f[i] - u);
            up[i] = u;
        }

        var s = (float)factor;
        var fs = new Vector3[n];
        var ws = new Vector3[n];
        for (var i = 0; i < n; i++)
        {
            fs[i] = ((f[i] - up[i]) / (s * s)) + up[i];
            ws[i] = ((w[i] - biasDps) / s) + biasDps;
        }

        var dt = (t[^1] - t[0]) / (n - 1);
        var sb = new StringBuilder(Header).Append('\n');
        var j = 0;
        for (var k = 0; ; k++)
        {
            var tOut = t[0] + (k * dt);
            var tSrc = t[0] + ((tOut - t[0]) / factor);
            if (tSrc > t[^1]) break;
            while (j + 2 < n && t[j + 1] <= tSrc) j++;
            var x = (float)(t[j + 1] > t[j] ? (tSrc - t[j]) / (t[j + 1] - t[j]) : 0);
            var fo = Vector3.Lerp(fs[j], fs[j + 1], x);
            var wo = Vector3.Lerp(ws[j], ws[j + 1], x);
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{tOut:F6},{fo.X:R},{fo.Y:R},{fo.Z:R},{wo.X:R},{wo.Y:R},{wo.Z:R}\n"));
        }

        File.WriteAllText(dstCsv, sb.ToString());
    }

    /// <summary>
    /// The footprints-walk-jog walks (trials without a stride over <see cref="FootprintEvaluation.JoggingAboveM"/>: their
    /// jogging saturates the gyroscope, see the remarks) slowed by <paramref name="factor"/> into
    /// <paramref name="dstDir"/>, each footprint's time scaled with them. Returns the trials written.
    /// </summary>
    public static IReadOnlyList<string> SlowFootprintWalks(string footprintsDir, string dstDir, double factor)
    {
        Directory.CreateDirectory(dstDir);
        var written = new List<string>();
        foreach (var trial in FootprintEvaluation.Trials(footprintsDir))
        {
            var fpPath = Path.Combine(footprintsDir, trial + "_footprints.csv");
            var fps = FootprintEvaluation.ReadFootprints(fpPath);
            if (fps.Zip(fps.Skip(1), (a, b) => Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)))).Any(d => d > FootprintEvaluation.JoggingAboveM)) continue;
            var sb = new StringBuilder("footprint,time_s,x_m,y_m\n");
            for (var i = 0; i < fps.Count; i++)
                sb.Append(string.Create(CultureInfo.InvariantCulture, $"{i},{fps[i].TimeS * factor:F4},{fps[i].X:R},{fps[i].Y:R}\n"));
            File.WriteAllText(Path.Combine(dstDir, trial + "_footprints.csv"), sb.ToString());
            SlowCsv(Path.Combine(footprintsDir, trial + "_right.csv"), Path.Combine(dstDir, trial + "_right.csv"), factor);
            written.Add(trial);
        }

        if (written.Count == 0) throw new InputException($"{footprintsDir}: no walking trial to slow down (every trial holds jogging strides over {FootprintEvaluation.JoggingAboveM} m)");
        return written;
    }
}
