using GaitGateway.Coaching.Cues;

namespace GaitGateway.Dashboard.Live;

/// <summary>Settings of <see cref="LiveBoard"/>.</summary>
public sealed record LiveBoardSettings
{
    /// <summary>Strides kept per runner (both feet), the board's only per-runner memory. Default 256 (~1.5 min of
    /// running): enough for the tile averages and a short sparkline; the store keeps the rest.</summary>
    public int StrideRing { get; init; } = 256;

    /// <summary>Tile values average the strides of the last this many seconds, s. Default 10 s: steady enough to read,
    /// quick enough to follow a pace change.</summary>
    public double TileWindowS { get; init; } = 10;

    /// <summary>Cues kept per runner for the tile and new browsers. Default 20.</summary>
    public int CueHistory { get; init; } = 20;

    /// <summary>Cues queued per browser stream before the oldest is dropped. Default 64: a stalled browser must never
    /// hold up the pipeline thread that raises cues, and the tile shows the recent cues anyway.</summary>
    public int SubscriberQueue { get; init; } = 64;

    /// <summary>Cue engine settings for every runner.</summary>
    public CueSettings Cues { get; init; } = new();
}

/// <summary>What the host knows about a runner's live session.</summary>
/// <param name="SessionId">The store's session id, so the tile links to the session charts.</param>
/// <param name="Plan">Training plan (e.g. "c25k-w6r2").</param>
/// <param name="Baseline">The runner's usual values from earlier sessions (null = measured in this session).</param>
public sealed record LiveRunnerOptions(long? SessionId = null, string? Plan = null, CueBaseline? Baseline = null);
