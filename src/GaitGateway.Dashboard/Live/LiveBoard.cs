using System.Collections.Concurrent;
using System.Threading.Channels;
using GaitGateway.Coaching.Cues;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Storage;

namespace GaitGateway.Dashboard.Live;

/// <summary>
/// The live state of every runner on the dashboard: a ring of each runner's last strides, their cue engine and their
/// sensors' battery/link/loss. Thread-safe: sinks are called on pipeline threads, snapshots are taken on request
/// threads. Memory is bounded: <see cref="LiveBoardSettings.StrideRing"/> strides and
/// <see cref="LiveBoardSettings.CueHistory"/> cues per runner.
/// </summary>
/// <remarks>
/// Feeding it: <c>var sink = board.SinkFor("ann", sensors, new LiveRunnerOptions(sessionId, plan));</c> and pass
/// <c>sink</c> (alone or fanned out with the store sink) to <see cref="GaitSession"/>. Link and battery updates go
/// through <see cref="UpdateSensor"/>. Cues are raised on the pipeline thread through <see cref="CueRaised"/> (store
/// them as alerts there, e.g. with <see cref="CueAlerts.ToAlert"/>) and fanned out to browser streams.
/// </remarks>
public sealed class LiveBoard
{
    private readonly LiveBoardSettings _settings;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunnerState> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Channel<CueView>> _subscribers = new();
    private long _version, _nextSubscriber;
    private IReadOnlyList<RunnerTile> _remote = [];
    private string? _remoteFingerprint;
    private HashSet<(string Runner, long? Session, double TimeS, string Kind)> _remoteCues = [];

