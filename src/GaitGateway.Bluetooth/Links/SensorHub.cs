using System.Threading.Channels;
using GaitGateway.Bluetooth.Abstractions;
using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Links;

/// <summary>Settings of the hub that merges all links into one channel.</summary>
public sealed record SensorHubOptions
{
    /// <summary>
    /// Notifications the channel holds. Default 4096: about 100 s of two clips at 400 Hz (19 samples per packet,
    /// 21 packets/s each) in ~1.1 MB, since each Notification carries its bytes inline (~260 B).
    /// </summary>
    public int ChannelCapacity { get; init; } = 4096;
    /// <summary>Clock of Notification.HostTimeUs; null: system.</summary>
    public TimeProvider? TimeProvider { get; init; }
    /// <summary>
    /// The session clock to stamp with, when the caller started it already (its <see cref="SessionClock.StartUtc"/>
    /// is the recording's startUtc); null: a new one, started when the hub is built.
    /// </summary>
    public SessionClock? Clock { get; init; }
}

/// <summary>
/// Runs one <see cref="SensorLink"/> per allow-listed sensor and merges their notifications into one bounded channel.
/// </summary>
/// <remarks>
/// Full mode is <see cref="BoundedChannelFullMode.Wait"/>, with each link waiting at most
/// <see cref="SensorLinkOptions.ChannelFullTimeout"/> and counting what it then drops. DropOldest would be wrong for
/// data: it silently discards the oldest packets, which a sequence check downstream cannot tell apart from radio
/// loss, and it would discard link events. Waiting pushes back on the socket (the kernel buffers a little more) and
/// every drop is counted where it happens.
/// </remarks>
public sealed class SensorHub : IAsyncDisposable
{
    private readonly Channel<Notification> _channel;
    private readonly List<Task> _runs = [];
    private CancellationTokenSource? _cts;

    public SensorHub(IBleAdapter adapter, IEnumerable<SensorLinkOptions> sensors, SensorHubOptions? options = null)
        : this(sensors.Select(s => (adapter, s)), options)
    {
    }

    /// <summary>Links spread over several adapters (a controller holds ~7–20 connections), one adapter per sensor.</summary>
    public SensorHub(IEnumerable<(IBleAdapter Adapter, SensorLinkOptions Options)> sensors, SensorHubOptions? options = null)
    {
        options ??= new SensorHubOptions();
        _channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        Clock = options.Clock ?? new SessionClock(options.TimeProvider);
        Links = sensors.Select(s => new SensorLink(s.Adapter, s.Options, _channel.Writer, Clock)).ToList();
    }

    /// <summary>Every notification of every sensor, in arrival order per sensor.</summary>
    public ChannelReader<Notification> Reader => _channel.Reader;
    public IReadOnlyList<SensorLink> Links { get; }
    public SessionClock Clock { get; }

    public void Start(CancellationToken cancellationToken = default)
    {
        if (_cts is not null) throw new InvalidOperationException("already started");
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var link in Links) _runs.Add(Task.Run(() => link.RunAsync(_cts.Token), CancellationToken.None));
    }

    /// <summary>Stops every link (clips are told to stop streaming) and completes the channel.</summary>
    public async Task StopAsync()
    {
        if (_cts is null) return;
        await _cts.CancelAsync();
        await Task.WhenAll(_runs);
        _channel.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _cts?.Dispose();
    }
}
