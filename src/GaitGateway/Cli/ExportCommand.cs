using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GaitGateway.Dashboard.Api;
using GaitGateway.Pipeline;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    /// <summary><c>gaitgw export SESSION --fit FILE --tcx FILE</c>: a stored session as the files the dashboard serves.</summary>
    private static Command ExportCommand()
    {
        var id = new Argument<long>("session") { Description = "Session id (see `gaitgw sessions`)" };
        var fit = new Option<string?>("--fit") { Description = "Write a FIT activity file (running dynamics, laps per bout) here" };
        var tcx = new Option<string?>("--tcx") { Description = "Write a Garmin TCX file here" };
        var store = new Option<string?>("--store") { Description = "SQLite store file (default: a file in the user's data directory)" };
        var cmd = new Command("export", "Write a stored session as FIT and/or TCX for Garmin Connect, Strava and other tools") { id, fit, tcx, store };
        cmd.SetAction(p =>
        {
            var fitPath = p.GetValue(fit);
            var tcxPath = p.GetValue(tcx);
            if (fitPath is null && tcxPath is null) throw new InputException("export: give --fit FILE and/or --tcx FILE");
            var storePath = p.GetValue(store) ?? StorePaths.DefaultStorePath();
            // Opening creates a missing store; an export from a store that is not there is a typing error, not a wish.
            if (!File.Exists(storePath)) throw new InputException($"{storePath}: no such store");
            using var s = SqliteStore.Open(storePath);
            var sessionId = p.GetValue(id);
            var session = s.GetSession(sessionId) ?? throw new InputException($"{storePath}: no session {sessionId} (see `gaitgw sessions`)");
            if (fitPath is not null)
            {
                var activity = SessionExports.FitActivity(s, session); // the store read, not timed below
                var clock = Stopwatch.StartNew();
                var bytes = Coaching.Export.FitExport.Write(activity);
                var encodeMs = clock.Elapsed.TotalMilliseconds;
                File.WriteAllBytes(fitPath, bytes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {fitPath} (FIT, {bytes.Length} bytes, encoded in {encodeMs:F1} ms)"));
            }

            if (tcxPath is not null)
            {
                var xml = SessionExports.Tcx(s, session);
                File.WriteAllText(tcxPath, xml, new UTF8Encoding(false));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {tcxPath} (TCX, {Encoding.UTF8.GetByteCount(xml)} bytes)"));
            }

            return 0;
        });
        return cmd;
    }
}
