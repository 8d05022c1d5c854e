using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>What the runner does in a plan segment.</summary>
public enum PlanGait : byte
{
    /// <summary>Standing still, both feet flat (speed ignored).</summary>
    Stand = 0,
    Walk = 1,
    Run = 2,
}

/// <summary>One interval of a session plan.</summary>
/// <param name="Gait">Stand, walk or run.</param>
/// <param name="DurationS">Length of the interval, s.</param>
/// <param name="SpeedMps">Centre-of-mass speed, m/s (walk 0.5..2.2, run 1.8..7; ignored when standing).</param>
/// <param name="StrikePattern">Running strike pattern; null = the runner's own (<see cref="SimulationSettings.StrikePattern"/>).
/// Walking always lands on the heel.</param>
/// <param name="Overstride">The truth label: the runner overstrides in this segment. Without a <paramref name="Style"/> it
/// also selects the simulator's original overstriding model (landing far ahead with a steeper heel strike, longer
/// strides at lower cadence, mid-stance moved later).</param>
/// <param name="Style">How this runner produces the segment's speed, relative to the simulator's population-typical
/// runner (<see cref="GaitRelations"/>); null = the population-typical runner (or the original overstriding model).</param>
public sealed record PlanSegment(PlanGait Gait, double DurationS, double SpeedMps, StrikePattern? StrikePattern = null, bool Overstride = false, RunStyle? Style = null);

/// <summary>
/// How a runner runs a segment, relative to <see cref="GaitRelations"/>' population-typical runner at the same speed.
/// Written from the literature's descriptions of overstriding and of its look-alikes (see <see cref="OverstrideScenarios"/>),
/// not from what any detector measures.
/// </summary>
/// <param name="CadenceFactor">Cadence × this (stride time ÷ this; at a given speed the stride lengthens by 1 / factor).</param>
/// <param name="StrikeAngleDeg">Strike angle, degrees (toes up +); null = the pattern's typical angle at this speed.</param>
/// <param name="StrikeAngleOffsetDeg">Added to the strike angle, degrees.</param>
/// <param name="LandingDistanceM">Centre of mass → first contact at contact, m; null = the pattern's typical distance.</param>
/// <param name="FootFlatFollowsLanding">True: the foot is flat and still (mid-stance) when the body has travelled the
/// landing distance, so a longer landing distance moves mid-stance later. False: mid-stance keeps the timing of the
/// runner's normal landing at this speed — an overstride that shows in the landing angle, stride and cadence but not in
/// when the foot is flat (the case the original detector could not see).</param>
/// <param name="ContactTimeFactor">Contact time × this.</param>
/// <param name="ContactSlideFraction">Forward speed of the contact point at contact as a fraction of the running speed
/// (the heel still moving forward when it lands ahead of the body); null = the simulator's usual 0.1 m/s.</param>
/// <param name="ImpactFactor">Impact transient × this.</param>
public sealed record RunStyle(
    double CadenceFactor = 1,
    double? StrikeAngleDeg = null,
    double StrikeAngleOffsetDeg = 0,
    double? LandingDistanceM = null,
    bool FootFlatFollowsLanding = true,
    double ContactTimeFactor = 1,
    double? ContactSlideFraction = null,
    double ImpactFactor = 1);

/// <summary>A named sequence of segments; the simulator adds a lead-in and lead-out of standing still.</summary>
public sealed record SessionPlan(string Name, IReadOnlyList<PlanSegment> Segments)
{
    public double DurationS => Segments.Sum(s => s.DurationS);

