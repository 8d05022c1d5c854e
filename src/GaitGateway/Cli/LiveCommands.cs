using System.CommandLine;
using System.Globalization;
using GaitGateway.Bluetooth.BlueZ;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Live;
using GaitGateway.Storage.Influx;
using GaitGateway.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    private static Command ScanCommand()
    {
        var seconds = new Option<double>("--seconds") { Description = "How long to scan, s", DefaultValueFactory = _ => 5 };
        var bus = new Option<string?>("--bus") { Description = "D-Bus address of BlueZ's bus (default: $DBUS_SYSTEM_BUS_ADDRESS or the system bus)" };
        var adapterName = new Option<string?>("--adapter") { Description = "Bluetooth adapter, e.g. hci1 (default: the first)" };
        var cmd = new Command("scan", "List nearby shoe clips and Running Speed and Cadence footpods, and those BlueZ already knows") { seconds, bus, adapterName };
        cmd.SetAction(async (p, ct) =>
        {
            await using var adapter = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = p.GetValue(bus), AdapterName = p.GetValue(adapterName) }, ct).ConfigureAwait(false);
            var found = await SensorScanner.ScanAsync(adapter, TimeSpan.FromSeconds(p.GetValue(seconds)), ct).ConfigureAwait(false);
            Console.WriteLine("address            kind       rssi  state          name");
            foreach (var s in found)
            {
                // "known" = BlueZ holds it from before (paired, or cached by an earlier scan) but it did not advertise now.
                var state = (s.Paired ? "paired" : s.SeenNow ? "seen" : "known") + (s.SeenNow ? "" : ", not seen");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Address,-18} {(s.Kind == SensorKind.ShoeClip ? "shoe-clip" : "footpod"),-10} {s.RssiDbm,4}  {state,-14} {s.Name}"));
            }

            Console.WriteLine($"{found.Count} sensor(s), {found.Count(s => s.SeenNow)} in range now, {found.Count(s => s.Paired)} paired");
            return 0;
        });
        return cmd;
    }

    private static Command RunCommand()
    {
        var config = new Option<string?>("--config") { Description = "appsettings.json with GaitGateway:Runners (see samples/appsettings.json)" };
        var store = new Option<string?>("--store") { Description = "SQLite store file" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: run until Ctrl+C)" };
        var bus = new Option<string?>("--bus") { Description = "D-Bus address of BlueZ's bus" };
        var adapterFlag = new Option<string?>("--adapter") { Description = "Bluetooth adapter for runners without their own Adapter, e.g. hci1 (default: the first)" };
        var influx = InfluxOptionsFlags();
        var simulate = new Option<string?>("--simulate") { Description = "No Bluetooth: stream this simulator plan in real time for each runner (" + string.Join(", ", Sensors.Simulation.SessionPlans.Names) + ")" };
        var timeScale = new Option<double?>("--time-scale") { Description = "With --simulate: times faster than real time" };
        var runners = new Option<int?>("--runners") { Description = "With --simulate and no configured runners: how many" };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Do not serve the dashboard" };
        var dashboardUrls = new Option<string?>("--dashboard-urls") { Description = "Dashboard address (default http://127.0.0.1:5080; other than loopback needs GaitGateway:Dashboard:Token)" };
        var cmd = new Command("run", "The live gateway: connect the configured sensors and stream into the pipeline, the store, recordings and the dashboard")
        {
            config, store, duration, bus, adapterFlag, influx.Url, influx.Org, influx.Bucket, influx.Mode, influx.GatewayId, simulate, timeScale, runners, noDashboard, dashboardUrls,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.Sources.Clear();
            var cfgPath = p.GetValue(config);
            if (cfgPath is not null && !File.Exists(cfgPath)) throw new Pipeline.InputException($"{cfgPath}: no such configuration file");
            var cfgFull = Path.GetFullPath(cfgPath ?? "appsettings.json");
            GatewayConfiguration.AddJsonFile(builder.Configuration, cfgFull, optional: cfgPath is null);
            builder.Configuration.AddGatewayEnvironment();
            var overrides = new Dictionary<string, string?>();
            if (p.GetValue(store) is { } s) overrides[$"{GatewayOptions.Section}:Store"] = s;
            if (p.GetValue(bus) is { } b) overrides[$"{GatewayOptions.Section}:BusAddress"] = b;
            if (p.GetValue(adapterFlag) is { } ad) overrides[$"{GatewayOptions.Section}:Adapter"] = ad;
            influx.Apply(p, overrides);
            if (p.GetValue(simulate) is { } plan)
            {
                if (!Sensors.Simulation.SessionPlans.Names.Contains(plan)) throw new Pipeline.InputException($"--simulate '{plan}': unknown plan; known plans: {string.Join(", ", Sensors.Simulation.SessionPlans.Names)}");
                overrides[$"{GatewayOptions.Section}:Simulate"] = plan;
            }

            if (p.GetValue(timeScale) is { } ts) overrides[$"{GatewayOptions.Section}:SimulateTimeScale"] = ts.ToString(CultureInfo.InvariantCulture);
            if (p.GetValue(runners) is { } rn) overrides[$"{GatewayOptions.Section}:SimulateRunners"] = rn.ToString(CultureInfo.InvariantCulture);
            if (p.GetValue(noDashboard)) overrides[$"{GatewayOptions.Section}:Dashboard:Enabled"] = "false";
            if (p.GetValue(dashboardUrls) is { } du) overrides[$"{GatewayOptions.Section}:Dashboard:Urls"] = du;
            builder.Configuration.AddInMemoryCollection(overrides);
            var effective = GatewayConfiguration.Bind(builder.Configuration, cfgPath is null && !File.Exists(cfgFull) ? "configuration" : cfgFull);
            if (effective.Runners.Count == 0 && effective.Simulate is null)
                throw new Pipeline.InputException("run: no runners configured: give --config with GaitGateway:Runners (see samples/appsettings.json), or --simulate PLAN");
            _ = SinkSettings(effective.Influx); // bad InfluxDB settings are input errors before anything starts
            if (effective.Dashboard.Enabled)
            {
                try
                {
                    _ = Dashboard.Hosting.DashboardServer.Check(effective.Dashboard.ToSettings()); // so are the dashboard's
                }
                catch (InvalidOperationException e)
                {
                    throw new Pipeline.InputException(e.Message, e);
                }
            }

            foreach (var (who, name) in effective.Runners.Select(r => ($"runner '{r.Name}' Adapter", r.Adapter)).Prepend(("Adapter", effective.Adapter)))
            {
                // BlueZ names adapters hciN; anything else would only show up later as "no Bluetooth adapter" per attempt.
                if (name is not null && !System.Text.RegularExpressions.Regex.IsMatch(name, "^hci[0-9]{1,3}$"))
                    throw new Pipeline.InputException($"{who} '{name}': use a BlueZ adapter name such as hci0 (see `hciconfig` or `bluetoothctl list`)");
            }

            foreach (var r in effective.Runners) _ = r.ClipRequest(null); // bad rates or ranges too
            builder.Logging.ClearProviders();
            // Under systemd (Type=notify sets NOTIFY_SOCKET; SystemdHelpers also recognises a systemd parent): the
            // journal's format (priority prefixes, no timestamps: journald stamps), READY=1 once started and
            // STOPPING=1 on SIGTERM. AddSystemd() would only do this when the parent process is systemd itself.
            var underSystemd = SystemdHelpers.IsSystemdService() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
            if (underSystemd)
            {
                builder.Logging.AddSystemdConsole();
                builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
                builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
            }
            else
            {
                builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            }

            builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
            builder.Services.AddSingleton<LiveGatewayService>();
            // The forwarder first: the host stops services in reverse order, so the gateway flushes its last strides
            // into the store before the forwarder drains them to InfluxDB.
            builder.Services.AddHostedService<InfluxForwarderService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveGatewayService>());
            using var host = builder.Build();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (p.GetValue(duration) is { } d) stop.CancelAfter(TimeSpan.FromSeconds(d));
            await host.RunAsync(stop.Token).ConfigureAwait(false);
            return Environment.ExitCode;
        });
        return cmd;
    }

    internal sealed record InfluxFlags(Option<string?> Url, Option<string?> Org, Option<string?> Bucket, Option<string?> Mode, Option<string?> GatewayId)
    {
        public void Apply(ParseResult p, Dictionary<string, string?> overrides)
        {
            if (p.GetValue(GatewayId) is { } g) overrides[$"{GatewayOptions.Section}:Influx:GatewayId"] = g;
            if (p.GetValue(Url) is { } u) overrides[$"{GatewayOptions.Section}:Influx:Url"] = u;
            if (p.GetValue(Org) is { } o) overrides[$"{GatewayOptions.Section}:Influx:Org"] = o;
            if (p.GetValue(Bucket) is { } b) overrides[$"{GatewayOptions.Section}:Influx:Bucket"] = b;
            if (p.GetValue(Mode) is { } m) overrides[$"{GatewayOptions.Section}:Influx:Mode"] = m;
        }
    }

    internal static InfluxFlags InfluxOptionsFlags() => new(
        new Option<string?>("--influx-url") { Description = "InfluxDB URL; without it only the local store is written" },
        new Option<string?>("--influx-org") { Description = "InfluxDB organisation (v2)" },
        new Option<string?>("--influx-bucket") { Description = "InfluxDB bucket (v2) or database (v1)" },
        new Option<string?>("--influx-mode") { Description = "v2 (default) or v1 (InfluxDB 1.x /write endpoint)" },
        new Option<string?>("--gateway-id") { Description = "This gateway's name in InfluxDB (tag gateway; default: the host name); distinct per gateway" });

    /// <summary>Builds the sink settings, or null when no URL is configured. Bad values are input errors.</summary>
    internal static InfluxSinkSettings? SinkSettings(InfluxOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Url)) return null;
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new Pipeline.InputException($"--influx-url '{InfluxSinkSettings.RedactUrl(o.Url)}': not an http(s) URL");
        var mode = o.Mode.Trim().ToUpperInvariant() switch
        {
            "V2" or "" => InfluxMode.V2,
            "V1" => InfluxMode.V1,
            _ => throw new Pipeline.InputException($"--influx-mode '{o.Mode}': use v2 or v1"),
        };
        if (o.BatchSize is < 1 or > 1_000_000) throw new Pipeline.InputException($"Influx:BatchSize {o.BatchSize}: use 1 to 1000000 points per request");
        if (o.MaxRequestsInFlight is < 1 or > 64) throw new Pipeline.InputException($"Influx:MaxRequestsInFlight {o.MaxRequestsInFlight}: use 1 to 64");
        if (o.DrainTimeoutS is < 0 or > 25 || double.IsNaN(o.DrainTimeoutS)) throw new Pipeline.InputException($"Influx:DrainTimeoutS {o.DrainTimeoutS}: use 0 to 25 s (the host allows 30 s to stop)");
        var gateway = string.IsNullOrWhiteSpace(o.GatewayId) ? Environment.MachineName : o.GatewayId.Trim();
        if (gateway.Length > 64 || gateway.Any(char.IsControl)) throw new Pipeline.InputException($"Influx:GatewayId '{gateway}': use up to 64 printable characters");
        return new InfluxSinkSettings(o.Url, o.Org, o.Bucket, InfluxToken.Resolve(o.TokenFile), mode)
        {
            BatchSize = o.BatchSize,
            MaxRequestsInFlight = o.MaxRequestsInFlight,
            GatewayId = gateway,
            Central = o.Central,
            PlanWeekRun = plan => Coaching.Load.C25kPlan.TryParse(plan, out var run) && run is not null ? (run.Week, run.Run) : null,
        };
    }
}

