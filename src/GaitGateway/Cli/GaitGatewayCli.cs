using System.CommandLine;
using System.Globalization;
using GaitGateway.Core.Recording;
using GaitGateway.Live;
using GaitGateway.Output;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Csv;
using GaitGateway.Storage;
using GaitGateway.Storage.Reports;
using GaitGateway.Storage.Sqlite;
using Spectre.Console;

namespace GaitGateway.Cli;

/// <summary>The `gaitgw` command line. Bad input: one line on stderr naming what and where, exit code 2.</summary>
public static partial class GaitGatewayCli
{
    public const int ExitBadInput = 2;
    public const int ExitNoBluetooth = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("GaitGateway: running-gait metrics from shoe-clip IMUs, live and from recordings.");
        root.Subcommands.Add(ReplayCommand());
        root.Subcommands.Add(SimulateCommand());
        root.Subcommands.Add(EvaluateCommand());
        root.Subcommands.Add(ScanCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(SessionsCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(ExportCommand());
        root.Subcommands.Add(ServeCommand());
        try
        {
            // Our own handler below prints bad input as one line; the library's default would print a stack trace.
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await root.Parse(args).InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception e) when (IsInputError(e))
        {
            await Console.Error.WriteLineAsync("gaitgw: " + OneLine(e.Message)).ConfigureAwait(false);
            return ExitBadInput;
        }
        catch (Exception e) when (e is Bluetooth.Abstractions.BleException || e.GetType().Namespace == "Tmds.DBus.Protocol")
        {
            // No Bluetooth here (no system bus, no bluetoothd, no adapter): say so in one line.
            var bus = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") ?? "the system bus";
            await Console.Error.WriteLineAsync($"gaitgw: Bluetooth unavailable (BlueZ on {bus}): {OneLine(e.Message)}").ConfigureAwait(false);
            return ExitNoBluetooth;
        }
    }

    public static bool IsInputError(Exception e) =>
        e is InputException or RecordingFormatException or CsvFormatException or StoreException
            or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException
            or ArgumentException;

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    private static Command ReplayCommand()
    {
        var inputs = new Argument<string[]>("input") { Description = "A recording (.ggwrec) or CSV file(s)", Arity = ArgumentArity.ZeroOrMore };
        var left = new Option<string?>("--left") { Description = "CSV of the left foot (time_s, acc_x.., gyr_x..)" };
        var right = new Option<string?>("--right") { Description = "CSV of the right foot" };
        var axes = new Option<string?>("--axes") { Description = "Map the file's axes onto the gateway frame, e.g. x=-y,y=x,z=z" };
        var accRange = new Option<double?>("--acc-range-g") { Description = "CSV input: the accelerometer's full scale, g (e.g. 16), so saturated impacts are recognised" };
        var indexRate = new Option<double?>("--index-rate-hz") { Description = "CSV timed by sample index (gaitmap's two-foot layout): its sample rate, Hz (default 204.8)" };
        var export = new Option<string?>("--export") { Description = "Write one row per stride to this CSV" };
        var store = new Option<string?>("--store") { Description = "SQLite store file (default: a file in the user's data directory)" };
        var noStore = new Option<bool>("--no-store") { Description = "Do not write to the store" };
        var runner = new Option<string>("--runner") { Description = "Runner name for CSV imports", DefaultValueFactory = _ => "runner" };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar or table" };
        var influx = InfluxOptionsFlags();
        var influxWait = new Option<double>("--influx-wait") { Description = "With --influx-url: how long to wait for the forward to finish, s", DefaultValueFactory = _ => 60 };
        var cmd = new Command("replay", "Run the pipeline over a recording or CSV files and print the walk/run bouts")
        {
            inputs, left, right, axes, accRange, indexRate, export, store, noStore, runner, quiet, influx.Url, influx.Org, influx.Bucket, influx.Mode, influx.GatewayId, influxWait,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var files = p.GetValue(inputs) ?? [];
            string? recording = null;
            var csv = new List<string>();
            foreach (var f in files.Concat([p.GetValue(left), p.GetValue(right)]).OfType<string>()) InputFiles.RequireRegularFile(f);
            foreach (var f in files)
            {
                if (IsRecording(f)) recording = recording is null ? f : throw new InputException("replay: one recording at a time");
                else csv.Add(f);
            }

            if (recording is not null && (csv.Count > 0 || p.GetValue(left) is not null || p.GetValue(right) is not null))
                throw new InputException("replay: give either a recording or CSV files, not both");
            if (recording is not null && p.GetValue(accRange) is not null)
                throw new InputException("replay: --acc-range-g is for CSV input; a recording carries its clips' range");
            if (recording is not null && p.GetValue(indexRate) is not null)
                throw new InputException("replay: --index-rate-hz is for CSV input; a recording carries its clips' rate");
            var storePath = p.GetValue(noStore) ? "" : p.GetValue(store) ?? StorePaths.DefaultStorePath();
            var q = p.GetValue(quiet);
            // The same sources as `run` (environment GAITGW_Influx__…, then the flags), without appsettings.json.
            var influxFlags = new Dictionary<string, string?>();
            influx.Apply(p, influxFlags);
            var sink = SinkSettings(GatewayConfiguration.Bind(GatewayConfiguration.FromEnvironment(influxFlags), "environment").Influx);
            if (sink is not null && storePath == "") throw new InputException("replay: --influx-url forwards from the store; it cannot be used with --no-store");
            if (!q && storePath != "") Console.WriteLine($"store: {storePath}");
            var options = new ReplayOptions
            {
                Recording = recording, CsvFiles = csv, LeftCsv = p.GetValue(left), RightCsv = p.GetValue(right),
                Axes = p.GetValue(axes), AccRangeG = p.GetValue(accRange), IndexRateHz = p.GetValue(indexRate), ExportCsv = p.GetValue(export), StorePath = storePath, Runner = p.GetValue(runner) ?? "runner",
                KeepStrides = false,
            };
            var result = await WithProgressAsync(q, "replay", prog => ReplayJob.RunAsync(options, prog, ct)).ConfigureAwait(false);
            if (result.Warning is { } w) await Console.Error.WriteLineAsync("warning: " + w).ConfigureAwait(false);
            if (result.Resumed is { } resumed) Console.WriteLine(resumed);
            if (!q)
            {
                // Piped output has no terminal width: Spectre would assume 80 columns and wrap every cell.
                if (Console.IsOutputRedirected) AnsiConsole.Console.Profile.Width = 200;
                AnsiConsole.Write(BoutTable.Build(result.Bouts));
                Console.WriteLine(Summary(result));
            }

            if (sink is not null) await ForwardAfterReplayAsync(storePath, sink, TimeSpan.FromSeconds(p.GetValue(influxWait)), ct).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }

    /// <summary>Replay with InfluxDB: exit only after the strides are forwarded, or say how many remain queued.</summary>
    private static async Task ForwardAfterReplayAsync(string storePath, Storage.Influx.InfluxSinkSettings settings, TimeSpan wait, CancellationToken ct)
    {
        using var s = SqliteStore.Open(storePath);
        using var forwarder = new Storage.Influx.InfluxForwarder(s, settings);
        forwarder.Event += (_, e) => { if (e.Level != Storage.Influx.ForwarderEventLevel.Information) Console.Error.WriteLine($"influx: {e.Message}"); };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            var sent = await forwarder.ForwardPendingAsync(timeout.Token).ConfigureAwait(false);
            Console.WriteLine($"forwarded {sent} points to {settings.DisplayUrl}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var left = s.CountUnforwarded(settings.SinkName, Storage.Sqlite.ForwardTable.Strides);
            Console.Error.WriteLine($"influx: {left} strides remain queued in {storePath}; they are sent by the next run or replay");
        }
    }

    internal static string Summary(ReplayResult r)
    {
        var t = r.Totals;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{t.Strides} strides ({t.Left} left, {t.Right} right), {r.Bouts.Count} bouts, {t.Running} running strides, {t.Overstriding} overstriding, calf load {t.CalfLoad:F0}");
        text = r.SessionId is { } id ? text + $"; stored as session {id}" : text;
        return text + OverstrideSummary(r);
    }

    /// <summary>The overstriding stretches, with the cue and its explanation (issue 12: the flag explains itself).</summary>
    internal static string OverstrideSummary(ReplayResult r)
    {
        var stretches = r.OverstrideStretches ?? Evaluation.OverstrideEvaluation.Stretches(r.Strides);
        if (stretches.Count == 0) return "\noverstriding: no flagged stretch";
        static string Clock(double s) => TimeSpan.FromSeconds(Math.Max(0, s)).ToString(@"m\:ss", CultureInfo.InvariantCulture);
        var b = new System.Text.StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"\noverstriding: {stretches.Count} flagged stretch(es): ");
        b.AppendJoin(", ", stretches.Select(s => string.Create(CultureInfo.InvariantCulture, $"{Clock(s.StartS)}–{Clock(s.EndS)} ({s.EndS - s.StartS:F0} s)")));
        foreach (var c in r.Analysis?.Cues.Where(c => c.Kind == Coaching.Cues.CueKind.Overstride) ?? [])
        {
            b.Append(CultureInfo.InvariantCulture, $"\n  cue at {Clock(c.TimeS)}: {c.Message}");
            if (c.Detail is { } d) b.Append(CultureInfo.InvariantCulture, $"\n  coach: {d}");
        }

        return b.ToString();
    }

    private static bool IsRecording(string path) => InputFiles.IsRecording(path);

    internal static async Task<T> WithProgressAsync<T>(bool quiet, string label, Func<Action<double>?, Task<T>> work)
    {
        if (quiet || Console.IsOutputRedirected) return await work(null).ConfigureAwait(false);
        T result = default!;
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var task = ctx.AddTask(label, maxValue: 1.0);
            result = await work(v => task.Value = Math.Min(1.0, v)).ConfigureAwait(false);
            task.Value = 1.0;
        }).ConfigureAwait(false);
        return result;
    }

    private static Command SessionsCommand()
    {
        var store = new Option<string?>("--store") { Description = "SQLite store file" };
        var cmd = new Command("sessions", "List the sessions in the store") { store };
        cmd.SetAction(p =>
        {
            using var s = SqliteStore.Open(p.GetValue(store) ?? StorePaths.DefaultStorePath());
            Console.Write(SessionReport.Sessions(s));
            return 0;
        });
        return cmd;
    }

    private static Command ReportCommand()
    {
        var id = new Argument<long>("session") { Description = "Session id (see `gaitgw sessions`)" };
        var store = new Option<string?>("--store") { Description = "SQLite store file" };
        var cmd = new Command("report", "Print one session: summary, bouts, totals") { id, store };
        cmd.SetAction(p =>
        {
            using var s = SqliteStore.Open(p.GetValue(store) ?? StorePaths.DefaultStorePath());
            Console.Write(SessionReport.Report(s, p.GetValue(id)));
            return 0;
        });
        return cmd;
    }
}
