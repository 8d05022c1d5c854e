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
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sessions opened by this run (runner name → session id).</summary>
    public IReadOnlyDictionary<string, long> Sessions => _sessions;

    /// <summary>Where the dashboard listens, once started.</summary>
    public IReadOnlyList<string> DashboardAddresses { get; private set; } = [];

    /// <summary>
    /// Returns once the store is open, every runner's session has begun and the sensor links run (or the gateway
    /// stopped trying): the host signals "started" only then, which under systemd is READY=1.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAny(_ready.Task, ExecuteTask ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

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
        IReadOnlyList<SensorLink>? bluezLinks = null;
        var timeScale = simulate is null ? 1.0 : Math.Max(1e-6, _o.SimulateTimeScale);
        var latency = new StrideLatencyProbe(
            2 * (writerSettings.ChannelCapacity + writerSettings.MaxBatchItems),
            () => source is null ? double.NaN : source.NowUs / 1e6,
            timeScale);
        writer.Committed += latency.OnCommitted;
        var board = new LiveBoard();
        // Central mode: this board's tiles to InfluxDB once a second, for gaitgw serve --influx-url (issue 14).
        var sink = Cli.GaitGatewayCli.SinkSettings(_o.Influx);
        using var publisher = sink is { Central: true } ? new Dashboard.Central.LiveTilePublisher(board, sink, _log) : null;
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var publishing = Task.CompletedTask;
        DashboardServer? dashboard = null;
        if (_o.Dashboard.Enabled)
        {
            dashboard = new DashboardServer(board, store, _o.Dashboard.ToSettings(), loggers);
            await dashboard.StartAsync(stoppingToken).ConfigureAwait(false);
            DashboardAddresses = dashboard.Addresses;
            _log.LogInformation("Dashboard on {Addresses}", string.Join(", ", dashboard.Addresses));
        }

        // One clock for the recording's startUtc, the session's start in the store and every frame's host time: a
        // stride's UTC is start + its host time, so the two must come from the same instant.
        var sessionClock = new SessionClock();
        var start = sessionClock.StartUtc;
        var runners = new List<RunnerSession>();
        var links = new List<SensorLinkOptions>();
        var linkAdapters = new List<string?>();
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
                    // What is asked; replaced by what the clip reports once it connected (OpenRecording).
                    sensors.Add(kind == SensorKind.ShoeClip
                        ? new RecordingSensor { Index = sensors.Count, Id = address, Foot = foot, Kind = "imu", SampleRateHz = r.SampleRateHz, AccRangeG = r.AccRangeG, GyroRangeDps = r.GyroRangeDps }
                        : new RecordingSensor { Index = sensors.Count, Id = address, Kind = "rsc" });
                    linkAdapters.Add(string.IsNullOrWhiteSpace(r.Adapter) ? (string.IsNullOrWhiteSpace(_o.Adapter) ? null : _o.Adapter) : r.Adapter);
                    links.Add(new SensorLinkOptions(address, links.Count, kind) { DiscoveryTimeout = TimeSpan.FromSeconds(Math.Max(0.1, _o.DiscoveryTimeoutS)), Request = kind == SensorKind.ShoeClip ? r.ClipRequest(FootNames.TryParse(foot, out var f) ? f : null) : null });
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
            // Her overstriding baseline starts from her stored sessions (issue 12), then learns from this one.
            session = new GaitSession(sensors, new FanOutSink(toStore, live), new GaitSessionSettings { OverstrideHistory = Pipeline.OverstrideHistory.FromStore(store, r.Name, id) });
            // Simulated sensors are known now; real ones once connected (the header waits for them, OpenRecording).
            var runner = new RunnerSession(r.Name, id, file, header, session, route.Count, DateTime.UtcNow + TimeSpan.FromSeconds(Math.Max(0, _o.RecordingHeaderWaitS)));
            if (simulate is not null) runner.Recording = new RecordingWriter(file, header);
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
            // One BlueZ client per adapter in use (each its own discovery session and object cache, filtered to it).
            var adapters = new Dictionary<string, BlueZAdapter>(StringComparer.Ordinal);
            var placed = new List<(Bluetooth.Abstractions.IBleAdapter, SensorLinkOptions)>();
            for (var k = 0; k < links.Count; k++)
            {
                var name = linkAdapters[k];
                if (!adapters.TryGetValue(name ?? "", out var a))
                {
                    a = await BlueZAdapter.ConnectAsync(new BlueZOptions { BusAddress = _o.BusAddress, AdapterName = name }, stoppingToken).ConfigureAwait(false);
                    adapters[name ?? ""] = a;
                    _log.LogInformation("Bluetooth adapter {Adapter}: {Path}", name ?? "(first)", a.AdapterPath ?? "not present");
                }

                placed.Add((a, links[k]));
            }

            var bluez = new BlueZSource([.. adapters.Values], new SensorHub(placed, new SensorHubOptions { Clock = sessionClock }));
            bluezLinks = bluez.Links;
            foreach (var link in bluez.Links)
            {
                var (runner, local, foot) = route[link.Options.SensorIndex];
                var who = $"{runner.Name}/{(foot is { } ft ? ft.ToWord() : "footpod")} {link.Options.Address}";
                ShoeClipConfig? streamedWith = null;
                link.Reported += (_, rep) =>
                {
                    LogReport(who, rep);
                    if (rep.Kind != SensorReportKind.Streaming) return;
                    // A clip that comes back with other settings (firmware update, another app wrote them): every IMU
                    // packet carries its rate, ranges and sample count, so the recording says so by itself
                    // (recording-format.md); the log and the store's sensors row say it here.
                    var now = link.Negotiation?.Configuration;
                    if (streamedWith is { } before && now is { } after && before != after)
                        _log.LogWarning("Sensor {Sensor}: reconnected with other settings: {Before} -> {After}", who, before, after);
                    streamedWith = now;
                    if (runner.Recording is null) return;
                    try
                    {
                        foreach (var info in SessionSensors.From([Describe(runner.Header.Sensors[local], link)], _ => runner.Header.Source!))
                            store.UpdateSensor(runner.SessionId, info);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _log.LogWarning("Sensor {Sensor}: storing its connection details failed: {Message}", who, e.Message);
                    }
                };
            }

            source = bluez;
        }

        await using (source.ConfigureAwait(false))
        {
            source.Start(stoppingToken);
            _ready.TrySetResult();
            var statusEvery = TimeSpan.FromSeconds(_o.SensorStatusIntervalS);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var pipelineLatency = new LatencyRecorder(100_000);
            var nextStatus = TimeSpan.FromSeconds(1);
            var nextStore = statusEvery;
            var lowBatteryCued = new HashSet<int>();
            try
            {
                if (publisher is not null) publishing = publisher.RunAsync(stopPublishing.Token);
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
                            if (runner.Recording is null) OpenRecording(runner, bluezLinks, store, force: false);
                            if (runner.Recording is { } rec) rec.Append(local, n.Kind, hostUs, n.Payload);
                            else runner.Hold(local, n.Kind, hostUs, n.Payload);
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
                        foreach (var r in runners)
                        {
                            if (r.Recording is null) OpenRecording(r, bluezLinks, store, force: false);
                        }

                        for (var i = 0; i < route.Count; i++)
                        {
                            var (runner, local, foot) = route[i];
                            var st = source.State(i);
                            var loss = st.Packets + st.LostPackets > 0 ? 100.0 * st.LostPackets / (st.Packets + st.LostPackets) : 0;
                            if (foot is { } f) board.UpdateSensor(runner.Name, f, st.BatteryPct, st.Link, loss, st.Detail, st.BatteryAgeS);
                            if (st.BatteryPct <= _o.LowBatteryPct && lowBatteryCued.Add(i))
                            {
                                var which = foot is { } ft ? $"{ft.ToWord()} clip" : "footpod";
                                var message = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Low battery on the {which}: {st.BatteryPct:0} %. Charge it after this run.");
                                _log.LogWarning("Runner {Runner}: {Message}", runner.Name, message);
                                board.RaiseDeviceCue(runner.Name, runner.LastHostTimeUs > 0 ? runner.LastHostTimeUs / 1e6 : 0, "battery_low", message, "battery_pct", st.BatteryPct);
                            }

                            if (toStore)
                                await writer.AppendSensorStatusAsync(runner.SessionId, new SensorStatusRecord(
                                    $"{runner.Name}/{local}",
                                    clock.Elapsed.TotalSeconds, st.BatteryPct, st.Packets, st.LostPackets, st.Link,
                                    st.ConnectAttempts, st.ConnectFailures, st.LastError), stoppingToken).ConfigureAwait(false);
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
                    if (r.Recording is null) OpenRecording(r, bluezLinks, store, force: true);
                    r.Recording!.Dispose();
                    board.EndSession(r.Name);
                }

                if (publisher is not null)
                {
                    // The last tiles say "ended" on the central dashboard too.
                    await stopPublishing.CancelAsync().ConfigureAwait(false);
                    await publishing.ConfigureAwait(false);
                    using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    try { await publisher.PublishAsync(last.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
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

    /// <summary>Every attempt, failure and end of a link goes to the log with its reason: a sensor that never
    /// connects must not show up only as "0 strides stored".</summary>
    private void LogReport(string who, SensorReport r)
    {
        switch (r.Kind)
        {
            case SensorReportKind.AttemptFailed:
                _log.LogWarning("Sensor {Sensor}: connection attempt {Attempt} failed: {Reason}", who, r.Attempt, r.Message);
                break;
            case SensorReportKind.LinkEnded:
                _log.LogWarning("Sensor {Sensor}: link ended: {Reason}; reconnecting", who, r.Message);
                break;
            case SensorReportKind.Unsupported:
                _log.LogError("Sensor {Sensor}: {Reason}", who, r.Message);
                break;
            case SensorReportKind.Warning:
                _log.LogWarning("Sensor {Sensor}: {Reason}", who, r.Message);
                break;
            default:
                _log.LogInformation("Sensor {Sensor}: {Message} (attempt {Attempt})", who, r.Message, r.Attempt);
                break;
        }
    }

    private static string Safe(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'));

    /// <summary>
    /// Writes the runner's recording header once every sensor connected (or the wait ran out, or too much is held),
    /// with what each reported and negotiated, then the held notifications; and updates the store's sensors rows.
    /// </summary>
    private void OpenRecording(RunnerSession runner, IReadOnlyList<SensorLink>? links, SqliteStore store, bool force)
    {
        if (runner.Recording is not null || links is null) return;
        var sensors = runner.Header.Sensors;
        var known = sensors.All(s => IsKnown(links[runner.FirstGlobal + s.Index]));
        if (!known && !force && DateTime.UtcNow < runner.HeaderDeadlineUtc && runner.HeldCount < RunnerSession.MaxHeld) return;
        var described = sensors.Select(s => Describe(s, links[runner.FirstGlobal + s.Index])).ToList();
        runner.Recording = new RecordingWriter(runner.File, runner.Header with { Sensors = described });
        runner.FlushHeld();
        foreach (var info in SessionSensors.From(described, _ => runner.Header.Source!)) store.UpdateSensor(runner.SessionId, info);
        if (!known)
        {
            _log.LogWarning("Runner {Runner}: recording header written before every sensor connected; it lists the requested settings for {Missing}",
                runner.Name, string.Join(", ", sensors.Where(s => !IsKnown(links[runner.FirstGlobal + s.Index])).Select(s => s.Id)));
        }

        static bool IsKnown(SensorLink l) => l.Info is not null && (l.Options.Kind != SensorKind.ShoeClip || l.Negotiation is not null);
    }

    /// <summary>A header sensor entry from what the link read and negotiated (recording-format.md).</summary>
    internal static RecordingSensor Describe(RecordingSensor asked, SensorLink link)
    {
        var info = link.Info;
        if (info is null) return asked;
        var cfg = link.Negotiation?.Configuration ?? info.Configuration;
        return asked with
        {
            Name = info.Name ?? asked.Name,
            Firmware = info.FirmwareRevision,
            Model = info.Model,
            Manufacturer = info.Manufacturer,
            BatteryPct = link.BatteryPercent,
            SampleRateHz = cfg?.SampleRateHz ?? asked.SampleRateHz,
            AccRangeG = cfg is { } a ? (int)ImuScale.AccFullScaleG(a.AccRange) : asked.AccRangeG,
            GyroRangeDps = cfg is { } g ? (int)ImuScale.GyroFullScaleDps(g.GyroRange) : asked.GyroRangeDps,
            AttMtu = link.Mtu > 0 ? link.Mtu : null,
            SamplesPerPacket = cfg?.SamplesPerPacket,
        };
    }

    private sealed class RunnerSession(string name, long sessionId, string file, RecordingHeader header, GaitSession session, int firstGlobal, DateTime headerDeadlineUtc)
    {
        /// <summary>Notifications held while the header waits: ~3 min of two clips at 400 Hz, ~2 MB at most.</summary>
        public const int MaxHeld = 8192;
        private readonly List<(int Local, FrameKind Kind, long HostUs, byte[] Payload)> _held = [];

        public string Name { get; } = name;
        public long SessionId { get; } = sessionId;
        public string File { get; } = file;
        public RecordingHeader Header { get; } = header;
        public int FirstGlobal { get; } = firstGlobal;
        public DateTime HeaderDeadlineUtc { get; } = headerDeadlineUtc;
        public RecordingWriter? Recording { get; set; }
        public GaitSession Session { get; } = session;
        public int HeldCount => _held.Count;

        public void Hold(int local, FrameKind kind, long hostUs, ReadOnlySpan<byte> payload) => _held.Add((local, kind, hostUs, payload.ToArray()));

        public void FlushHeld()
        {
            foreach (var (local, kind, hostUs, payload) in _held) Recording!.Append(local, kind, hostUs, payload);
            _held.Clear();
        }

        public long Errors { get; set; }
        public long LastHostTimeUs { get; set; } = long.MinValue;
    }
}