/// <summary>Forwards the store to InfluxDB while the gateway runs (store and forward: the store is written first).</summary>
public sealed class InfluxForwarderService(Microsoft.Extensions.Options.IOptions<GatewayOptions> options, ILogger<InfluxForwarderService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = GaitGatewayCli.SinkSettings(options.Value.Influx);
        if (settings is null) return;
        using var store = SqliteStore.Open(options.Value.Store ?? Storage.StorePaths.DefaultStorePath());
        using var forwarder = new InfluxForwarder(store, settings);
        forwarder.Event += (_, e) => logger.Log(e.Level switch
        {
            ForwarderEventLevel.Error => LogLevel.Error,
            ForwarderEventLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        }, "InfluxDB: {Message}", e.Message);
        logger.LogInformation("Forwarding to {Settings}", settings);
        try
        {
            await forwarder.RunAsync(stoppingToken).ConfigureAwait(false);
            await DrainAsync(store, forwarder, settings).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await DrainAsync(store, forwarder, settings).ConfigureAwait(false);
        }
        catch (Storage.StoreException e)
        {
            logger.LogError("InfluxDB forwarding stopped: {Message}", e.Message);
        }
    }

    /// <summary>
    /// A clean stop: the gateway has committed its last strides (it stops before this service), so send them within
    /// DrainTimeoutS; before, a stopped gateway left its last strides for its next start on the same store.
    /// </summary>
    private async Task DrainAsync(SqliteStore store, InfluxForwarder forwarder, InfluxSinkSettings settings)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.Influx.DrainTimeoutS));
        try
        {
            var sent = await forwarder.ForwardPendingAsync(timeout.Token).ConfigureAwait(false);
            logger.LogInformation("InfluxDB: {Sent} points sent on stop; nothing left queued", sent);
        }
        catch (Exception e) when (e is OperationCanceledException or Storage.StoreException)
        {
            var left = store.CountUnforwarded(settings.SinkName, Storage.Sqlite.ForwardTable.Strides);
            logger.LogWarning("InfluxDB: {Left} strides remain queued in the store after {Timeout} s ({Reason}); the next run or replay sends them",
                left, options.Value.Influx.DrainTimeoutS, e is Storage.StoreException ? e.Message : "server not answering");
        }
    }
}