    public LiveBoard(LiveBoardSettings? settings = null)
    {
        _settings = settings ?? new LiveBoardSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.StrideRing, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.CueHistory, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.SubscriberQueue, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_settings.TileWindowS);
        _settings.Cues.Validate();
    }

    public LiveBoardSettings Settings => _settings;

    /// <summary>Raised for every cue, synchronously on the thread that delivered the stride. Don't block.</summary>
    public event EventHandler<CueView>? CueRaised;

    /// <summary>Increases on every change of any tile: a stream sends tiles when it moved.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// Starts (or restarts) a runner's live session and returns the sink to hand to <see cref="GaitSession"/>.
    /// A second call for the same runner starts afresh (new session): the old sink then feeds nothing.
    /// </summary>
    public IGaitSink SinkFor(string runnerId, IEnumerable<SensorInfo>? sensors = null, LiveRunnerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runnerId);
        options ??= new LiveRunnerOptions();
        var state = new RunnerState(runnerId, options, _settings, new CueEngine(_settings.Cues, options.Baseline));
        foreach (var s in sensors ?? []) state.Sensors[(int)s.Foot & 1] = new SensorSlot(s.Id, s.BatteryPct, "connected", double.NaN);
        lock (_gate) _runners[runnerId] = state;
        Interlocked.Increment(ref _version);
        return new Sink(this, state);
    }

    /// <summary>Link, battery and loss of one runner's sensor (from the BLE link layer, ~1/s is plenty).</summary>
    /// <param name="runnerId">Runner id as given to <see cref="SinkFor"/>; unknown runners get a tile.</param>
    /// <param name="foot">Which shoe.</param>
    /// <param name="batteryPct">0..100; NaN = unknown.</param>
    /// <param name="linkState">"connected", "reconnecting", "lost", …</param>
    /// <param name="packetLossPct">Packets lost / expected, %; NaN = unknown.</param>
    /// <param name="detail">Why the sensor is not streaming or what it negotiated, in words; null when nothing to say.</param>
    /// <param name="batteryAgeS">How old <paramref name="batteryPct"/> is, s; NaN = unknown.</param>
    public void UpdateSensor(string runnerId, Foot foot, double batteryPct, string linkState, double packetLossPct, string? detail = null, double batteryAgeS = double.NaN)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runnerId);
        lock (_gate)
        {
            if (!_runners.TryGetValue(runnerId, out var state))
                _runners[runnerId] = state = new RunnerState(runnerId, new LiveRunnerOptions(), _settings, new CueEngine(_settings.Cues));
            var old = state.Sensors[(int)foot & 1];
            state.Sensors[(int)foot & 1] = new SensorSlot(old?.Id, batteryPct, linkState ?? "unknown", packetLossPct, detail, batteryAgeS);
            state.Version++;
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// A cue about the equipment rather than the gait (e.g. "battery_low"): shown on the tile and raised like a gait
    /// cue (<see cref="CueRaised"/>, browser streams), so the coach hears of it the same way.
    /// </summary>
    /// <param name="timeS">Session time, s.</param>
    public void RaiseDeviceCue(string runnerId, double timeS, string kind, string message, string measurement, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runnerId);
        CueView cue;
        lock (_gate)
        {
            if (!_runners.TryGetValue(runnerId, out var state)) return;
            cue = new CueView(runnerId, state.Options.SessionId, timeS, kind, message, measurement, N(value), null, DateTimeOffset.UtcNow);
            state.AddCue(cue);
            state.Version++;
        }

        Interlocked.Increment(ref _version);
        foreach (var sub in _subscribers.Values) sub.Writer.TryWrite(cue);
        CueRaised?.Invoke(this, cue);
    }

    /// <summary>Marks the runner's session finished (the tile stays, showing "ended").</summary>
    public void EndSession(string runnerId)
    {
        lock (_gate)
        {
            if (_runners.TryGetValue(runnerId, out var s)) { s.Ended = true; s.Version++; }
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Takes the runner off the board.</summary>
    public bool Remove(string runnerId)
    {
        bool removed;
        lock (_gate) removed = _runners.Remove(runnerId);
        Interlocked.Increment(ref _version);
        return removed;
    }

    /// <summary>Every runner's tile, by runner id: this board's own and those of <see cref="ShowRemote"/>.</summary>
    public IReadOnlyList<RunnerTile> Snapshot()
    {
        lock (_gate)
        {
            var own = _runners.Values.Select(r => r.Tile());
            return [.. (_remote.Count == 0 ? own : own.Concat(_remote)).OrderBy(t => t.Runner, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Central mode: the tiles the gateways published to InfluxDB, shown beside this board's own (a serve has none).
    /// <paramref name="fingerprint"/> identifies the content (the version moves only when it changes); cues in the
    /// tiles that were not in the previous call's go to the browser streams, as a gateway's own board sends its cues
    /// (on the first call none: the page loads the stored ones).
    /// </summary>
    public void ShowRemote(IReadOnlyList<RunnerTile> tiles, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        var first = _remoteFingerprint is null;
        if (fingerprint == _remoteFingerprint) return;
        var seen = new HashSet<(string, long?, double, string)>();
        var fresh = new List<CueView>();
        foreach (var cue in tiles.SelectMany(t => t.Cues))
        {
            var key = (cue.Runner, cue.SessionId, cue.TimeS, cue.Kind);
            if (seen.Add(key) && !first && !_remoteCues.Contains(key)) fresh.Add(cue);
        }

        lock (_gate)
        {
            _remote = tiles;
            _remoteFingerprint = fingerprint;
            _remoteCues = seen;
        }

        Interlocked.Increment(ref _version);
        foreach (var cue in fresh.OrderBy(c => c.RaisedUtc))
        {
            foreach (var sub in _subscribers.Values) sub.Writer.TryWrite(cue);
        }
    }

    /// <summary>The runner's tile, or null.</summary>
    public RunnerTile? Tile(string runnerId)
    {
        lock (_gate) return _runners.TryGetValue(runnerId, out var r) ? r.Tile() : null;
    }

    /// <summary>Live session id of a runner on the board, to mark sessions as live in lists.</summary>
    public IReadOnlySet<long> LiveSessionIds()
    {
        lock (_gate)
        {
            return _runners.Values.Where(r => !r.Ended && r.Options.SessionId is not null).Select(r => r.Options.SessionId!.Value)
                .Concat(_remote.Where(t => t.Gait != "ended" && t.SessionId is not null).Select(t => t.SessionId!.Value))
                .ToHashSet();
        }
    }

    /// <summary>A bounded queue of the cues raised from now on (for one browser stream); dispose to stop.</summary>
    public CueSubscription Subscribe()
    {
        var id = Interlocked.Increment(ref _nextSubscriber);
        var channel = Channel.CreateBounded<CueView>(new BoundedChannelOptions(_settings.SubscriberQueue)
        {
            FullMode = BoundedChannelFullMode.DropOldest, // see LiveBoardSettings.SubscriberQueue
            SingleReader = true,
            SingleWriter = false,
        });
        _subscribers[id] = channel;
        return new CueSubscription(channel.Reader, () =>
        {
            if (_subscribers.TryRemove(id, out var c)) c.Writer.TryComplete();
        });
    }

    private void OnStride(RunnerState state, in StrideMetrics stride)
    {
        List<CueView>? raised = null;
        lock (_gate)
        {
            if (!ReferenceEquals(_runners.GetValueOrDefault(state.Runner), state)) return; // superseded session
            state.Add(stride);
            var before = state.Engine.Diagnostics.CuesRaised;
            state.Engine.Update(stride);
            if (state.Engine.Diagnostics.CuesRaised != before) raised = state.TakeNewCues();
        }

        Interlocked.Increment(ref _version);
        if (raised is null) return;
        foreach (var cue in raised)
        {
            foreach (var sub in _subscribers.Values) sub.Writer.TryWrite(cue);
            CueRaised?.Invoke(this, cue);
        }
    }

    private void OnBout(RunnerState state, in BoutSummary bout)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_runners.GetValueOrDefault(state.Runner), state)) return;
            state.LastBout = bout;
            state.Version++;
        }

        Interlocked.Increment(ref _version);
    }

    private sealed class Sink(LiveBoard board, RunnerState state) : IGaitSink
    {
        public void OnStride(in StrideMetrics stride) => board.OnStride(state, stride);

        public void OnBout(in BoutSummary bout) => board.OnBout(state, bout);
    }

    private sealed record SensorSlot(string? Id, double BatteryPct, string LinkState, double PacketLossPct, string? Detail = null, double BatteryAgeS = double.NaN);

    /// <summary>One runner; every member is touched under the board's lock only.</summary>
    private sealed class RunnerState
    {
        private readonly LiveBoardSettings _settings;
        private readonly StrideMetrics[] _ring;
        private readonly Queue<CueView> _cues = new();
        private readonly List<CueView> _newCues = [];
        private readonly double[] _distanceByFoot = new double[2];
        private readonly bool[] _footSeen = new bool[2];
        private int _next, _count;

        public RunnerState(string runner, LiveRunnerOptions options, LiveBoardSettings settings, CueEngine engine)
        {
            Runner = runner;
            Options = options;
            _settings = settings;
            _ring = new StrideMetrics[settings.StrideRing];
            Engine = engine;
            Engine.CueRaised += (_, c) =>
            {
                var view = new CueView(Runner, Options.SessionId, c.TimeS, c.Kind.ToWord(), c.Message, c.Measurement,
                    N(c.Value), N(c.Baseline), DateTimeOffset.UtcNow, c.Detail);
                _newCues.Add(view);
                _cues.Enqueue(view);
                while (_cues.Count > _settings.CueHistory) _cues.Dequeue();
            };
        }

        public string Runner { get; }
        public LiveRunnerOptions Options { get; }
        public CueEngine Engine { get; }
        public SensorSlot?[] Sensors { get; } = new SensorSlot?[2];
        public long Version { get; set; }
        public long Strides { get; private set; }
        public bool Ended { get; set; }
        public BoutSummary? LastBout { get; set; }

        public void Add(in StrideMetrics s)
        {
            _ring[_next] = s;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
            Strides++;
            Version++;
            var f = (int)s.Foot & 1;
            _footSeen[f] = true;
            if (double.IsFinite(s.StrideLengthM)) _distanceByFoot[f] += s.StrideLengthM;
        }

        public void AddCue(CueView view)
        {
            _cues.Enqueue(view);
            while (_cues.Count > _settings.CueHistory) _cues.Dequeue();
        }

        public List<CueView> TakeNewCues()
        {
            var list = new List<CueView>(_newCues);
            _newCues.Clear();
            return list;
        }

        public RunnerTile Tile()
        {
            // Strides in arrival order, newest last; the tile averages those of the last TileWindowS.
            var all = new StrideMetrics[_count];
            for (var i = 0; i < _count; i++) all[i] = _ring[(_next - _count + i + _ring.Length) % _ring.Length];
            var latest = _count > 0 ? all.Max(s => s.IcTimeS) : double.NaN;
            var recent = all.Where(s => s.IcTimeS > latest - _settings.TileWindowS).ToArray();
            var d = Engine.Diagnostics;
            var speed = Avg(recent, s => s.SpeedMps);
            var feet = (_footSeen[0] ? 1 : 0) + (_footSeen[1] ? 1 : 0);
            // The badge describes the same window as the numbers beside it: the gait of most of its strides (the
            // newest breaks a tie), not of the last stride — "WALK" beside 5:09/km and 151 spm at a run→walk change.
            var gait = Ended ? "ended" : recent.Length == 0 ? "waiting" : recent
                .GroupBy(s => s.Gait)
                .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(s => s.IcTimeS))
                .First().Key switch
            {
                Gait.Run => "run",
                Gait.Walk => "walk",
                _ => "unknown",
            };
            var pattern = recent.Where(s => s.StrikePattern != StrikePattern.Unknown)
                .GroupBy(s => s.StrikePattern).OrderByDescending(g => g.Count()).Select(g => StrideCsv.PatternWord(g.Key)).FirstOrDefault() ?? "";
            var calfPct = d.CalfLoadBaselinePerMin > 0 ? d.CalfLoadPerMin / d.CalfLoadBaselinePerMin * 100 : double.NaN;
            var running = recent.Where(s => s.Gait == Gait.Run).ToArray();
            return new RunnerTile(
                Runner,
                Options.SessionId,
                Options.Plan,
                Version,
                N(latest),
                gait,
                Strides,
                feet == 0 ? null : (_distanceByFoot[0] + _distanceByFoot[1]) / feet,
                N(Avg(recent, s => s.CadenceSpm)),
                N(speed),
                speed > 0.3 ? 1000 / speed : null,
                N(Avg(recent, s => s.StrideLengthM)),
                N(Avg(recent, s => s.ContactTimeS)),
                N(Avg(recent, s => s.FlightTimeS)),
                pattern,
                N(Avg(recent, s => s.StrikeAngleDeg)),
                N(Avg(running, s => s.OverstrideCues.Index)),
                N(d.OverstrideBaselineIndex),
                running.Length > 0 ? running.Count(s => s.Overstride) / (double)running.Length : null,
                N(d.CalfLoadPerMin),
                N(d.CalfLoadBaselinePerMin),
                N(calfPct),
                N(d.LeftContactSharePct),
                N(d.ContactAsymmetryPct),
                N(d.StepAsymmetryPct),
                d.BaselineReady,
                all.Skip(Math.Max(0, all.Length - 60)).Select(s => N(s.CadenceSpm)).ToArray(),
                [Sensor(Foot.Left), Sensor(Foot.Right)],
                _cues.Reverse().ToArray());
        }

        private SensorTile Sensor(Foot foot)
        {
            var s = Sensors[(int)foot];
            return s is null
                ? new SensorTile(foot.ToWord(), null, null, "unknown", null)
                : new SensorTile(foot.ToWord(), s.Id, N(s.BatteryPct), s.LinkState, N(s.PacketLossPct), s.Detail, N(s.BatteryAgeS));
        }

        private static double Avg(StrideMetrics[] strides, Func<StrideMetrics, double> f)
        {
            double sum = 0;
            var n = 0;
            foreach (var s in strides)
            {
                var v = f(s);
                if (!double.IsFinite(v)) continue;
                sum += v;
                n++;
            }

            return n > 0 ? sum / n : double.NaN;
        }
    }

    internal static double? N(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>A browser stream's view of the cues; dispose to unsubscribe.</summary>
public sealed class CueSubscription(ChannelReader<CueView> reader, Action dispose) : IDisposable
{
    public ChannelReader<CueView> Reader { get; } = reader;

    public void Dispose() => dispose();
}

/// <summary>Cues as store alerts (the host writes them with StoreWriter.AppendAlertAsync / SqliteStore.AppendAlert).</summary>
public static class CueAlerts
{
    public static AlertRecord ToAlert(this CueView cue)
    {
        ArgumentNullException.ThrowIfNull(cue);
        return new AlertRecord(cue.TimeS, cue.Kind, cue.Message, cue.Measurement, cue.Value ?? double.NaN, cue.Detail, cue.Baseline ?? double.NaN);
    }
}
