using GaitGateway.Coaching.Cues;
using GaitGateway.Coaching.Load;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage;

namespace GaitGateway.Dashboard.Api;

// JSON shapes of the API. Units in the names; null where the store has NaN (JSON has no NaN).

public sealed record SessionDto(long Id, string Runner, string Name, string Source, DateTimeOffset StartedUtc,
    DateTimeOffset? EndedUtc, string? Plan, long StrideCount, double? DistanceM, double DurationS, bool Live)
{
    /// <summary>Central mode: the gateway that recorded the session; left out over a gateway's own store.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Gateway { get; init; }

    /// <summary>Central mode: the session's id in that gateway's store; left out over a gateway's own store.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? GatewaySessionId { get; init; }

    public static SessionDto From(StoredSession s, bool live) => new(s.Id, s.Runner, s.Name, s.Source, s.StartedUtc,
        s.EndedUtc, s.Plan, s.StrideCount, N(s.DistanceM), s.Duration.TotalSeconds, live)
    {
        Gateway = s.Origin?.Gateway,
        GatewaySessionId = s.Origin?.GatewaySessionId,
    };

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record StrideDto(string Foot, double IcTimeS, double? StrideTimeS, double? StrideLengthM, double? SpeedMps,
    double? ContactTimeS, double? FlightTimeS, double? StrikeAngleDeg, string StrikePattern, double? CadenceSpm,
    double? OverstrideIndex, bool Overstride, double? CalfLoad, string Gait)
{
    public static StrideDto From(in StrideMetrics s) => new(s.Foot.ToWord(), s.IcTimeS, N(s.StrideTimeS), N(s.StrideLengthM),
        N(s.SpeedMps), N(s.ContactTimeS), N(s.FlightTimeS), N(s.StrikeAngleDeg), StrideCsv.PatternWord(s.StrikePattern),
        N(s.CadenceSpm), N(s.OverstrideIndex), s.Overstride, N(s.CalfLoad), GaitWord(s.Gait));

    internal static string GaitWord(Core.Strides.Gait g) => g switch { Core.Strides.Gait.Run => "run", Core.Strides.Gait.Walk => "walk", _ => "unknown" };

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record BoutDto(string Gait, double StartTimeS, double EndTimeS, double DurationS, int Strides, double? CadenceSpm,
    double? StrideLengthM, double? SpeedMps, double? DistanceM, double? ContactTimeS, string StrikePattern,
    double? OverstrideFraction, double? CalfLoad, double? CalfLoadPerMin)
{
    public static BoutDto From(in BoutSummary b) => new(StrideDto.GaitWord(b.Gait), b.StartTimeS, b.EndTimeS, b.DurationS,
        b.Strides, N(b.CadenceSpm), N(b.StrideLengthM), N(b.SpeedMps), N(b.DistanceM), N(b.ContactTimeS),
        StrideCsv.PatternWord(b.StrikePattern), N(b.OverstrideFraction), N(b.CalfLoad),
        b.DurationS > 0 ? N(b.CalfLoad / b.DurationS * 60) : null);

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record StretchDto(string Kind, double StartS, double EndS, double? PeakValue);

public sealed record CueDto(double TimeS, string Kind, string Message, string Measurement, double? Value, double? Baseline, string? Detail)
{
    public static CueDto From(Cue c) => new(c.TimeS, c.Kind.ToWord(), c.Message, c.Measurement, N(c.Value), N(c.Baseline), c.Detail);

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>The session's overstriding and calf-load stretches and the cues the cue engine raises on it.</summary>
public sealed record AnalysisDto(IReadOnlyList<StretchDto> Stretches, IReadOnlyList<CueDto> Cues, double? CalfLoadBaselinePerMin, double? OverstrideBaselineIndex)
{
    public static AnalysisDto From(SessionAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new AnalysisDto(
            a.Stretches.Select(s => new StretchDto(s.Kind.ToWord(), s.StartS, s.EndS, N(s.PeakValue))).ToArray(),
            a.Cues.Select(CueDto.From).ToArray(),
            N(a.Final.CalfLoadBaselinePerMin),
            N(a.Final.OverstrideBaselineIndex));
    }

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record SpikeCheckDto(string Measurement, double? Value, double? Reference, double? IncreasePct, string Band, double HazardRatio)
{
    public static SpikeCheckDto From(SpikeCheck c) => new(c.Measurement, N(c.Value), N(c.Reference), N(c.IncreasePct), c.Band.ToWord(), c.Band.HazardRatio());

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record HistorySessionDto(long Id, string Name, string? Plan, DateTimeOffset StartedUtc, double RunningTimeS,
    double LongestRunS, double CalfLoad, double RunningDistanceM, string SpikeBand, double HazardRatio,
    SpikeCheckDto LongestRun, SpikeCheckDto CalfLoadSpike, C25kDto? C25k);

public sealed record WeekDto(DateOnly WeekStart, int Sessions, double RunningTimeS, double LongestRunS, double CalfLoad,
    double RunningDistanceM, double? RunningChangePct, double? CalfLoadChangePct, bool FastIncrease, string MaxSpike)
{
    public static WeekDto From(WeekLoad w) => new(w.WeekStart, w.Sessions, w.RunningTimeS, w.LongestRunS, w.CalfLoad,
        w.RunningDistanceM, N(w.RunningChangePct), N(w.CalfLoadChangePct), w.FastIncrease, w.MaxSpike.ToWord());

    private static double? N(double v) => double.IsFinite(v) ? v : null;
}

public sealed record C25kRunDto(int Week, int Run, string Label, double LongestRunMin, double TotalRunMin, string Intervals)
{
    public static C25kRunDto From(C25kRun r) => new(r.Week, r.Run, r.Label, r.LongestRunMin, r.TotalRunMin, r.Intervals);
}

public sealed record C25kDto(C25kRunDto Planned, C25kRunDto? PreviousPlanned, double ActualLongestRunS, double ActualRunningTimeS,
    double PlanRisePct, double? ActualRisePct, bool LongestAbovePlan, bool RisesFasterThanPlan)
{
    public static C25kDto From(C25kCheck c) => new(C25kRunDto.From(c.Planned), c.PreviousPlanned is null ? null : C25kRunDto.From(c.PreviousPlanned),
        c.ActualLongestRunS, c.ActualRunningTimeS, c.PlanRisePct, double.IsFinite(c.ActualRisePct) ? c.ActualRisePct : null,
        c.LongestAbovePlan, c.RisesFasterThanPlan);
}

/// <summary>GET /api/history/{runner}: weeks, sessions with spike flags, and the latest session's warning.</summary>
public sealed record HistoryDto(string Runner, IReadOnlyList<WeekDto> Weeks, IReadOnlyList<HistorySessionDto> Sessions,
    HistorySessionDto? Latest, string? Warning);

public sealed record LiveDto(DateTimeOffset ServerUtc, long Version, IReadOnlyList<Live.RunnerTile> Tiles);
