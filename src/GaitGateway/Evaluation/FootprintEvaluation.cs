using System.Globalization;
using GaitGateway.Core.Strides;
using GaitGateway.Pipeline;

namespace GaitGateway.Evaluation;

/// <summary>One footprint-to-footprint stride of a trial and what we reported for it.</summary>
/// <param name="Index">Footprint index of the stride's start (footprint Index → Index + 1).</param>
/// <param name="TruthM">Distance between the two measured footprints, m.</param>
/// <param name="PivotTurn">A footprint of this stride is a pivot turn: left out of every score.</param>
/// <param name="Jogging">Longer than <see cref="FootprintEvaluation.JoggingAboveM"/>.</param>
/// <param name="OursM">Our stride length, m (NaN when no stride of ours paired with it).</param>
public sealed record FootprintStride(int Index, double TruthM, bool PivotTurn, bool Jogging, double OursM)
{
    public bool Found => double.IsFinite(OursM);
    public double ErrorM => OursM - TruthM;
}

/// <summary>Figures of one footprints-walk-jog trial (see <see cref="FootprintEvaluation"/>).</summary>
/// <param name="Trial">File stem, e.g. exp31.</param>
/// <param name="Strides">Every footprint stride, pivot turns included (flagged).</param>
/// <param name="Reported">Strides we reported.</param>
/// <param name="SplitOrCutShort">Our strides with both contacts in one stance, or a contact in a stance that holds two
/// of our contacts (the stance was split: the stride begins or ends at the false contact).</param>
/// <param name="Merged">Our strides spanning two footprint strides (a stance missed in between).</param>
/// <param name="Unpaired">Our strides with a contact no footprint's stance accounts for.</param>
public sealed record FootprintTrialFigures(string Trial, IReadOnlyList<FootprintStride> Strides, int Reported, int SplitOrCutShort, int Merged, int Unpaired)
{
    public IEnumerable<FootprintStride> Scored => Strides.Where(s => !s.PivotTurn);
    public int ScoredCount => Scored.Count();
    public int Found => Scored.Count(s => s.Found);
    public double RecallPercent => 100.0 * Found / Math.Max(1, ScoredCount);
    public int PivotTurnStrides => Strides.Count(s => s.PivotTurn);
    public IEnumerable<FootprintStride> WalkingFound => Scored.Where(s => s.Found && !s.Jogging);
    public IEnumerable<FootprintStride> JoggingFound => Scored.Where(s => s.Found && s.Jogging);
    public double WalkingMaeM => Stats.MeanAbs(WalkingFound.Select(s => s.ErrorM));
    public double WalkingBiasM => Stats.Mean(WalkingFound.Select(s => s.ErrorM));
    public double JoggingMaePercent => Stats.MeanAbs(JoggingFound.Select(s => 100 * s.ErrorM / s.TruthM));
    public double JoggingBiasPercent => Stats.Mean(JoggingFound.Select(s => 100 * s.ErrorM / s.TruthM));
    /// <summary>Every trial starts standing: its first footprint stride is the first stride from standing.</summary>
    public bool FirstFromStandingReported => Strides.Count > 0 && Strides[0].Found;
    /// <summary>Every trial ends standing: its last footprint stride is the last before the stop.</summary>
    public bool LastBeforeStopReported => Strides.Count > 0 && Strides[^1].Found;
}

/// <summary>All trials of footprints-walk-jog and the pooled figures.</summary>
public sealed record FootprintFigures(IReadOnlyList<FootprintTrialFigures> Trials, string Name = "footprints-walk-jog")
{
    private IEnumerable<FootprintStride> Scored => Trials.SelectMany(t => t.Scored);
    public int ScoredCount => Scored.Count();
    public int Found => Scored.Count(s => s.Found);
    public double RecallPercent => 100.0 * Found / Math.Max(1, ScoredCount);
    public int SplitOrCutShort => Trials.Sum(t => t.SplitOrCutShort);
    public int Merged => Trials.Sum(t => t.Merged);
    public int Unpaired => Trials.Sum(t => t.Unpaired);
    public double WalkingMaeM => Stats.MeanAbs(Trials.SelectMany(t => t.WalkingFound).Select(s => s.ErrorM));
    public double WalkingBiasM => Stats.Mean(Trials.SelectMany(t => t.WalkingFound).Select(s => s.ErrorM));
    public double JoggingMaePercent => Stats.MeanAbs(Trials.SelectMany(t => t.JoggingFound).Select(s => 100 * s.ErrorM / s.TruthM));
    public int FirstFromStandingReported => Trials.Count(t => t.FirstFromStandingReported);
    public int LastBeforeStopReported => Trials.Count(t => t.LastBeforeStopReported);
    public double WorstRecallPercent => Trials.Min(t => t.RecallPercent);

