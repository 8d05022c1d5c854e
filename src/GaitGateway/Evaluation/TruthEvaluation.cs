using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Evaluation;

/// <summary>Accuracy against a truth file in the export's own columns (the simulator writes one beside each recording).</summary>
public sealed record TruthFigures(
    int TruthStrides, int Matched, int Extra,
    double StrideLengthMaePercent, double CadenceMaeSpm, double ContactTimeMaeS, double IcMaeS, double ToMaeS,
    double StrikeAngleMaeDeg, double StrikeClassAccuracy, double SpeedMaeMps,
    int OverstrideTruth, int OverstrideFlaggedTrue, int OverstrideFalsePositives, int NormalTruth)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"""
        strides: truth {TruthStrides}, matched {Matched} ({100.0 * Matched / Math.Max(1, TruthStrides):F1} %), extra {Extra}
        stride length MAE: {StrideLengthMaePercent:F2} %
        speed MAE: {SpeedMaeMps:F3} m/s
        cadence MAE: {CadenceMaeSpm:F2} steps/min
        contact time MAE: {ContactTimeMaeS * 1000:F1} ms
        initial contact MAE: {IcMaeS * 1000:F1} ms, toe-off MAE: {ToMaeS * 1000:F1} ms
        strike angle MAE: {StrikeAngleMaeDeg:F2} °, strike class right: {StrikeClassAccuracy * 100:F1} %
        overstriding, stride by stride: {OverstrideFlaggedTrue}/{OverstrideTruth} truth overstriding strides flagged, {OverstrideFalsePositives}/{NormalTruth} normal running strides flagged
        """);
}

public static class TruthEvaluation
{
    /// <summary>The longest run of one foot's true strides in a row with no stride of ours within 0.1 s of its contact (issue
    /// 11's "one odd moment costs at most one stride"), and the contact time where it ends.</summary>
    public static (int Count, double AtS) LongestMiss(IReadOnlyList<StrideMetrics> truth, IReadOnlyList<StrideMetrics> ours)
    {
        var (worst, atS) = (0, 0.0);
        foreach (var foot in new[] { Foot.Left, Foot.Right })
        {
            var contacts = ours.Where(s => s.Foot == foot).Select(s => s.IcTimeS).Order().ToArray();
            var run = 0;
            foreach (var t in truth.Where(x => x.Foot == foot).OrderBy(x => x.IcTimeS))
            {
                var i = Array.BinarySearch(contacts, t.IcTimeS - 0.1);
                if (i < 0) i = ~i;
                run = i < contacts.Length && contacts[i] < t.IcTimeS + 0.1 ? 0 : run + 1;
                if (run > worst) (worst, atS) = (run, t.IcTimeS);
            }
        }

        return (worst, atS);
    }

    /// <summary>
    /// A simulated run through the session, notification by notification as replay feeds it, scored against the run's
    /// own truth as <c>gaitgw evaluate</c> scores a recording (event times less its transport-delay floor).
    /// </summary>
    public static (TruthFigures Figures, List<StrideMetrics> Ours, List<StrideMetrics> Truth) Run(SimulatedRun run)
    {
        var sink = new CollectingSink();
        var session = new GaitSession(run.Header.Sensors, sink);
        foreach (var n in run.Notifications()) session.OnNotification(n);
        session.Complete();
        var truth = run.Truth.Select(t => t.ToStrideMetrics()).ToList();
        return (Compare(truth, sink.Strides, (run.Header.TransportDelayFloorMs ?? 0) / 1000), sink.Strides, truth);
    }