    public void Validate()
    {
        if (Segments.Count == 0) throw new ArgumentException($"plan '{Name}' has no segments", nameof(Segments));
        foreach (var s in Segments)
        {
            // A stand shorter than ~1 s would leave no flat foot between the last landing and the next push-off.
            if (s.Gait == PlanGait.Stand && s.DurationS < 1)
                throw new ArgumentException($"plan '{Name}': standing segments last at least 1 s", nameof(Segments));
            if (s.Gait != PlanGait.Stand && s.DurationS < 2)
                throw new ArgumentException($"plan '{Name}': moving segments last at least 2 s", nameof(Segments));
            if (s.Gait == PlanGait.Walk && s.SpeedMps is < 0.5 or > 2.2)
                throw new ArgumentException($"plan '{Name}': walking speed {s.SpeedMps} m/s outside 0.5..2.2", nameof(Segments));
            if (s.Gait == PlanGait.Run && s.SpeedMps is < 1.8 or > 7)
                throw new ArgumentException($"plan '{Name}': running speed {s.SpeedMps} m/s outside 1.8..7", nameof(Segments));
            if (s.StrikePattern == Core.Strides.StrikePattern.Unknown)
                throw new ArgumentException($"plan '{Name}': strike pattern must be rearfoot, midfoot, forefoot or null", nameof(Segments));
            if (s.Style is { } st && (st.CadenceFactor is < 0.7 or > 1.3 || st.ContactTimeFactor is < 0.7 or > 1.4
                || st.LandingDistanceM is < 0.05 or > 0.6 || st.ContactSlideFraction is < 0 or > 0.3 || st.ImpactFactor is < 0 or > 3
                || st.StrikeAngleDeg is < -20 or > 35 || Math.Abs(st.StrikeAngleOffsetDeg) > 20))
                throw new ArgumentException($"plan '{Name}': run style {st} outside the modelled range", nameof(Segments));
        }
    }
}

/// <summary>The named plans the CLI offers (<c>simulate --plan NAME</c>).</summary>
public static class SessionPlans
{
    private static readonly (string Name, string Description, Func<SimulationSettings, SessionPlan> Build)[] All =
    [
        ("c25k-w1r1", "NHS Couch to 5K week 1: 5 min brisk walk, then 8 × (1 min run, 1.5 min walk)", W1R1),
        ("c25k-w5r3", "C25K week 5 run 3: 5 min brisk walk, 20 min continuous run", W5R3),
        ("c25k-w6r2", "C25K week 6 run 2: 5 min brisk walk, 10 min run, 3 min walk, 10 min run", W6R2),
        ("sample-walk-run", "~2.5 min: walk, run 2.8 m/s, push at 3.6 m/s that turns into overstriding, walk", SampleWalkRun),
        ("run-steady", "steady run at RunSpeedMps with the runner's strike pattern for PlanDurationS (300 s)", RunSteady),
        ("overstride-test", "1 min normal run, 1 min overstriding at the same speed, 1 min normal", OverstrideTest),
        ("standing", "standing still for PlanDurationS (600 s): drift and bias tests", Standing),
        ("walk-slow", "very slow walking, 0.5 m/s at 63, 60 and 67 steps/min (1.9, 2.0, 1.8 s strides), 40 s each with 4 s standing between", WalkSlow),
        ("sprint-stop-walk", "an interval's end: 20 s at 5.5 m/s, 5 s standing, 40 s walking slowly (0.8 m/s), 15 s easy running", SprintStopWalk),
    ];

    /// <summary>The named plans, then the overstriding scenario matrix (<see cref="OverstrideScenarios"/>).</summary>
    private static readonly (string Name, string Description, Func<SimulationSettings, SessionPlan> Build)[] Every =
        [.. All, .. OverstrideScenarios.All.Select(x => (x.Name, (x.Overstriding ? "overstriding scenario: " : "look-alike scenario: ") + x.Description, x.Build))];

    public static IReadOnlyList<string> Names { get; } = Every.Select(p => p.Name).ToArray();

    /// <summary>One line per plan: "name: description".</summary>
    public static IReadOnlyList<string> Descriptions { get; } = Every.Select(p => $"{p.Name}: {p.Description}").ToArray();

    /// <summary>Builds the named plan with the runner's speeds from <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static SessionPlan Get(string name, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var p in Every)
        {
            if (string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) return p.Build(settings);
        }

