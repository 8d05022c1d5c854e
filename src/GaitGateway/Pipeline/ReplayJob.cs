using GaitGateway.Coaching.Cues;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Session;
using GaitGateway.Output;
using GaitGateway.Sensors.Csv;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Pipeline;

/// <summary>What `gaitgw replay` was asked to do.</summary>
public sealed record ReplayOptions
{
    public string? Recording { get; init; }
    public IReadOnlyList<string> CsvFiles { get; init; } = [];
    public string? LeftCsv { get; init; }
    public string? RightCsv { get; init; }
    public string? Axes { get; init; }
    /// <summary>Accelerometer full scale of CSV input, g; null = unknown (a recording carries its own).</summary>
    public double? AccRangeG { get; init; }
    /// <summary>Sample rate of a CSV timed by sample index (gaitmap's two-foot layout), Hz; null = 204.8 (the gaitmap
    /// sample's; other gaitmap datasets were recorded at 102.4 Hz).</summary>
    public double? IndexRateHz { get; init; }
    public string? ExportCsv { get; init; }
    /// <summary>SQLite file; null = the default store path; "" = do not store.</summary>
    public string? StorePath { get; init; }
    public string Runner { get; init; } = "runner";
    /// <summary>Return every stride in <see cref="ReplayResult.Strides"/> (evaluation, tests). False: only the totals
    /// and bouts, so memory stays flat however long the recording (`gaitgw replay` prints no more than those).</summary>
    public bool KeepStrides { get; init; } = true;
}

/// <summary>The result of a replay.</summary>
/// <param name="Strides">Every stride, or none when <see cref="ReplayOptions.KeepStrides"/> is false.</param>
/// <param name="Totals">Counts and sums over every stride, whether kept or not.</param>
/// <param name="Header">The recording's header (null for CSV input).</param>
/// <param name="Resumed">Set when the store already held a session of this recording: what was done with it.</param>
/// <param name="Analysis">The cue engine run over the session's strides in contact-time order (the cues the live
/// gateway would have spoken; stored as the session's alerts when the replay stores).</param>
/// <param name="OverstrideStretches">The flagged overstriding stretches (start, end), s.</param>
public sealed record ReplayResult(IReadOnlyList<StrideMetrics> Strides, IReadOnlyList<BoutSummary> Bouts, long? SessionId, string? StorePath, string? Warning, StrideTotals Totals, RecordingHeader? Header = null, string? Resumed = null, SessionAnalysis? Analysis = null, IReadOnlyList<(double StartS, double EndS)>? OverstrideStretches = null);

/// <summary>Replays a recording or CSV files through the live pipeline into the store and the export.</summary>
public static class ReplayJob
{
    /// <summary><see cref="Run"/> on a pool thread, so a caller's progress display keeps drawing meanwhile.</summary>
    public static Task<ReplayResult> RunAsync(ReplayOptions o, Action<double>? progress, CancellationToken ct) =>
        Task.Run(() => Run(o, progress, ct), ct);