    public static List<StrideMetrics> ReadStrideCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != StrideCsv.Header) throw new InputException($"{path}: line 1: not a stride CSV (expected header '{StrideCsv.Header}')");
        var result = new List<StrideMetrics>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var c = lines[i].Split(',');
            if (c.Length != 13) throw new InputException($"{path}: line {i + 1}: expected 13 cells, found {c.Length}");
            double D(int k) => c[k].Length == 0 ? double.NaN : double.TryParse(c[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InputException($"{path}: line {i + 1}, column {k + 1}: '{c[k]}' is not a number");
            if (!FootNames.TryParse(c[0], out var foot)) throw new InputException($"{path}: line {i + 1}: foot '{c[0]}' is not left/right");
            result.Add(new StrideMetrics
            {
                Foot = foot, IcTimeS = D(1), ToTimeS = D(2), StrideTimeS = D(3), StrideLengthM = D(4), SpeedMps = D(5),
                ContactTimeS = D(6), FlightTimeS = D(7), StrikeAngleDeg = D(8), StrikePattern = StrideCsv.ParsePattern(c[9]),
                CadenceSpm = D(10), Overstride = c[11].Trim() == "1", CalfLoad = D(12),
                NextIcTimeS = D(1) + D(3),
            });
        }

        return result;
    }

    /// <param name="eventTimeOffsetS">Subtracted from our IC and TO times before they are compared: the recording's
    /// transport-delay floor (<see cref="Core.Recording.RecordingHeader.TransportDelayFloorMs"/>), which the clock
    /// mapping cannot observe. Durations (stride, contact time) and everything else are compared as they are.</param>
    /// <remarks>Our first strides from standing (<see cref="StrideFlags.FromRest"/>) are left out: no contact starts them,
    /// and the truth's strides run contact to contact.</remarks>
    public static TruthFigures Compare(IReadOnlyList<StrideMetrics> truth, IReadOnlyList<StrideMetrics> allOurs, double eventTimeOffsetS = 0)
    {
        var ours = allOurs.Where(s => (s.Flags & StrideFlags.FromRest) == 0).ToList();
        var pairs = new List<(StrideMetrics T, StrideMetrics O)>();
        var used = new HashSet<int>();
        foreach (var t in truth)
        {
            var best = -1;
            var bestErr = double.MaxValue;
            for (var i = 0; i < ours.Count; i++)
            {
                if (ours[i].Foot != t.Foot || used.Contains(i)) continue;
                var err = Math.Abs(ours[i].IcTimeS - t.IcTimeS);
                if (err < bestErr) { bestErr = err; best = i; }
            }

            // Matched when our IC is within a quarter stride of the truth's.
            if (best >= 0 && bestErr < 0.25 * t.StrideTimeS) { used.Add(best); pairs.Add((t, ours[best])); }
        }

        var running = pairs.Where(p => p.T.SpeedMps >= 2.0).ToList();
        return new TruthFigures(
            truth.Count, pairs.Count, ours.Count - pairs.Count,
            Stats.MeanAbs(pairs.Select(p => 100 * (p.O.StrideLengthM - p.T.StrideLengthM) / p.T.StrideLengthM)),
            Stats.MeanAbs(pairs.Select(p => p.O.CadenceSpm - p.T.CadenceSpm)),
            Stats.MeanAbs(pairs.Select(p => p.O.ContactTimeS - p.T.ContactTimeS)),
            Stats.MeanAbs(pairs.Select(p => p.O.IcTimeS - eventTimeOffsetS - p.T.IcTimeS)),
            Stats.MeanAbs(pairs.Select(p => p.O.ToTimeS - eventTimeOffsetS - p.T.ToTimeS)),
            Stats.MeanAbs(pairs.Select(p => p.O.StrikeAngleDeg - p.T.StrikeAngleDeg)),
            pairs.Count == 0 ? double.NaN : (double)pairs.Count(p => p.O.StrikePattern == p.T.StrikePattern) / pairs.Count,
            Stats.MeanAbs(pairs.Select(p => p.O.SpeedMps - p.T.SpeedMps)),
            running.Count(p => p.T.Overstride), running.Count(p => p.T.Overstride && p.O.Overstride),
            running.Count(p => !p.T.Overstride && p.O.Overstride), running.Count(p => !p.T.Overstride));
    }
}
