using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Evaluation;

/// <summary>Figures against the gaitmap-walk motion-capture reference (tests/data/datasets/README.md).</summary>
public sealed record GaitmapFigures(int ReferenceStrides, int Matched, double StrideLengthMaeM, double IcMedianAbsErrorS, double StrikeAngleMaeDeg, double StrideLengthBiasM, double ToMedianAbsErrorS, double ContactTimeMaeS, double IcMedianErrorS, double ToMedianErrorS);

/// <summary>
/// Compares our strides with gaitmap's motion-capture stride events: stride length = horizontal heel-marker (FCC)
/// travel between the stride's minimum-velocity borders; IC from `ic`; strike angle = pitch of the heel→toe marker
/// vector at `ic` minus its pitch at the following mid-stance (`end`, minimum velocity).
/// </summary>
public static class GaitmapEvaluation
{
    public const double ImuRateHz = 204.8;
    public const double MocapRateHz = 100.0;

    /// <remarks>Our first strides from standing (<see cref="StrideFlags.FromRest"/>) are left out: the reference strides
    /// run contact to contact.</remarks>
    public static GaitmapFigures Evaluate(string datasetDir, IReadOnlyList<StrideMetrics> allStrides)
    {
        var strides = allStrides.Where(s => (s.Flags & StrideFlags.FromRest) == 0).ToList();
        var events = File.ReadAllLines(Path.Combine(datasetDir, "stride_events_sample.csv")).Skip(1)
            .Select(l => l.Split(',')).Select(c => (Foot: c[1] == "left" ? Foot.Left : Foot.Right,
                Start: P(c[2]), End: P(c[3]), Ic: P(c[4]), Tc: P(c[5]), PreIc: P(c[7]))).ToList();
        var mocap = ReadMocap(Path.Combine(datasetDir, "mocap_sample.csv"));
        var lengthErr = new List<double>();
        var icErr = new List<double>();
        var strikeErr = new List<double>();
        var toErr = new List<double>();
        var contactErr = new List<double>();
        var matched = 0;
        foreach (var e in events)
        {
            var prefix = e.Foot == Foot.Left ? "L_" : "R_";
            var heelA = mocap.At(prefix + "FCC", e.Start / ImuRateHz);
            var heelB = mocap.At(prefix + "FCC", e.End / ImuRateHz);
            var refLength = Math.Sqrt(Sq(heelB.X - heelA.X) + Sq(heelB.Y - heelA.Y)) / 1000.0;
            var refPreIcS = e.PreIc / ImuRateHz;
            var ours = strides.Where(s => s.Foot == e.Foot && Math.Abs(s.IcTimeS - refPreIcS) < 0.15).ToList();
            if (ours.Count == 0) continue;
            var s = ours.MinBy(x => Math.Abs(x.IcTimeS - refPreIcS));
            matched++;
            lengthErr.Add(s.StrideLengthM - refLength);
            icErr.Add(s.IcTimeS - refPreIcS);
            // The reference stride's toe-off (tc) ends the contact that began at pre_ic: our stride's TO.
            toErr.Add(s.ToTimeS - (e.Tc / ImuRateHz));
            contactErr.Add((s.ToTimeS - s.IcTimeS) - ((e.Tc - e.PreIc) / ImuRateHz));
            // Strike angle of the contact that closes the reference stride (ic), against our stride starting there.
            var next = strides.Where(x => x.Foot == e.Foot && Math.Abs(x.IcTimeS - (e.Ic / ImuRateHz)) < 0.15).ToList();
            if (next.Count > 0)
            {
                var refStrike = Pitch(mocap, prefix, e.Ic / ImuRateHz) - Pitch(mocap, prefix, e.End / ImuRateHz);
                strikeErr.Add(next.MinBy(x => Math.Abs(x.IcTimeS - (e.Ic / ImuRateHz))).StrikeAngleDeg - refStrike);
            }
        }

        return new GaitmapFigures(events.Count, matched, Stats.MeanAbs(lengthErr), Stats.Median(icErr.Select(Math.Abs)), Stats.MeanAbs(strikeErr), Stats.Mean(lengthErr),
            Stats.Median(toErr.Select(Math.Abs)), Stats.MeanAbs(contactErr), Stats.Median(icErr), Stats.Median(toErr));
    }

    private static double Pitch(Mocap m, string prefix, double t)
    {
        var heel = m.At(prefix + "FCC", t);
        var toe = m.At(prefix + "TOE", t);
        var dx = toe.X - heel.X; var dy = toe.Y - heel.Y; var dz = toe.Z - heel.Z;
        return Math.Atan2(dz, Math.Sqrt((dx * dx) + (dy * dy))) * 180 / Math.PI;
    }

    private static double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static double Sq(double x) => x * x;

    private sealed class Mocap(Dictionary<string, int> columns, List<double[]> rows)
    {
        public (double X, double Y, double Z) At(string marker, double timeS)
        {
            var f = Math.Clamp(timeS * MocapRateHz, 0, rows.Count - 1.001);
            var i = (int)f; var w = f - i;
            var c = columns[marker];
            double L(int k) => (rows[i][c + k] * (1 - w)) + (rows[i + 1][c + k] * w);
            return (L(0), L(1), L(2));
        }
    }

    private static Mocap ReadMocap(string path)
    {
        var lines = File.ReadAllLines(path);
        var names = lines[0].Split(',');
        var columns = new Dictionary<string, int>();
        for (var i = 1; i < names.Length; i++) columns.TryAdd(names[i], i);
        var rows = lines.Skip(2).Where(l => l.Length > 0).Select(l => l.Split(',').Select(x => x.Length == 0 ? double.NaN : P(x)).ToArray()).ToList();
        return new Mocap(columns, rows);
    }
}