    public static ReplayResult Run(ReplayOptions o, Action<double>? progress, CancellationToken ct)
    {
        SqliteStore? store = null;
        StoreSink? storeSink = null;
        StrideCsvWriter? export = null;
        long? sessionId = null;
        string? warning = null;
        try
        {
            if (o.Recording is { } path)
            {
                // Bad input never touches the store: the whole recording is read and checked first (every frame's
                // length, CRC, sensor, kind and time), and only a recording that reads to its end is replayed. With
                // neither a store nor an export there is nothing a bad frame could spoil, and the replay's own reader
                // makes the same checks and throws the same error at the same byte: the first pass (~8 ns/sample, a
                // tenth of a replay) is skipped.
                var check = o.StorePath == "" && string.IsNullOrEmpty(o.ExportCsv) ? null : RecordingCheck.Run(path);
                if (!string.IsNullOrEmpty(o.ExportCsv)) export = OpenExport(o.ExportCsv);
                using var reader = RecordingReader.Open(path);
                ResumingSink? resume = null;
                if (o.StorePath != "") (store, sessionId, storeSink, resume) = OpenStore(o, reader.Header.StartUtc, "replay", path, reader.Header, check!.ContentId);
                var totals = new StrideTotals();
                var cues = new CueAnalysisSink();
                var collect = new CollectingSink(Fan(totals, cues.Sink, resume ?? (IGaitSink?)storeSink, export), o.KeepStrides);
                var session = new GaitSession(reader.Header.Sensors, collect, SessionSettings(store, reader.Header.Runner ?? o.Runner, sessionId));
                var length = Math.Max(1, reader.Length);
                // A file is read on the session's thread (SessionRunner.Run says why), through the live channel.
                SessionRunner.Run(RecordingSource.Notifications(reader, p => progress?.Invoke((double)p / length)), session, ct);
                if (reader.TornTail is { } torn)
                    warning = $"{path}: byte {torn}: torn final frame ignored ({reader.TornTailReason})";
                resume?.Complete();
                Finish(store, storeSink, sessionId, reader.Header.StartUtc, totals);
                var analysis = cues.Complete(store, sessionId);
                return new ReplayResult(collect.Strides, collect.Bouts, sessionId, store?.Path, warning, totals, reader.Header, resume?.Describe("recording"), analysis, cues.OverstrideStretches);
            }
            else
            {
                var feet = LoadCsv(o);
                if (!string.IsNullOrEmpty(o.ExportCsv)) export = OpenExport(o.ExportCsv);
                // A CSV says nothing about when it was recorded: its file time is the best guess for the session start
                // (the weekly load and spike history need a plausible date).
                var csvStart = new DateTimeOffset(File.GetLastWriteTimeUtc(feet[0].Path), TimeSpan.Zero);
                ResumingSink? resume = null;
                if (o.StorePath != "")
                {
                    var inputId = InputIdentity.OfCsvFiles(feet.Select(f => (f.Foot, f.Path)));
                    (store, sessionId, storeSink, resume) = OpenStore(o, csvStart, "import", string.Join(";", feet.Select(f => f.Path)), null, inputId);
                }

                var totals = new StrideTotals();
                var cues = new CueAnalysisSink();
                var collect = new CollectingSink(Fan(totals, cues.Sink, resume ?? (IGaitSink?)storeSink, export), o.KeepStrides);
                var session = GaitSession.ForFeet(feet.Select(f => f.Foot), collect, SessionSettings(store, o.Runner, sessionId));
                // Merge the feet in time order so both pipelines advance together, as they would live.
                var idx = new int[feet.Count];
                var total = Math.Max(1, feet.Sum(f => f.Samples.Count));
                var done = 0;
                while (true)
                {
                    var best = -1;
                    for (var i = 0; i < feet.Count; i++)
                        if (idx[i] < feet[i].Samples.Count && (best < 0 || feet[i].Samples[idx[i]].TimeS < feet[best].Samples[idx[best]].TimeS)) best = i;
                    if (best < 0) break;
                    session.OnSample(feet[best].Foot, feet[best].Samples[idx[best]++]);
                    if ((++done & 4095) == 0) progress?.Invoke((double)done / total);
                }

                session.Complete();
                resume?.Complete();
                Finish(store, storeSink, sessionId, csvStart, totals);
                var analysis = cues.Complete(store, sessionId);
                return new ReplayResult(collect.Strides, collect.Bouts, sessionId, store?.Path, CsvWarnings(feet), totals, null, resume?.Describe("CSV import"), analysis, cues.OverstrideStretches);
            }
        }
        finally
        {
            storeSink?.Dispose();
            store?.Dispose();
            export?.Dispose();
        }
    }

    private sealed record FootData(Foot Foot, string Path, IReadOnlyList<ImuSample> Samples, double SampleRateHz, string? Warning);