    /// <summary>The worst trial: lowest recall, then most split strides, then largest walking MAE.</summary>
    public FootprintTrialFigures Worst => Trials.OrderBy(t => t.RecallPercent).ThenByDescending(t => t.SplitOrCutShort)
        .ThenByDescending(t => double.IsFinite(t.WalkingMaeM) ? t.WalkingMaeM : 0).First();

    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = Trials.Select(t => string.Create(c,
            $"{t.Trial}: strides found {t.Found}/{t.ScoredCount} ({t.RecallPercent:F1} %; {t.PivotTurnStrides} pivot-turn strides left out); split or cut short {t.SplitOrCutShort}, merged {t.Merged}, unpaired {t.Unpaired}; first from standing {YesNo(t.FirstFromStandingReported)}, last before stop {YesNo(t.LastBeforeStopReported)}; walking MAE {Cm(t.WalkingMaeM)} cm (bias {Cm(t.WalkingBiasM)} cm, n {t.WalkingFound.Count()}){Jog(t)}")).ToList();
        var w = Worst;
        lines.Add(string.Create(c,
            $"{Name} ({Trials.Count} trials): strides found {Found}/{ScoredCount} ({RecallPercent:F1} %, worst trial {WorstRecallPercent:F1} %); split or cut short {SplitOrCutShort}, merged {Merged}, unpaired {Unpaired}; first strides from standing reported {FirstFromStandingReported}/{Trials.Count}, last before stop {LastBeforeStopReported}/{Trials.Count}; walking MAE {Cm(WalkingMaeM)} cm (bias {Cm(WalkingBiasM)} cm); jogging MAE {Pct(JoggingMaePercent)} %; worst trial {w.Trial} ({w.RecallPercent:F1} % found, {w.SplitOrCutShort} split, walking MAE {Cm(w.WalkingMaeM)} cm)"));
        return string.Join(Environment.NewLine, lines);

        static string YesNo(bool b) => b ? "reported" : "missed";
        static string Pct(double p) => double.IsFinite(p) ? p.ToString("F2", CultureInfo.InvariantCulture) : "–";
        static string Cm(double m) => double.IsFinite(m) ? (m * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture).TrimStart('+') : "–";
        static string Jog(FootprintTrialFigures t) => t.Strides.Any(s => s.Jogging)
            ? string.Create(CultureInfo.InvariantCulture, $"; jogging MAE {t.JoggingMaePercent:F2} % (bias {t.JoggingBiasPercent:+0.00;-0.00} %, n {t.JoggingFound.Count()})")
            : "";
    }
}

/// <summary>
/// Stride length against footprints measured with a ruler (tests/data/datasets/footprints-walk-jog, one clip on the
/// right shoe). Each trial is replayed through the CSV import and the live pipeline; our strides are paired with the
/// footprint strides by time only, since the footprint time is no timing truth (its README): it sits near the end of
/// the foot-flat of the stance that left the footprint, so a contact belongs to the first footprint whose time is not
/// more than <see cref="ContactAfterFootprintS"/> before it.
/// </summary>
/// <remarks>
/// <para>A footprint stride is found when exactly one of our strides has its contact in that footprint's stance and its
/// next contact in the next one, and neither stance holds a second contact of ours. A stance holding two of our
/// contacts was split (a false contact inside it): every stride that begins or ends there counts as split or cut
/// short, none as found; so does a stride shorter than <see cref="CutShortBelow"/> of its footprint stride.</para>
/// <para>Pivot turns — a footprint where the stride direction turns by more than 90° against its neighbour — are left
/// out of every score with both strides touching them: the clip on the instep and the footprint's reference point move
/// differently while the foot spins (dataset README). Jogging strides are those longer than
/// <see cref="JoggingAboveM"/> (the dataset's own split), scored in percent; walking ones in cm.</para>
/// </remarks>
public static class FootprintEvaluation
{
    /// <summary>Strides longer than this are jogging, m (the dataset README's split).</summary>
    public const double JoggingAboveM = 1.9;

    /// <summary>How far a contact may come after its footprint's time, s: the footprint time is placed near the end of the
    /// foot-flat, after the contact (our real contacts come 0.13–0.6 s before it, walking and jogging), with a little room
    /// for a footprint placed early. A contact later than that is in the swing that leaves the footprint.</summary>
    public const double ContactAfterFootprintS = 0.05;

    /// <summary>A stride paired by its contacts but shorter than this fraction of its footprint stride was cut short: it
    /// ended at a false stance in the swing, and the stance after it was never seen (the last stride before a stop, where
    /// no later contact shows the split). Real errors stay within ±0.3 m of 1.3-m strides.</summary>
    public const double CutShortBelow = 0.5;

    /// <summary>A contact more than this before the next footprint's time belongs to no stance, s.</summary>
    public const double MaxContactBeforeFootprintS = 2.5;

