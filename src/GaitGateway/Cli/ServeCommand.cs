using System.CommandLine;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Live;
using GaitGateway.Pipeline;
using GaitGateway.Storage;
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
        var cmd = new Command("serve", "Serve the dashboard over a store without running a gateway (read-only; no sessions are added)")
        {
            config, store, urls, duration,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var cfgPath = p.GetValue(config);
            if (cfgPath is not null && !File.Exists(cfgPath)) throw new InputException($"{cfgPath}: no such configuration file");
            var overrides = new Dictionary<string, string?>();
            if (p.GetValue(store) is { } s) overrides[$"{GatewayOptions.Section}:Store"] = s;
            if (p.GetValue(urls) is { } u) overrides[$"{GatewayOptions.Section}:Dashboard:Urls"] = u;
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

            var storePath = options.Store ?? StorePaths.DefaultStorePath();
            using var sessions = SqliteStore.OpenReadOnly(storePath);
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
            var log = loggers.CreateLogger("GaitGateway.Serve");
            await using var server = new DashboardServer(new LiveBoard(), sessions, settings, loggers);
            await server.StartAsync(ct).ConfigureAwait(false);
            log.LogInformation("Store {Store} (read-only)", sessions.Path);
            log.LogInformation("Dashboard on {Addresses}", string.Join(", ", server.Addresses));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (p.GetValue(duration) is { } d) stop.CancelAfter(TimeSpan.FromSeconds(d));
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            log.LogInformation("Dashboard stopped");
            return 0;
        });
        return cmd;
    }
}