    /// <summary>What the CSV feet say of themselves: a relabelled gyroscope (<see cref="WithGyroInAccFrame"/>), an
    /// accelerometer rail read from the data (<see cref="WithAccRailMarked"/>), and a file
    /// slower than the clips' slowest rate, which is measured but says so: walking holds there (the shared real walks
    /// decimated to 50 Hz keep every stride), a running stance may be too short to look still and two strides merge (a
    /// decimated jogging trial lost 6 of 26).</summary>
    private static string? CsvWarnings(List<FootData> feet)
    {
        var warnings = feet.Select(f => f.Warning).OfType<string>().Distinct().ToList();
        if (feet.FirstOrDefault(f => f.SampleRateHz < Core.Protocol.ImuPacket.MinSampleRateHz) is { } slow)
            warnings.Add(System.FormattableString.Invariant($"{slow.Path}: {slow.SampleRateHz:0.#} Hz is below the clips' {Core.Protocol.ImuPacket.MinSampleRateHz} Hz: walking strides hold, running strides may merge"));
        return warnings.Count == 0 ? null : string.Join("; ", warnings);
    }

    private static FootData FromCsv(Foot foot, CsvFootData d, bool rangeGiven)
    {
        var (samples, warning) = CheckedCsvSamples(System.FormattableString.Invariant($"{d.Path} ({foot.ToString().ToLowerInvariant()} foot)"), d.Samples, rangeGiven);
        return new(foot, d.Path, samples, d.SampleRateHz, warning);
    }

    /// <summary>
    /// What a CSV does not say about itself, read from its samples: the gyroscope's frame (<see cref="WithGyroInAccFrame"/>)
    /// and, unless <c>--acc-range-g</c> gave it (<paramref name="rangeGiven"/>), the accelerometer's rail
    /// (<see cref="WithAccRailMarked"/>). One warning line per finding.
    /// </summary>
    internal static (IReadOnlyList<ImuSample> Samples, string? Warning) CheckedCsvSamples(string source, IReadOnlyList<ImuSample> samples, bool rangeGiven)
    {
        var (framed, frameWarning) = WithGyroInAccFrame(source, samples);
        if (rangeGiven) return (framed, frameWarning);
        var (marked, railWarning) = WithAccRailMarked(source, framed);
        return (marked, frameWarning is null ? railWarning : railWarning is null ? frameWarning : frameWarning + "; " + railWarning);
    }

    /// <summary>
    /// A CSV whose accelerometer holds its rail (<see cref="AccRailCheck"/>) is marked as a clip's packets are,
    /// with that rail as the full scale, as if <c>--acc-range-g</c> had given it, and says so. A file without flat tops
    /// comes back unchanged (every shared real set).
    /// </summary>
    internal static (IReadOnlyList<ImuSample> Samples, string? Warning) WithAccRailMarked(string source, IReadOnlyList<ImuSample> samples)
    {
        var rail = AccRailCheck.Find(samples);
        if (!rail.Found) return (samples, null);
        var marked = new ImuSample[samples.Count];
        for (var i = 0; i < marked.Length; i++)
            marked[i] = samples[i] with { Flags = samples[i].Flags | Core.Protocol.ImuScale.AccSaturation(samples[i].AccSensorMps2, rail.FullScaleMps2) };
        return (marked, System.FormattableString.Invariant(
            $"{source}: the accelerometer holds a rail at {rail.FullScaleMps2 / Gravity.StandardMps2:0.##} g (reached {rail.Visits} times, {rail.Axes}): read as its full scale, so clipped landings are recognised (--acc-range-g sets it)"));
    }