    /// <summary>The trial files: <c>expNN_right.csv</c> with <c>expNN_footprints.csv</c>, in name order.</summary>
    public static IReadOnlyList<string> Trials(string dir)
    {
        if (!Directory.Exists(dir)) throw new InputException($"{dir}: no such folder");
        var trials = Directory.GetFiles(dir, "*_footprints.csv").Select(f => Path.GetFileName(f)[..^"_footprints.csv".Length])
            .Where(t => File.Exists(Path.Combine(dir, t + "_right.csv"))).Order(StringComparer.Ordinal).ToList();
        if (trials.Count == 0) throw new InputException($"{dir}: no *_footprints.csv with a *_right.csv beside it (not the footprints-walk-jog folder)");
        return trials;
    }

    /// <param name="timeScale">The trials were slowed down by this factor (<see cref="RealWalkSlowdown"/>): the pairing's
    /// time windows, which follow from how long a stance lasts, are scaled with them.</param>
    public static async Task<FootprintFigures> EvaluateAsync(string dir, CancellationToken ct, double timeScale = 1, string name = "footprints-walk-jog")
    {
        var result = new List<FootprintTrialFigures>();
        foreach (var trial in Trials(dir))
        {
            var r = await ReplayJob.RunAsync(new ReplayOptions { RightCsv = Path.Combine(dir, trial + "_right.csv"), StorePath = "" }, null, ct).ConfigureAwait(false);
            result.Add(Evaluate(trial, ReadFootprints(Path.Combine(dir, trial + "_footprints.csv")), r.Strides, timeScale));
        }

        return new FootprintFigures(result, name);
    }

    /// <summary>A measured footprint: time (for pairing only) and floor position, m.</summary>
    public readonly record struct Footprint(double TimeS, double X, double Y);

    public static List<Footprint> ReadFootprints(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("footprint,time_s,x_m,y_m", StringComparison.Ordinal))
            throw new InputException($"{path}: line 1: expected header 'footprint,time_s,x_m,y_m'");
        var result = new List<Footprint>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var c = lines[i].Split(',');
            if (c.Length < 4) throw new InputException($"{path}: line {i + 1}: expected 4 cells, found {c.Length}");
            double D(int k) => double.TryParse(c[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                : throw new InputException($"{path}: line {i + 1}, column {k + 1}: '{c[k]}' is not a number");
            result.Add(new Footprint(D(1), D(2), D(3)));
        }

        return result;
    }

    public static FootprintTrialFigures Evaluate(string trial, IReadOnlyList<Footprint> fp, IReadOnlyList<StrideMetrics> strides, double timeScale = 1)
    {
        var ours = strides.Where(s => s.Foot == Core.Samples.Foot.Right).ToList();
        int StanceOf(double t)
        {
            if (!double.IsFinite(t)) return -1;
            for (var j = 0; j < fp.Count; j++)
                if (fp[j].TimeS >= t - (ContactAfterFootprintS * timeScale)) return fp[j].TimeS - t <= MaxContactBeforeFootprintS * timeScale ? j : -1;
            return -1;
        }

        // Our contacts per stance: each stride's two contacts, the shared one counted once.
        var contacts = new Dictionary<int, HashSet<long>>();
        foreach (var s in ours)
            foreach (var t in new[] { s.IcTimeS, s.NextIcTimeS })
            {
                var j = StanceOf(t);
                if (j < 0) continue;
                if (!contacts.TryGetValue(j, out var set)) contacts[j] = set = [];
                set.Add((long)Math.Round(t * 1000));
            }

        bool Split(int j) => contacts.TryGetValue(j, out var set) && set.Count > 1;
        var oursByStride = new Dictionary<int, double>();
        int split = 0, merged = 0, unpaired = 0;
        foreach (var s in ours)
        {
            var j = StanceOf(s.IcTimeS);
            var k = StanceOf(s.NextIcTimeS);
            if (j < 0 || k < 0) unpaired++;
            else if (k == j || Split(j) || Split(k)) split++;
            else if (k > j + 1) merged++;
            else if (s.StrideLengthM < CutShortBelow * Distance(fp[j], fp[k])) split++;
            else oursByStride[j] = s.StrideLengthM;
        }

        var result = new List<FootprintStride>();
        for (var j = 0; j + 1 < fp.Count; j++)
        {
            var truth = Distance(fp[j], fp[j + 1]);
            var pivot = PivotTurn(fp, j) || PivotTurn(fp, j + 1);
            result.Add(new FootprintStride(j, truth, pivot, truth > JoggingAboveM, oursByStride.TryGetValue(j, out var m) ? m : double.NaN));
        }

        return new FootprintTrialFigures(trial, result, ours.Count, split, merged, unpaired);
    }

    /// <summary>The stride direction turns by more than 90° at footprint <paramref name="j"/>.</summary>
    private static bool PivotTurn(IReadOnlyList<Footprint> fp, int j)
    {
        if (j <= 0 || j + 1 >= fp.Count) return false;
        var ax = fp[j].X - fp[j - 1].X; var ay = fp[j].Y - fp[j - 1].Y;
        var bx = fp[j + 1].X - fp[j].X; var by = fp[j + 1].Y - fp[j].Y;
        return (ax * bx) + (ay * by) < 0;
    }

    private static double Distance(Footprint a, Footprint b) => Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)));
}
