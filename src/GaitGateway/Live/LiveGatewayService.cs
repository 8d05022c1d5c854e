using GaitGateway.Bluetooth.BlueZ;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Session;
using GaitGateway.Pipeline;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;
using SensorInfo = GaitGateway.Storage.SensorInfo;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GaitGateway.Live;

/// <summary>
/// The live gateway: connects the allow-listed sensors through BlueZ, streams every notification into each runner's
/// pipeline, recording file and store, and keeps going through link loss (the links reconnect with backoff).
/// </summary>
public sealed class LiveGatewayService(IOptions<GatewayOptions> options, ILogger<LiveGatewayService> logger, IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly GatewayOptions _o = options.Value;

    /// <summary>Sessions opened by this run (runner name → session id), for tests and the dashboard.</summary>
    public IReadOnlyDictionary<string, long> Sessions => _sessions;
    private readonly Dictionary<string, long> _sessions = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_o.Runners.Count == 0)
        {
            logger.LogError("No runners configured: add GaitGateway:Runners with sensor addresses (see samples/appsettings.json)");
            lifetime.StopApplication();
            return;
        }

        var storePath = _o.Store ?? StorePaths.DefaultStorePath();
        var recordings = _o.RecordingsDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, "recordings");
        Directory.CreateDirectory(recordings);
        logger.LogInformation("Store {Store}, recordings in {Recordings}", storePath, recordings);

        using var store = SqliteStore.Open(storePath);
        await using var writer = new StoreWriter(store);
        await using var adapter = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = _o.BusAddress }, stoppingToken).ConfigureAwait(false);

        var start = DateTimeOffset.UtcNow;
        var runners = new List<RunnerSession>();
        var links = new List<SensorLinkOptions>();
        var route = new List<(RunnerSession Runner, int Local)>();
        foreach (var r in _o.Runners)
        {
            var sensors = new List<RecordingSensor>();
            void Add(string? address, string? foot, SensorKind kind)
            {
                if (string.IsNullOrWhiteSpace(address)) return;
                sensors.Add(new RecordingSensor { Index = sensors.Count, Id = address, Foot = foot, Kind = kind == SensorKind.ShoeClip ? "imu" : "rsc", SampleRateHz = 400, AccRangeG = 16, GyroRangeDps = 2000 });
                links.Add(new SensorLinkOptions(address, links.Count, kind) { Configuration = kind == SensorKind.ShoeClip && FootNames.TryParse(foot, out var f) ? ShoeClipConfig.RunningDefault(f) : null });
            }

            Add(r.Left, "left", SensorKind.ShoeClip);
            Add(r.Right, "right", SensorKind.ShoeClip);
            Add(r.Footpod, null, SensorKind.RscFootpod);
            var header = new RecordingHeader { StartUtc = start, Runner = r.Name, SessionName = $"{r.Name} {start:yyyy-MM-dd HH:mm}", Source = "bluez", Sensors = sensors };
            var file = Path.Combine(recordings, $"{Safe(r.Name)}-{start:yyyyMMdd-HHmmss}.ggwrec");
            var id = store.BeginSession(new SessionInfo(r.Name, header.SessionName!, "live", start, file, null,
                sensors.Where(s => s.Foot is not null).Select(s => new SensorInfo(s.Index, s.Id, FootNames.TryParse(s.Foot, out var f) ? f : Foot.Left, "bluez")).ToList()));
            _sessions[r.Name] = id;
            var runner = new RunnerSession(r.Name, id, new RecordingWriter(file, header), new GaitSession(sensors, new StoreWriterSink(writer, id)));
            runners.Add(runner);
            for (var i = 0; i < sensors.Count; i++) route.Add((runner, i));
            logger.LogInformation("Runner {Runner}: session {Session}, recording {File}", r.Name, id, file);
        }

        await using var hub = new SensorHub(adapter, links);
        hub.Start(stoppingToken);
        var nextStatus = TimeSpan.FromSeconds(_o.SensorStatusIntervalS);
        try
        {
            var reader = hub.Reader;
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var n))
                {
                    if (n.SensorIndex >= route.Count) continue;
                    var (runner, local) = route[n.SensorIndex];
                    try
                    {
                        runner.Recording.Append(local, n.Kind, n.HostTimeUs, n.Payload);
                        runner.Session.OnNotification(Notification.Create(local, n.Kind, n.HostTimeUs, n.Payload));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One bad packet must not end a run: count it and go on.
                        runner.Errors++;
                        if (runner.Errors <= 5) logger.LogWarning(e, "Runner {Runner}: packet from sensor {Sensor} failed", runner.Name, n.SensorIndex);
                    }
                }

                if (TimeSpan.FromMicroseconds(hub.Clock.NowUs) >= nextStatus)
                {
                    nextStatus += TimeSpan.FromSeconds(_o.SensorStatusIntervalS);
                    await StoreStatusAsync(hub, route, writer, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown, not an error.
        }
        finally
        {
            await hub.StopAsync().ConfigureAwait(false);
            foreach (var r in runners)
            {
                r.Session.Complete();
                r.Recording.Dispose();
            }

            await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var r in runners) store.EndSession(r.SessionId, DateTimeOffset.UtcNow);
            logger.LogInformation("Stopped: {Strides} strides stored", runners.Sum(r => r.Session.StridesEmitted));
        }
    }

    private static async Task StoreStatusAsync(SensorHub hub, List<(RunnerSession Runner, int Local)> route, StoreWriter writer, CancellationToken ct)
    {
        for (var i = 0; i < hub.Links.Count && i < route.Count; i++)
        {
            var link = hub.Links[i];
            var c = link.Counters.Snapshot();
            await writer.AppendSensorStatusAsync(route[i].Runner.SessionId, new SensorStatusRecord(
                link.Options.Address, hub.Clock.NowUs / 1e6, link.Info?.BatteryPercent ?? double.NaN, c.Packets, c.LostPackets, link.State.ToString()), ct).ConfigureAwait(false);
        }
    }

    private static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'));

    private sealed class RunnerSession(string name, long sessionId, RecordingWriter recording, GaitSession session)
    {
        public string Name { get; } = name;
        public long SessionId { get; } = sessionId;
        public RecordingWriter Recording { get; } = recording;
        public GaitSession Session { get; } = session;
        public long Errors { get; set; }
    }
}