    /// <summary>
    /// A CSV whose gyroscope does not turn its accelerometer's frame the way the foot turned (a left-handed export,
    /// gaitmap's body frame, swapped columns) is read with the gyroscope relabelled as <see cref="GyroFrameCheck"/>
    /// finds, and says so; as given it would be measured as nonsense (a mirrored copy of the footprints trials: 13 of
    /// 417 strides). A good file comes back unchanged.
    /// </summary>
    internal static (IReadOnlyList<ImuSample> Samples, string? Warning) WithGyroInAccFrame(string source, IReadOnlyList<ImuSample> samples)
    {
        var verdict = GyroFrameCheck.Check(samples);
        if (verdict.Remap.IsIdentity) return (samples, null);
        var remapped = new ImuSample[samples.Count];
        for (var i = 0; i < remapped.Length; i++) remapped[i] = samples[i] with { GyroSensorDps = verdict.Remap.Apply(samples[i].GyroSensorDps) };
        return (remapped, System.FormattableString.Invariant(
            $"{source}: the gyroscope's axes disagree with the accelerometer's (strides end at {verdict.GivenResidualMps:0.00} m/s as given, {verdict.BestResidualMps:0.00} m/s with the gyroscope read as {verdict.Remap}, median of {verdict.Segments}): read that way"));
    }

    private static List<FootData> LoadCsv(ReplayOptions o)
    {
        AxisMap? axes = null;
        if (!string.IsNullOrWhiteSpace(o.Axes))
        {
            try { axes = AxisMap.Parse(o.Axes); }
            catch (FormatException e) { throw new InputException($"--axes '{o.Axes}': {e.Message}"); }
        }

        if (o.AccRangeG is { } g && !(g > 0 && g < 1000)) throw new InputException($"--acc-range-g {g}: give the accelerometer's full scale in g, e.g. 16");
        var range = o.AccRangeG;
        if (o.IndexRateHz is { } hz && !(hz >= 50 && hz <= 10_000)) throw new InputException(System.FormattableString.Invariant($"--index-rate-hz {hz}: give the rate of a file timed by sample index, 50–10000 Hz"));
        var indexed = 0;
        var feet = new List<FootData>();
        if (o.LeftCsv is { } l) feet.Add(FromCsv(Foot.Left, CsvImport.ReadFootFile(l, Foot.Left, axes, range), range is not null));
        if (o.RightCsv is { } r) feet.Add(FromCsv(Foot.Right, CsvImport.ReadFootFile(r, Foot.Right, axes, range), range is not null));
        foreach (var f in o.CsvFiles)
        {
            if (CsvImport.DetectLayout(f) == CsvLayout.GaitmapBothFeet)
            {
                var both = CsvImport.ReadGaitmapBothFeet(f, o.IndexRateHz ?? 204.8, axes, range);
                indexed++;
                feet.Add(FromCsv(Foot.Left, both.Left, range is not null));
                feet.Add(FromCsv(Foot.Right, both.Right, range is not null));
            }
            else
            {
                var foot = feet.Any(x => x.Foot == Foot.Left) ? Foot.Right : Foot.Left;
                feet.Add(FromCsv(foot, CsvImport.ReadFootFile(f, foot, axes, range), range is not null));
            }
        }

        if (feet.Count == 0) throw new InputException("replay: give a recording, CSV files, or --left/--right CSV files");
        if (o.IndexRateHz is not null && indexed == 0) throw new InputException("replay: --index-rate-hz is for a CSV timed by sample index (gaitmap's two-foot layout); these files carry their own times");
        if (feet.GroupBy(f => f.Foot).Any(g => g.Count() > 1)) throw new InputException("replay: two CSV files for the same foot");
        return feet;
    }