        throw new ArgumentException($"unknown plan '{name}'; known plans: {string.Join(", ", Names)}", nameof(name));
    }

    private static PlanSegment Walk(double minutes, SimulationSettings s) => new(PlanGait.Walk, minutes * 60, s.WalkSpeedMps);

    private static PlanSegment Run(double minutes, SimulationSettings s) => new(PlanGait.Run, minutes * 60, s.RunSpeedMps);

    // REFERENCES.md, NHS Couch to 5K table: every run starts with a 5-minute brisk walk.
    private static SessionPlan W1R1(SimulationSettings s)
    {
        var segs = new List<PlanSegment> { Walk(5, s) };
        for (var i = 0; i < 8; i++)
        {
            segs.Add(Run(1, s));
            segs.Add(Walk(1.5, s));
        }

        return new SessionPlan("c25k-w1r1", segs);
    }

    private static SessionPlan W5R3(SimulationSettings s) => new("c25k-w5r3", [Walk(5, s), Run(20, s)]);

    private static SessionPlan W6R2(SimulationSettings s) => new("c25k-w6r2", [Walk(5, s), Run(10, s), Walk(3, s), Run(10, s)]);

    // The committed sample: the week-6 complaint in miniature (REFERENCES.md): pace up, stride lengthens, the foot
    // lands ahead of the body.
    private static SessionPlan SampleWalkRun(SimulationSettings s) => new("sample-walk-run",
    [
        new(PlanGait.Walk, 30, 1.4),
        new(PlanGait.Run, 40, 2.8),
        new(PlanGait.Run, 15, 3.6),
        new(PlanGait.Run, 25, 3.6, StrikePattern.Rearfoot, Overstride: true),
        new(PlanGait.Walk, 30, 1.4),
    ]);

    private static SessionPlan RunSteady(SimulationSettings s) =>
        new("run-steady", [new(PlanGait.Run, s.PlanDurationS ?? 300, s.RunSpeedMps, s.StrikePattern)]);

    private static SessionPlan OverstrideTest(SimulationSettings s) => new("overstride-test",
    [
        new(PlanGait.Run, 60, s.RunSpeedMps),
        new(PlanGait.Run, 60, s.RunSpeedMps, StrikePattern.Rearfoot, Overstride: true),
        new(PlanGait.Run, 60, s.RunSpeedMps),
    ]);

    // Issue 11: very slow walking (~1.9 s per stride) gave half-length or dropped strides on real data, and the first
    // stride after standing was missed. 0.5 m/s is the relation's slowest walk (85 steps/min); the cadence is lowered
    // from there. A walking segment's style changes only its cadence.
    private static SessionPlan WalkSlow(SimulationSettings s)
    {
        static PlanSegment Slow(double cadenceSpm) => new(PlanGait.Walk, 40, 0.5, Style: new RunStyle(CadenceFactor: cadenceSpm / GaitRelations.WalkCadenceSpm(0.5)));
        return new("walk-slow", [Slow(63), new(PlanGait.Stand, 4, 0), Slow(60), new(PlanGait.Stand, 4, 0), Slow(66.7)]);
    }

    // A fast interval ends, the runner stands to catch her breath, then walks slowly and jogs on (interval sessions, a
    // track's recovery lap): the slowest swings of the session right after its fastest, with a stop between. Plain
    // segments; nothing about them is tuned to a detector.
    private static SessionPlan SprintStopWalk(SimulationSettings s) => new("sprint-stop-walk",
    [
        new(PlanGait.Run, 20, 5.5, StrikePattern.Rearfoot),
        new(PlanGait.Stand, 5, 0),
        new(PlanGait.Walk, 40, 0.8),
        new(PlanGait.Run, 15, 2.6, StrikePattern.Rearfoot),
    ]);

    private static SessionPlan Standing(SimulationSettings s) => new("standing", [new(PlanGait.Stand, s.PlanDurationS ?? 600, 0)]);
}
