using System.Threading.Channels;
using GaitGateway.Bluetooth.BlueZ;
using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Live;

/// <summary>A live sensor's state for the dashboard and the store.</summary>
/// <param name="ConnectAttempts">Attempts to find, connect and start it; null for sources without links.</param>
/// <param name="ConnectFailures">Attempts that ended before it streamed; null for sources without links.</param>
/// <param name="LastError">Why the last attempt or link ended; null when none.</param>
/// <param name="Detail">One line for the dashboard tile while it does not stream ("… not found within 10 s; no data for 42 s").</param>
public readonly record struct SensorState(
    double BatteryPct, string Link, long Packets, long LostPackets,
    long? ConnectAttempts = null, long? ConnectFailures = null, string? LastError = null, string? Detail = null, double BatteryAgeS = double.NaN);

/// <summary>Where live notifications come from: BlueZ, or the simulator paced in real time. Indices are global.</summary>
public interface INotificationSource : IAsyncDisposable
{
    ChannelReader<Notification> Reader { get; }
    void Start(CancellationToken ct);
    Task StopAsync();
    SensorState State(int sensorIndex);

    /// <summary>Now on the clock of <see cref="Notification.HostTimeUs"/> (µs), for latency measurement.</summary>
    long NowUs { get; }
}

/// <summary>Bluetooth LE through BlueZ: one <see cref="SensorHub"/> for every allow-listed sensor, over one or more adapters.</summary>
public sealed class BlueZSource(IReadOnlyList<BlueZAdapter> adapters, SensorHub hub) : INotificationSource
{
    public ChannelReader<Notification> Reader => hub.Reader;

    public void Start(CancellationToken ct) => hub.Start(ct);

    public Task StopAsync() => hub.StopAsync();

    public long NowUs => hub.Clock.NowUs;

    /// <summary>The link of every global sensor index.</summary>
    public IReadOnlyList<SensorLink> Links => hub.Links;

    public SensorState State(int sensorIndex)
    {
        var link = hub.Links[sensorIndex];
        var c = link.Counters.Snapshot();
        return new SensorState(link.BatteryPercent ?? double.NaN, link.State.ToString(), c.Packets, c.LostPackets,
            c.ConnectAttempts, c.ConnectFailures, link.LastError, link.Detail, link.BatteryAge?.TotalSeconds ?? double.NaN);
    }

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync().ConfigureAwait(false);
        foreach (var adapter in adapters) await adapter.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Simulated shoe clips streaming in (scaled) real time: each runner's <see cref="SimulatedRun"/> notifications are
/// released when the wall clock reaches their host time, into the same bounded channel BlueZ would fill.
/// </summary>
public sealed class SimulatedSource : INotificationSource
{
    private readonly Channel<Notification> _channel = SessionRunner.CreateChannel();
    private readonly IReadOnlyList<(SimulatedRun Run, int FirstIndex)> _runs;
    private readonly double _timeScale;
    private readonly long[] _packets;
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private Task _pump = Task.CompletedTask;
    private CancellationTokenSource? _cts;

    public SimulatedSource(IReadOnlyList<(SimulatedRun Run, int FirstIndex)> runs, double timeScale)
    {
        _runs = runs;
        _timeScale = timeScale > 0 ? timeScale : 1;
        _packets = new long[runs.Count == 0 ? 0 : runs.Max(r => r.FirstIndex) + 2];
    }

    public ChannelReader<Notification> Reader => _channel.Reader;

    public void Start(CancellationToken ct)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _cts.Token;
        _clock.Start();
        _pump = Task.Run(async () =>
        {
            try
            {
                await Task.WhenAll(_runs.Select(r => PumpAsync(r.Run, r.FirstIndex, token))).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _channel.Writer.TryComplete();
            }
        }, token);
    }

    private async Task PumpAsync(SimulatedRun run, int firstIndex, CancellationToken ct)
    {
        var clock = _clock;
        foreach (var n in run.Notifications())
        {
            var due = TimeSpan.FromMicroseconds(n.HostTimeUs / _timeScale);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(2)) await Task.Delay(wait, ct).ConfigureAwait(false);
            var global = firstIndex + n.SensorIndex;
            Interlocked.Increment(ref _packets[global]);
            await _channel.Writer.WriteAsync(Notification.Create(global, n.Kind, n.HostTimeUs, n.Payload), ct).ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        if (_cts is not null) await _cts.CancelAsync().ConfigureAwait(false);
        try { await _pump.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    /// <summary>Simulated µs: wall time since <see cref="Start"/> × the time scale.</summary>
    public long NowUs => (long)(_clock.Elapsed.TotalMicroseconds * _timeScale);

    public SensorState State(int sensorIndex) =>
        new(100, "simulated", sensorIndex < _packets.Length ? Interlocked.Read(ref _packets[sensorIndex]) : 0, 0);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }
}