    private static StrideCsvWriter OpenExport(string path)
    {
        try { return new StrideCsvWriter(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot write export: {e.Message}");
        }
    }

    /// <summary>
    /// Opens the store and the session. An input whose identity (<paramref name="inputId"/>) the store already holds
    /// resumes that session (<see cref="ResumingSink"/>) instead of starting a second one.
    /// </summary>
    private static (SqliteStore, long, StoreSink, ResumingSink?) OpenStore(ReplayOptions o, DateTimeOffset start, string source, string input, RecordingHeader? header, string? inputId)
    {
        var path = o.StorePath ?? StorePaths.DefaultStorePath();
        var store = SqliteStore.Open(path);
        try
        {
            if (inputId is not null && store.FindSessionByInput(inputId) is { } existing)
            {
                var sink = new StoreSink(store, existing);
                return (store, existing, sink, new ResumingSink(sink, existing, store.GetStrides(existing), store.GetBouts(existing).Count, input));
            }

            var sensors = header is null ? null : SessionSensors.From(header.Sensors, s => s.Kind);
            var id = store.BeginSession(new SessionInfo(header?.Runner ?? o.Runner, header?.SessionName ?? Path.GetFileName(input), source, start, input, PlanOf(header), sensors, inputId));
            return (store, id, new StoreSink(store, id), null);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The plan of a recording: its header's, or for a simulator recording written before headers carried one (the
    /// C25K sample) the plan its session is named after.
    /// </summary>
    internal static string? PlanOf(RecordingHeader? header) =>
        header?.Plan
        ?? (header is { Source: "simulate", SessionName: { } name } && Sensors.Simulation.SessionPlans.Names.Contains(name) ? name : null);

    private static void Finish(SqliteStore? store, StoreSink? sink, long? sessionId, DateTimeOffset start, StrideTotals totals)
    {
        sink?.Flush();
        // A replayed session ends when its data ends, not when the replay did.
        if (store is not null && sessionId is { } id) store.EndSession(id, start + TimeSpan.FromSeconds(totals.LastS));
    }

    /// <summary>With a store: her overstriding baseline from her earlier stored sessions (issue 12).</summary>
    private static GaitSessionSettings SessionSettings(SqliteStore? store, string runner, long? sessionId) =>
        new() { OverstrideHistory = store is null ? null : OverstrideHistory.FromStore(store, runner, sessionId) };

    private static IGaitSink Fan(params IGaitSink?[] sinks)
    {
        var present = sinks.OfType<IGaitSink>().ToArray();
        return present.Length == 1 ? present[0] : new FanOutSink(present);
    }

    /// <summary>
    /// The cue engine and the overstriding stretches over the strides as they stream by, in contact-time order
    /// (<see cref="ContactOrderSink"/>), so a replay needs no list of every stride for them.
    /// </summary>
    private sealed class CueAnalysisSink
    {
        private readonly SessionAnalysis.Builder _analysis = new();
        private readonly ContactOrderSink _order;

        public CueAnalysisSink() => _order = new ContactOrderSink(s =>
        {
            _analysis.Add(s);
            Evaluation.OverstrideEvaluation.AddToStretches(OverstrideStretches, s);
        });

        public IGaitSink Sink => _order;

        public List<(double StartS, double EndS)> OverstrideStretches { get; } = [];

        /// <summary>The cues the live gateway would have raised; stored as the session's alerts, as live.</summary>
        public SessionAnalysis Complete(SqliteStore? store, long? sessionId)
        {
            _order.Complete();
            var analysis = _analysis.Build();
            if (store is not null && sessionId is { } id)
            {
                // A resumed replay (the same recording again, after a kill or complete) must not store its cues twice:
                // the analysis is deterministic over the same strides, so a cue already stored (time and kind) is skipped.
                var stored = store.GetAlerts(id).Select(a => (a.TimeS, a.Kind)).ToHashSet();
                foreach (var c in analysis.Cues)
                {
                    if (stored.Contains((c.TimeS, c.Kind.ToWord()))) continue;
                    store.AppendAlert(id, new AlertRecord(c.TimeS, c.Kind.ToWord(), c.Message, c.Measurement, c.Value, c.Detail, c.Baseline));
                }
            }

            return analysis;
        }
    }
}
