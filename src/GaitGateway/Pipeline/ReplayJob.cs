using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
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
    public string? ExportCsv { get; init; }
    /// <summary>SQLite file; null = the default store path; "" = do not store.</summary>
    public string? StorePath { get; init; }
    public string Runner { get; init; } = "runner";
}

/// <summary>The result of a replay.</summary>
/// <param name="Header">The recording's header (null for CSV input).</param>
public sealed record ReplayResult(IReadOnlyList<StrideMetrics> Strides, IReadOnlyList<BoutSummary> Bouts, long? SessionId, string? StorePath, string? Warning, RecordingHeader? Header = null);

/// <summary>Replays a recording or CSV files through the live pipeline into the store and the export.</summary>
public static class ReplayJob
{
    public static async Task<ReplayResult> RunAsync(ReplayOptions o, Action<double>? progress, CancellationToken ct)
    {
        SqliteStore? store = null;
        StoreSink? storeSink = null;
        StrideCsvWriter? export = null;
        long? sessionId = null;
        string? warning = null;
        try
        {
            if (!string.IsNullOrEmpty(o.ExportCsv)) export = OpenExport(o.ExportCsv);
            if (o.Recording is { } path)
            {
                using var reader = RecordingReader.Open(path);
                if (o.StorePath != "") (store, sessionId, storeSink) = OpenStore(o, reader.Header.StartUtc, "replay", path, reader.Header);
                var collect = new CollectingSink(Fan(storeSink, export));
                var session = new GaitSession(reader.Header.Sensors, collect);
                var length = Math.Max(1, reader.Length);
                await SessionRunner.RunAsync(RecordingSource.Notifications(reader, p => progress?.Invoke((double)p / length)), session, ct).ConfigureAwait(false);
                if (reader.TornTail is { } torn)
                    warning = $"{path}: byte {torn}: torn final frame ignored ({reader.TornTailReason})";
                Finish(store, storeSink, sessionId, reader.Header.StartUtc, collect.Strides);
                return new ReplayResult(collect.Strides, collect.Bouts, sessionId, store?.Path, warning, reader.Header);
            }
            else
            {
                var feet = LoadCsv(o);
                // A CSV says nothing about when it was recorded: its file time is the best guess for the session start
                // (the weekly load and spike history need a plausible date).
                var csvStart = new DateTimeOffset(File.GetLastWriteTimeUtc(feet[0].Path), TimeSpan.Zero);
                if (o.StorePath != "") (store, sessionId, storeSink) = OpenStore(o, csvStart, "import", string.Join(";", feet.Select(f => f.Path)), null);
                var collect = new CollectingSink(Fan(storeSink, export));
                var session = GaitSession.ForFeet(feet.Select(f => f.Foot), collect);
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
                Finish(store, storeSink, sessionId, csvStart, collect.Strides);
                return new ReplayResult(collect.Strides, collect.Bouts, sessionId, store?.Path, null);
            }
        }
        finally
        {
            storeSink?.Dispose();
            store?.Dispose();
            export?.Dispose();
        }
    }

    private sealed record FootData(Foot Foot, string Path, IReadOnlyList<ImuSample> Samples);

    private static List<FootData> LoadCsv(ReplayOptions o)
    {
        AxisMap? axes = null;
        if (!string.IsNullOrWhiteSpace(o.Axes))
        {
            try { axes = AxisMap.Parse(o.Axes); }
            catch (FormatException e) { throw new InputException($"--axes '{o.Axes}': {e.Message}"); }
        }

        var feet = new List<FootData>();
        if (o.LeftCsv is { } l) feet.Add(new FootData(Foot.Left, l, CsvImport.ReadFootFile(l, Foot.Left, axes).Samples));
        if (o.RightCsv is { } r) feet.Add(new FootData(Foot.Right, r, CsvImport.ReadFootFile(r, Foot.Right, axes).Samples));
        foreach (var f in o.CsvFiles)
        {
            if (CsvImport.DetectLayout(f) == CsvLayout.GaitmapBothFeet)
            {
                var both = CsvImport.ReadGaitmapBothFeet(f);
                feet.Add(new FootData(Foot.Left, f, both.Left.Samples));
                feet.Add(new FootData(Foot.Right, f, both.Right.Samples));
            }
            else
            {
                var foot = feet.Any(x => x.Foot == Foot.Left) ? Foot.Right : Foot.Left;
                feet.Add(new FootData(foot, f, CsvImport.ReadFootFile(f, foot, axes).Samples));
            }
        }

        if (feet.Count == 0) throw new InputException("replay: give a recording, CSV files, or --left/--right CSV files");
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

    private static (SqliteStore, long, StoreSink) OpenStore(ReplayOptions o, DateTimeOffset start, string source, string input, RecordingHeader? header)
    {
        var path = o.StorePath ?? StorePaths.DefaultStorePath();
        var store = SqliteStore.Open(path);
        var sensors = header is null ? null : SessionSensors.From(header.Sensors, s => s.Kind);
        var id = store.BeginSession(new SessionInfo(header?.Runner ?? o.Runner, header?.SessionName ?? Path.GetFileName(input), source, start, input, PlanOf(header), sensors));
        return (store, id, new StoreSink(store, id));
    }

    /// <summary>
    /// The plan of a recording: its header's, or for a simulator recording written before headers carried one (the
    /// C25K sample) the plan its session is named after.
    /// </summary>
    internal static string? PlanOf(RecordingHeader? header) =>
        header?.Plan
        ?? (header is { Source: "simulate", SessionName: { } name } && Sensors.Simulation.SessionPlans.Names.Contains(name) ? name : null);

    private static void Finish(SqliteStore? store, StoreSink? sink, long? sessionId, DateTimeOffset start, List<StrideMetrics> strides)
    {
        sink?.Flush();
        // A replayed session ends when its data ends, not when the replay did.
        var lastS = strides.Count > 0 ? strides.Max(s => double.IsFinite(s.NextIcTimeS) ? s.NextIcTimeS : s.IcTimeS) : 0;
        if (store is not null && sessionId is { } id) store.EndSession(id, start + TimeSpan.FromSeconds(lastS));
    }

    private static IGaitSink? Fan(IGaitSink? a, IGaitSink? b) =>
        a is null ? b : b is null ? a : new FanOutSink(a, b);
}
