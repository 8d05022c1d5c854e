using GaitGateway.Bluetooth.BlueZ;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Dashboard.Hosting;
using GaitGateway.Dashboard.Live;
using GaitGateway.Dsp.Session;
using GaitGateway.Output;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GaitGateway.Live;

/// <summary>
/// The live gateway: streams every notification of the allow-listed sensors (BlueZ, or the simulator in real time)
/// into each runner's pipeline, recording file, store and dashboard tile, and keeps going through link loss (the
/// links reconnect with backoff) and bad packets (counted, skipped).
/// </summary>
public sealed class LiveGatewayService(IOptions<GatewayOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly GatewayOptions _o = options.Value;
    private readonly ILogger _log = loggers.CreateLogger<LiveGatewayService>();
    private readonly Dictionary<string, long> _sessions = [];

    /// <summary>Sessions opened by this run (runner name → session id).</summary>
    public IReadOnlyDictionary<string, long> Sessions => _sessions;

    /// <summary>Where the dashboard listens, once started.</summary>
    public IReadOnlyList<string> DashboardAddresses { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError("Gateway stopped: {Message}", e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var simulate = _o.Simulate;
        var runnersCfg = _o.Runners.Count > 0 || simulate is null
            ? _o.Runners
            : Enumerable.Range(1, Math.Max(1, _o.SimulateRunners)).Select(i => new RunnerOptions { Name = $"runner-{i}" }).ToList();
        if (runnersCfg.Count == 0)
        {
            _log.LogError("No runners configured: add GaitGateway:Runners with sensor addresses (see samples/appsettings.json), or use --simulate");
            Environment.ExitCode = 2;
            return;
        }

        var storePath = _o.Store ?? StorePaths.DefaultStorePath();
        var recordings = _o.RecordingsDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath))!, "recordings");
        Directory.CreateDirectory(recordings);
        _log.LogInformation("Store {Store}, recordings in {Recordings}", storePath, recordings);

        using var store = SqliteStore.Open(storePath);
        var writerSettings = new StoreWriterSettings { MaxCommitDelay = TimeSpan.FromMilliseconds(Math.Max(0, _o.StoreCommitDelayMs)) };
        await using var writer = new StoreWriter(store, writerSettings);
        INotificationSource? source = null;
        var timeScale = simulate is null ? 1.0 : Math.Max(1e-6, _o.SimulateTimeScale);
        var latency = new StrideLatencyProbe(
            2 * (writerSettings.ChannelCapacity + writerSettings.MaxBatchItems),
            () => source is null ? double.NaN : source.NowUs / 1e6,
            timeScale);
        writer.Committed += latency.OnCommitted;
        var board = new LiveBoard();
        DashboardServer? dashboard = null;
        if (_o.Dashboard.Enabled)
        {
            dashboard = new DashboardServer(board, store, _o.Dashboard.ToSettings(), loggers);
            await dashboard.StartAsync(stoppingToken).ConfigureAwait(false);
            DashboardAddresses = dashboard.Addresses;
            _log.LogInformation("Dashboard on {Addresses}", string.Join(", ", dashboard.Addresses));
        }

        var start = DateTimeOffset.UtcNow;
        var runners = new List<RunnerSession>();
        var links = new List<SensorLinkOptions>();
        var simRuns = new List<(SimulatedRun Run, int FirstIndex)>();
        var route = new List<(RunnerSession Runner, int Local, Foot? Foot)>();
        foreach (var r in runnersCfg)
        {
            List<RecordingSensor> sensors;
            if (simulate is not null)
            {
                var settings = new SimulationSettings { Seed = 1 + runners.Count, Runner = r.Name, StartUtc = start };
                var run = SimulatedRun.Create(SessionPlans.Get(simulate, settings), settings);
                simRuns.Add((run, route.Count));
                sensors = [.. run.Header.Sensors];
            }
            else
            {
                sensors = [];
                void Add(string? address, string? foot, SensorKind kind)
                {
                    if (string.IsNullOrWhiteSpace(address)) return;
                    sensors.Add(new RecordingSensor { Index = sensors.Count, Id = address, Foot = foot, Kind = kind == SensorKind.ShoeClip ? "imu" : "rsc", SampleRateHz = 400, AccRangeG = 16, GyroRangeDps = 2000 });
                    links.Add(new SensorLinkOptions(address, links.Count, kind) { Configuration = kind == SensorKind.ShoeClip && FootNames.TryParse(foot, out var f) ? ShoeClipConfig.RunningDefault(f) : null });
                }

                Add(r.Left, "left", SensorKind.ShoeClip);
                Add(r.Right, "right", SensorKind.ShoeClip);
                Add(r.Footpod, null, SensorKind.RscFootpod);
            }

            var header = new RecordingHeader { StartUtc = start, Runner = r.Name, SessionName = $"{r.Name} {start:yyyy-MM-dd HH:mm}", Source = simulate is null ? "bluez" : "simulate", Plan = simulate, Sensors = sensors };
            var file = Path.Combine(recordings, $"{Safe(r.Name)}-{start:yyyyMMdd-HHmmss}.ggwrec");
            var infos = SessionSensors.From(sensors, _ => header.Source!);
            var id = store.BeginSession(new SessionInfo(r.Name, header.SessionName!, "live", start, file, simulate, infos));
            _sessions[r.Name] = id;
            var live = board.SinkFor(r.Name, infos, new LiveRunnerOptions(id, simulate, null));
            GaitSession? session = null;
            var toStore = new StoreWriterSink(writer, id, latency, () => session!.LastStrideClosedAtS);
            session = new GaitSession(sensors, new FanOutSink(toStore, live));
            var runner = new RunnerSession(r.Name, id, new RecordingWriter(file, header), session);
            runners.Add(runner);
            foreach (var s in sensors) route.Add((runner, s.Index, FootNames.TryParse(s.Foot, out var f) ? f : null));
            _log.LogInformation("Runner {Runner}: session {Session}, recording {File}", r.Name, id, file);
        }

        board.CueRaised += (_, cue) =>
        {
            var runner = runners.FirstOrDefault(x => x.Name == cue.Runner);
            if (runner is null) return;
            _log.LogInformation("Cue for {Runner}: {Message}", cue.Runner, cue.Message);
            _ = writer.AppendAlertAsync(runner.SessionId, cue.ToAlert()).AsTask();
        };

        if (simulate is not null)
        {
            source = new SimulatedSource(simRuns, _o.SimulateTimeScale);
        }
        else
        {
            var adapter = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = _o.BusAddress }, stoppingToken).ConfigureAwait(false);
            source = new BlueZSource(adapter, new SensorHub(adapter, links));
        }

        await using (source.ConfigureAwait(false))
        {
            source.Start(stoppingToken);
            var statusEvery = TimeSpan.FromSeconds(_o.SensorStatusIntervalS);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var pipelineLatency = new LatencyRecorder(100_000);
            var nextStatus = TimeSpan.FromSeconds(1);
            var nextStore = statusEvery;
            try
            {
                var reader = source.Reader;
                while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var n))
                    {
                        if (n.SensorIndex >= route.Count) continue;
                        var (runner, local, _) = route[n.SensorIndex];
                        try
                        {
                            // Each link stamps its notifications before they meet in the channel, so across a
                            // runner's sensors host time can step back by a few µs; recordings (and replay) need it
                            // monotonic, and the pipeline must see what the recording holds.
                            var hostUs = Math.Max(n.HostTimeUs, runner.LastHostTimeUs);
                            runner.LastHostTimeUs = hostUs;
                            runner.Recording.Append(local, n.Kind, hostUs, n.Payload);
                            var before = runner.Session.StridesEmitted;
                            runner.Session.OnNotification(Notification.Create(local, n.Kind, hostUs, n.Payload));
                            if (runner.Session.StridesEmitted != before)
                            {
                                // The pipeline's share of the latency: from the closing notification's receipt (the
                                // source's clock) to the stride handed to the store writer.
                                pipelineLatency.Add((source.NowUs - n.HostTimeUs) / 1e6 / timeScale);
                            }
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // One bad packet must not end a run: count it and go on.
                            runner.Errors++;
                            if (runner.Errors <= 5) _log.LogWarning("Runner {Runner}: packet from sensor {Sensor} failed: {Message}", runner.Name, n.SensorIndex, e.Message);
                        }
                    }

                    if (clock.Elapsed >= nextStatus)
                    {
                        // Dashboard tiles once a second; the store every SensorStatusIntervalS.
                        nextStatus = clock.Elapsed + TimeSpan.FromSeconds(1);
                        var toStore = clock.Elapsed >= nextStore;
                        if (toStore) nextStore = clock.Elapsed + statusEvery;
                        for (var i = 0; i < route.Count; i++)
                        {
                            var (runner, local, foot) = route[i];
                            var st = source.State(i);
                            var loss = st.Packets + st.LostPackets > 0 ? 100.0 * st.LostPackets / (st.Packets + st.LostPackets) : 0;
                            if (foot is { } f) board.UpdateSensor(runner.Name, f, st.BatteryPct, st.Link, loss);
                            if (toStore)
                                await writer.AppendSensorStatusAsync(runner.SessionId, new SensorStatusRecord(
                                    $"{runner.Name}/{local}",
                                    clock.Elapsed.TotalSeconds, st.BatteryPct, st.Packets, st.LostPackets, st.Link), stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutdown, not an error.
            }
            finally
            {
                await source.StopAsync().ConfigureAwait(false);
                foreach (var r in runners)
                {
                    r.Session.Complete();
                    r.Recording.Dispose();
                    board.EndSession(r.Name);
                }

                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                // A simulated session ends at its last notification in session time: with --time-scale the wall clock
                // would store a 120-s session as 1:01.
                foreach (var r in runners) store.EndSession(r.SessionId, simulate is null ? DateTimeOffset.UtcNow : start + TimeSpan.FromMicroseconds(r.LastHostTimeUs));
                var stored = latency.ToStored;
                _log.LogInformation(
                    "Stopped: {Strides} strides stored for {Runners} runner(s); stride latency from sensor timestamp to stored p50 {P50:F1} ms, p99 {P99:F1} ms ({Measured} strides{Overflow}); pipeline only, from closing notification to store writer: p50 {PipeP50:F2} ms, p99 {PipeP99:F2} ms",
                    runners.Sum(r => r.Session.StridesEmitted), runners.Count, stored.Percentile(0.5) * 1000, stored.Percentile(0.99) * 1000, stored.Count,
                    latency.Overflowed ? ", FIFO overflowed: measuring stopped" : "", pipelineLatency.Percentile(0.5) * 1000, pipelineLatency.Percentile(0.99) * 1000);
                if (dashboard is not null) await dashboard.DisposeAsync().ConfigureAwait(false);
            }
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
        public long LastHostTimeUs { get; set; } = long.MinValue;
    }
}
