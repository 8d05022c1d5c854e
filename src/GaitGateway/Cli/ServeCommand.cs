using System.CommandLine;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Live;
using GaitGateway.Pipeline;
using GaitGateway.Storage;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    /// <summary>
    /// <c>gaitgw serve</c>: the dashboard alone, over a store opened read-only: no sensors, no session rows, safe while
    /// a gateway writes the same file (before, looking at history needed <c>run --simulate standing</c>, which added an
    /// empty session every time). Settings: the Dashboard section of --config, GAITGW_Dashboard__…, then the flags.
    /// </summary>
    private static Command ServeCommand()
    {
        var config = new Option<string?>("--config") { Description = "appsettings.json (its GaitGateway:Dashboard section: Urls, Token, AllowedHosts)" };
        var store = new Option<string?>("--store") { Description = "SQLite store file to read (default: the user's store); opened read-only" };
        var urls = new Option<string?>("--dashboard-urls") { Description = "Dashboard address (default http://127.0.0.1:5080; other than loopback needs GaitGateway:Dashboard:Token)" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var influxUrl = new Option<string?>("--influx-url") { Description = "Central mode: serve every gateway's runners from this InfluxDB (InfluxQL /query) instead of a store" };
        var influxBucket = new Option<string?>("--influx-bucket") { Description = "With --influx-url: the database (1.x; 2.x: the DBRP-mapped database of the bucket)" };
        var influxMode = new Option<string?>("--influx-mode") { Description = "With --influx-url: v1 (token = user:password, HTTP Basic) or v2 (API token); default v2" };
        var cmd = new Command("serve", "Serve the dashboard over a store, or over InfluxDB for every gateway (central mode), without running a gateway (read-only; no sessions are added)")
        {
            config, store, urls, duration, influxUrl, influxBucket, influxMode,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var cfgPath = p.GetValue(config);
            if (cfgPath is not null && !File.Exists(cfgPath)) throw new InputException($"{cfgPath}: no such configuration file");
            var overrides = new Dictionary<string, string?>();
            if (p.GetValue(store) is { } s) overrides[$"{GatewayOptions.Section}:Store"] = s;
            if (p.GetValue(urls) is { } u) overrides[$"{GatewayOptions.Section}:Dashboard:Urls"] = u;
            if (p.GetValue(influxUrl) is { } iu) overrides[$"{GatewayOptions.Section}:Influx:Url"] = iu;
            if (p.GetValue(influxBucket) is { } ib) overrides[$"{GatewayOptions.Section}:Influx:Bucket"] = ib;
            if (p.GetValue(influxMode) is { } im) overrides[$"{GatewayOptions.Section}:Influx:Mode"] = im;
            var cfgFull = Path.GetFullPath(cfgPath ?? "appsettings.json");
            var builder = new ConfigurationBuilder();
            GatewayConfiguration.AddJsonFile(builder, cfgFull, optional: cfgPath is null);
            var configuration = builder.AddGatewayEnvironment().AddInMemoryCollection(overrides).Build();
            var options = GatewayConfiguration.Bind(configuration, cfgPath is null && !File.Exists(cfgFull) ? "configuration" : cfgFull);
            var settings = options.Dashboard.ToSettings();
            try
            {
                _ = DashboardServer.Check(settings);
            }
            catch (InvalidOperationException e)
            {
                throw new InputException(e.Message, e);
            }

            // Central mode when an InfluxDB URL is given (flag, file or GAITGW_Influx__Url) and --store is not: the
            // store is not opened. --store wins, so a gateway's own config file (which names its InfluxDB) still
            // serves its store with --store.
            if (p.GetValue(store) is not null && p.GetValue(influxUrl) is not null) throw new InputException("serve: give --store or --influx-url, not both");
            var sink = p.GetValue(store) is null ? SinkSettings(options.Influx) : null;
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
            var log = loggers.CreateLogger("GaitGateway.Serve");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (p.GetValue(duration) is { } d) stop.CancelAfter(TimeSpan.FromSeconds(d));
            var board = new LiveBoard();
            using var local = sink is null ? SqliteStore.OpenReadOnly(options.Store ?? StorePaths.DefaultStorePath()) : null;
            using var influx = sink is null ? null : new InfluxQueryClient(new InfluxQuerySettings(sink.Url, sink.Bucket, sink.Token, sink.Mode));
            ISessionReader sessions = local is not null ? local : new InfluxSessionReader(influx!);
            var feed = influx is null ? null : new Dashboard.Central.InfluxLiveFeed(board, influx, log);
            await using var server = new DashboardServer(board, sessions, settings, loggers);
            await server.StartAsync(ct).ConfigureAwait(false);
            if (local is not null)
            {
                log.LogInformation("Store {Store} (read-only)", local.Path);
            }
            else
            {
                log.LogInformation("Central mode: sessions and live tiles of every gateway from {Source}", sessions.Description);
                try
                {
                    log.LogInformation("{Count} sessions in InfluxDB", (await sessions.ListSessionsAsync(stop.Token).ConfigureAwait(false)).Count);
                }
                catch (StoreException e)
                {
                    log.LogWarning("{Message} (the dashboard answers 503 until it does)", e.Message);
                }
            }

            log.LogInformation("Dashboard on {Addresses}", string.Join(", ", server.Addresses));
            var polling = feed?.RunAsync(stop.Token) ?? Task.CompletedTask;
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await polling.ConfigureAwait(false);
            log.LogInformation("Dashboard stopped");
            return 0;
        });
        return cmd;
    }
}
