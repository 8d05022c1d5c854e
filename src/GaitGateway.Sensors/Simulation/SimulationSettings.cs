using System.Numerics;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// Everything the simulated runner and shoe clips can vary. Every number carries its unit in its name; defaults are
/// a typical recreational runner wearing a BMI270-class clip on the laces (see Simulation/README.md for the table).
/// Random per-foot quantities (bias, mounting, drift, clock start) are drawn from <see cref="Seed"/> unless given.
/// </summary>
public sealed record SimulationSettings
{
    // ---- sensor -------------------------------------------------------------------------------------------------

    /// <summary>Output data rate, Hz (100..1600). 400 Hz: the minimum for running foot kinematics (REFERENCES.md).</summary>
    public int SampleRateHz { get; init; } = 400;

    /// <summary>Accelerometer full scale. ±16 g clips hard heel strikes on purpose: the pipeline must survive it.</summary>
    public AccRange AccRange { get; init; } = AccRange.G16;

    public GyroRange GyroRange { get; init; } = GyroRange.Dps2000;

    /// <summary>Gyroscope saturation, °/s per axis; null = the range's own rail. A ±500 °/s part flat-tops each axis at
    /// ±500 like a real MEMS gyroscope (REFERENCES.md: a ±500 °/s gyroscope flat-tops in jogging; the footprints-walk-jog
    /// clip saturates near ±500 °/s). The packet format has no ±500 range, so the samples carry no clipping flag — as
    /// such a part's data replayed from CSV carries none either.</summary>
    public double? GyroSaturationDps { get; init; }

    /// <summary>Samples batched in one notification, 1..19 (19 fills ATT MTU 247).</summary>
    public int SamplesPerPacket { get; init; } = ImuPacket.MaxSamples;

    /// <summary>Accelerometer white-noise density, µg/√Hz (BMI270 datasheet: 160). σ = density·√(rate/2).</summary>
    public double AccNoiseDensityUgPerSqrtHz { get; init; } = 160;

    /// <summary>Gyroscope white-noise density, °/s/√Hz (BMI270 datasheet: 0.008).</summary>
    public double GyroNoiseDensityDpsPerSqrtHz { get; init; } = 0.008;

    /// <summary>Constant accelerometer bias, drawn per foot and axis uniformly in ±this, m/s².</summary>
    public double AccBiasMaxMps2 { get; init; } = 0.05;

    /// <summary>Constant gyroscope bias, drawn per foot and axis uniformly in ±this, °/s (typical MEMS: up to ~1 °/s).</summary>
    public double GyroBiasMaxDps { get; init; } = 0.5;

    /// <summary>Mounting misalignment sensor vs foot, drawn per foot and axis uniformly in ±this, degrees (max 15).</summary>
    public double MountingMaxDeg { get; init; } = 5;

    /// <summary>Explicit left-clip mounting (roll about x, pitch about y, yaw about z, degrees, applied z-y-x); overrides the draw.</summary>
    public Vector3? MountingLeftDeg { get; init; }

    /// <summary>Explicit right-clip mounting, as <see cref="MountingLeftDeg"/>.</summary>
    public Vector3? MountingRightDeg { get; init; }

    /// <summary>Probability that a whole notification is lost on air, 0..1. The sequence number still advances.</summary>
    public double PacketLossProbability { get; init; } = 0.005;

    /// <summary>Shortest BLE delivery latency after the packet's last sample, ms.</summary>
    public double LatencyMinMs { get; init; } = 5;

    /// <summary>Longest BLE delivery latency, ms (uniform jitter between min and max; order per clip is kept).</summary>
    public double LatencyMaxMs { get; init; } = 30;

    /// <summary>Sensor µs counter at session start; null = random per foot (then the uint32 wraps, every 71.6 min, at a random moment).</summary>
    public uint? SensorClockStartUs { get; init; }

    /// <summary>Packet sequence number of the first packet; null = random per foot.</summary>
    public ushort? SequenceStart { get; init; }

    /// <summary>Sensor clock rate error drawn per foot uniformly in ±this, ppm (crystal: ±20..50).</summary>
    public double ClockDriftMaxPpm { get; init; } = 20;

    /// <summary>Explicit left-clip clock error, ppm (positive = sensor clock runs fast); overrides the draw.</summary>
    public double? ClockDriftLeftPpm { get; init; }

    public double? ClockDriftRightPpm { get; init; }

    /// <summary>Fixes every random choice: the same seed and settings give byte-identical output.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Recording start; null = a fixed instant derived from <see cref="Seed"/> (deterministic files).</summary>
    public DateTimeOffset? StartUtc { get; init; }

    // ---- runner -------------------------------------------------------------------------------------------------

    public string Runner { get; init; } = "sim-runner";

    /// <summary>The runner's own strike pattern in running segments that do not set one.</summary>
    public StrikePattern StrikePattern { get; init; } = StrikePattern.Rearfoot;

    /// <summary>Walking speed of plans that walk (C25K "brisk walk"), m/s.</summary>
    public double WalkSpeedMps { get; init; } = 1.5;

    /// <summary>Running speed of C25K plans and <c>run-steady</c>, m/s (beginner pace ≈ 6:25 min/km).</summary>
    public double RunSpeedMps { get; init; } = 2.6;

    /// <summary>Duration of <c>run-steady</c> and <c>standing</c>, s; null = 300 s and 600 s.</summary>
    public double? PlanDurationS { get; init; }

    /// <summary>Step-to-step variability of step time, % (1 σ). Healthy runners: ~1–3 %.</summary>
    public double StrideTimeVariabilityPct { get; init; } = 2;

    /// <summary>Contact-time variability, % (1 σ).</summary>
    public double ContactTimeVariabilityPct { get; init; } = 3;

    /// <summary>Strike-angle variability, degrees (1 σ). The pattern class of a segment is kept.</summary>
    public double StrikeAngleVariabilityDeg { get; init; } = 1;

    /// <summary>Right foot's contact time is longer than the left's by this, % (0 = symmetric).</summary>
    public double AsymmetryRightContactPct { get; init; }

    /// <summary>Steps that land on the right foot last longer (and so are longer) than left steps by this, %.</summary>
    public double AsymmetryRightStepPct { get; init; }

    /// <summary>Scales every impact transient; 0 switches them off.</summary>
    public double ImpactScale { get; init; } = 1;

    /// <summary>Ring frequency of the impact transient, Hz. Default 60; real shoes ring at 25–100 Hz (issue 11). At low
    /// frequencies the first lobe of the impact dominates (a tall spike and a long shallow recovery), so a clip loses
    /// velocity one way, as on real feet.</summary>
    public double ImpactFrequencyHz { get; init; } = ImpactTransient.DefaultFrequencyHz;

    /// <summary>Running impacts' peak, g: each running step's impact peak is spread over
    /// [<see cref="RunImpactPeakMinG"/>, <see cref="RunImpactPeakMaxG"/>] (its variability draw mapped through the normal
    /// CDF) instead of following speed and strike (<see cref="GaitRelations.ImpactPeakG"/>). Null (default): the speed
    /// relation. Real heel strikes reach 20–40 g and more at the shoe (Bailey &amp; Harle 2014: up to 70 g), against a
    /// ±16 g part (issue 11). <see cref="ImpactScale"/> still multiplies.</summary>
    public double? RunImpactPeakMinG { get; init; }

    /// <summary>Upper end of the running impacts' peak, g; see <see cref="RunImpactPeakMinG"/>. Null (default): the speed relation.</summary>
    public double? RunImpactPeakMaxG { get; init; }

    /// <summary>Where the accelerometer saturates. False (default; every earlier run, bit-identical): the sample — the
    /// mean of the signal over its period — is clipped at the rails when it is quantised. True: the continuous specific
    /// force is clipped at full scale on each axis before that mean, as in a MEMS part whose sensing element and ADC
    /// saturate ahead of the decimation filter: the output sits flat at full scale while the impact is above it, the
    /// samples on the clip's edges read just under full scale, and everything above the range is lost, at the impact
    /// (issue 11's real ±16 g sprints, 800 Hz).</summary>
    public bool AccSaturatesBeforeFilter { get; init; }

    /// <summary>Time constant of the impact's envelope t²·e^(−t/τ), ms (1–6). Default 2.5 ms; longer rings longer (less
    /// damped: at 60 Hz, 2.5 ms is near critical, 5 ms rings two periods), shorter is a single jolt.</summary>
    public double ImpactDampingMs { get; init; } = 2.5;

    /// <summary>Heel-then-forefoot double impact: heel strikes get a second, vertical transient when the forefoot slaps
    /// down at foot flat, this fraction of the heel impact's peak (0 = none, the default; 0–1.5).</summary>
    public double ForefootSlapFraction { get; init; }

    /// <summary>Where on the shoe the clip sits, m, in the foot frame (x forward from the heel's ground point, y left, z up).
    /// Default (0.12, 0, 0.06): on the laces, as every earlier run (bit-identical). The clip's place changes what it
    /// sees in stance only: on the heel counter it barely moves while a heel strike rolls flat and is lifted furthest at
    /// heel rise; on the toe box it is the other way round (<see cref="ClipPlaces"/>). The swing between toe-off and
    /// landing is the same smooth path for any point.</summary>
    public System.Numerics.Vector3 ClipPositionFootM { get; init; } = ClipPlaces.Instep;

    /// <summary>Scales the swing's roll, yaw and lateral wobble (default 1; 0 = a planar swing, pitch only; 3 = strongly
    /// three-dimensional: roll σ 9°, yaw σ 6°, lateral 3 cm).</summary>
    public double SwingWobbleScale { get; init; } = 1;

    /// <summary>A quiet moment in every swing, ms: where the pitch rate reverses (most toes-down) the foot moves on at
    /// constant velocity — specific force exactly 1 g — while the pitch rate passes through zero (0 = none, the
    /// default; 0–40). With <see cref="SwingWobbleScale"/> 0 the clip then sees no motion at all for that long: issue 11's
    /// planar swing, which an independently written simulator produced and which cost every running stride.</summary>
    public double SwingQuietMomentMs { get; init; }

    /// <summary>Share of swings that get the quiet moment, 0–1 (default 1: every swing). Below 1 the swings are chosen
    /// at random from a stream of their own: one odd moment among ordinary swings.</summary>
    public double SwingQuietMomentShare { get; init; } = 1;

    /// <summary>Residual rotation through every stance, degrees (default 0: the foot lies perfectly still at foot flat).
    /// Real jogging stances never stop turning: at their quietest the footprint clip still reads 16–150 °/s, mostly
    /// 20–50 °/s, about all three axes (exp35, 200 Hz). With a stance's phase u (contact 0, toe-off 1), the foot rolls
    /// by this × sin³(πu)·cos(πu) and yaws by this × sin⁴(πu) about the clip: both start and end at rest, and between
    /// them the rate never falls to zero (π × this / contact time at mid-stance: 2.5° → ~40 °/s in a 0.2-s running
    /// contact, ~13 °/s in a 0.6-s walking one). 0–10.</summary>
    public double StanceTwistDeg { get; init; }

    /// <summary>Roll and yaw of a walking foot around its heel contact, degrees (default 2.5). Real walking heels do not land
    /// still: the shared real walks read 1.0–2.0 rad/s of roll and yaw (medians: gaitmap 1.0, footprints 1.3, xio loops
    /// 1.5–2.0) at the quietest moment within 30 ms of the pitch reversal that marks the contact (README, "Walking
    /// contacts"), the rearfoot everting as it is loaded (Perry &amp; Burnfield 2010, loading response). The foot rolls by
    /// this × sin⁴(πu) and yaws by half of it over u = 0…1 from 40 ms before the contact to 80 ms after it, so the rates
    /// peak at the contact (2.5°: roll 1.5 rad/s and yaw 0.7 there), and both angle and rate are zero when the window
    /// opens and closes. The left and right feet turn in mirror image. 2.5° was set to the real walks' middle: the same
    /// measure on the simulated walk reads a median 1.34 rad/s (WalkingLandingTests). Running landings are unchanged (no
    /// shared real set times a running contact). 0–10.</summary>
    public double WalkingContactTwistDeg { get; init; } = 2.5;

    /// <summary>How late a walking heel's jolt may come after its contact, ms (default 27): each walking step's jolt (the
    /// impact transient) begins a uniform 0…this after the contact. A walking heel lands softly; the clip jolts later
    /// (the heel pad and sole compressing until the shoe stops the heel). On the shared real walks the jolt's onset (the
    /// first sample of its jerk at ≥ 30 % of the peak) comes after the pitch reversal that marks the contact by a median
    /// 17 ms on gaitmap (p10–p90 5–26; 22 ms after its motion-capture contact), 11 ms on the footprints (0–24) and 21 ms
    /// on the xio loops (8–41); the simulator's came at the contact (medians −0.5 and +0.2 ms at 200 and 1000 Hz) until
    /// session 18, so none of its walking contacts was timed at the reversal as most real ones are (README, "Walking
    /// contacts", part 7). Uniform 0–27 ms spans the pooled real spread (p10 3, median 13.5, p90 24). Running jolts stay
    /// at the contact. 0–40.</summary>
    public double WalkingJoltDelayMaxMs { get; init; } = 27;

    /// <summary>A standing foot's sway, degrees (default 0: it stands perfectly still). Real standing never does: between
    /// the rest blocks a gyro bias is read from, gravity turns at 0.05–1.4 °/s on the shared real sets (2 °/s in
    /// footprints exp33's start). Where a foot stands before the first step it pitches by this × sin(2π·0.25 Hz·t) and
    /// rolls by half of it a quarter period later, faded in and out over 0.5 s: 1° peaks at 1.6 °/s, inside the rest
    /// band. 0–5.</summary>
    public double StandingSwayDeg { get; init; }

    /// <summary>Time over which speed changes between moving segments, s (a few strides).</summary>
    public double SpeedRampS { get; init; } = 4;

    /// <summary>Standing still before the plan starts, s (lets a pipeline see gravity first).</summary>
    public double LeadInS { get; init; } = 3;

    /// <summary>Standing still after the plan ends, s.</summary>
    public double LeadOutS { get; init; } = 2;

    /// <summary>Defaults with every sensor error off (noise, bias, mounting, loss, latency jitter, drift). The runner
    /// still varies from stride to stride: zero the *Variability* settings for a perfectly periodic runner.</summary>
    public static SimulationSettings Ideal { get; } = new()
    {
        AccNoiseDensityUgPerSqrtHz = 0,
        GyroNoiseDensityDpsPerSqrtHz = 0,
        AccBiasMaxMps2 = 0,
        GyroBiasMaxDps = 0,
        MountingMaxDeg = 0,
        PacketLossProbability = 0,
        LatencyMinMs = 10,
        LatencyMaxMs = 10,
        ClockDriftMaxPpm = 0,
    };

    /// <summary>
    /// These settings in a different shoe: <see cref="ShoeKind.Soft"/> rings at 30 Hz with a 4-ms envelope and 0.8 × the
    /// impact, <see cref="ShoeKind.Hard"/> at 90 Hz, 1.5 ms, 1.3 ×; <see cref="ShoeKind.Default"/> leaves them as they are.
    /// </summary>
    /// <remarks>The direction, not the numbers, comes from the literature: a softer midsole takes longer to the impact
    /// peak (Clarke, Frederick &amp; Cooper 1983, Int J Sports Med 4:247: 26.6 vs 22.5 ms) and lowers the impact's median
    /// power frequency (Hennig, Valiant &amp; Liu 1996, J Appl Biomech 12:143); the frequencies sit inside issue 11's
    /// 25–100 Hz. Nothing here is fitted to a recording.</remarks>
    public SimulationSettings WithShoe(ShoeKind shoe) => shoe switch
    {
        ShoeKind.Soft => this with { ImpactFrequencyHz = 30, ImpactDampingMs = 4, ImpactScale = ImpactScale * 0.8 },
        ShoeKind.Hard => this with { ImpactFrequencyHz = 90, ImpactDampingMs = 1.5, ImpactScale = ImpactScale * 1.3 },
        _ => this,
    };

    /// <summary>
    /// These settings with a different swing: <see cref="SwingKind.Planar"/> is pitch only (no roll, yaw or lateral
    /// wobble) with a 10-ms quiet moment where the pitch rate reverses; <see cref="SwingKind.ThreeD"/> has three times the
    /// default wobble. Real jogging keeps ~200 °/s of motion in mid-swing (issue 11), so the planar swing is the odd case
    /// the detector must survive, not a typical one.
    /// </summary>
    public SimulationSettings WithSwing(SwingKind swing) => swing switch
    {
        SwingKind.Planar => this with { SwingWobbleScale = 0, SwingQuietMomentMs = 10 },
        SwingKind.ThreeD => this with { SwingWobbleScale = 3 },
        _ => this,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string range)
        {
            if (!ok) throw new ArgumentException($"{name} = {value} is out of range ({range})", name);
        }

        Check(SampleRateHz is >= ImuPacket.MinSampleRateHz and <= ImuPacket.MaxSampleRateHz, nameof(SampleRateHz), SampleRateHz, "100..1600 Hz");
        Check(SamplesPerPacket is >= 1 and <= ImuPacket.MaxSamples, nameof(SamplesPerPacket), SamplesPerPacket, "1..19");
        Check(AccNoiseDensityUgPerSqrtHz >= 0, nameof(AccNoiseDensityUgPerSqrtHz), AccNoiseDensityUgPerSqrtHz, ">= 0");
        Check(GyroNoiseDensityDpsPerSqrtHz >= 0, nameof(GyroNoiseDensityDpsPerSqrtHz), GyroNoiseDensityDpsPerSqrtHz, ">= 0");
        Check(AccBiasMaxMps2 >= 0, nameof(AccBiasMaxMps2), AccBiasMaxMps2, ">= 0");
        Check(GyroBiasMaxDps >= 0, nameof(GyroBiasMaxDps), GyroBiasMaxDps, ">= 0");
        Check(MountingMaxDeg is >= 0 and <= 15, nameof(MountingMaxDeg), MountingMaxDeg, "0..15°");
        Check(PacketLossProbability is >= 0 and < 1, nameof(PacketLossProbability), PacketLossProbability, "0..1");
        Check(LatencyMinMs >= 0 && LatencyMaxMs >= LatencyMinMs, nameof(LatencyMaxMs), LatencyMaxMs, ">= LatencyMinMs >= 0");
        Check(ClockDriftMaxPpm is >= 0 and <= 1000, nameof(ClockDriftMaxPpm), ClockDriftMaxPpm, "0..1000 ppm");
        Check(WalkSpeedMps is >= 0.5 and <= 2.2, nameof(WalkSpeedMps), WalkSpeedMps, "0.5..2.2 m/s");
        Check(RunSpeedMps is >= 1.8 and <= 7, nameof(RunSpeedMps), RunSpeedMps, "1.8..7 m/s");
        Check(StrideTimeVariabilityPct is >= 0 and <= 10, nameof(StrideTimeVariabilityPct), StrideTimeVariabilityPct, "0..10 %");
        Check(ContactTimeVariabilityPct is >= 0 and <= 10, nameof(ContactTimeVariabilityPct), ContactTimeVariabilityPct, "0..10 %");
        Check(StrikeAngleVariabilityDeg is >= 0 and <= 5, nameof(StrikeAngleVariabilityDeg), StrikeAngleVariabilityDeg, "0..5°");
        Check(AsymmetryRightContactPct is >= -20 and <= 20, nameof(AsymmetryRightContactPct), AsymmetryRightContactPct, "±20 %");
        Check(AsymmetryRightStepPct is >= -20 and <= 20, nameof(AsymmetryRightStepPct), AsymmetryRightStepPct, "±20 %");
        Check(ImpactScale is >= 0 and <= 5, nameof(ImpactScale), ImpactScale, "0..5");
        Check(ImpactFrequencyHz is >= 20 and <= 150, nameof(ImpactFrequencyHz), ImpactFrequencyHz, "20..150 Hz");
        Check(RunImpactPeakMinG is null == RunImpactPeakMaxG is null, nameof(RunImpactPeakMaxG), RunImpactPeakMaxG ?? double.NaN, "set with RunImpactPeakMinG");
        Check(RunImpactPeakMinG is null or (>= 0 and <= 100), nameof(RunImpactPeakMinG), RunImpactPeakMinG ?? 0, "0..100 g");
        Check(RunImpactPeakMaxG is null || (RunImpactPeakMaxG <= 100 && RunImpactPeakMaxG >= RunImpactPeakMinG), nameof(RunImpactPeakMaxG), RunImpactPeakMaxG ?? 0, "RunImpactPeakMinG..100 g");
        Check(ImpactDampingMs is >= 1 and <= 6, nameof(ImpactDampingMs), ImpactDampingMs, "1..6 ms");
        Check(ForefootSlapFraction is >= 0 and <= 1.5, nameof(ForefootSlapFraction), ForefootSlapFraction, "0..1.5");
        Check(ClipPositionFootM.X is >= -0.05f and <= 0.25f && Math.Abs(ClipPositionFootM.Y) <= 0.08f && ClipPositionFootM.Z is >= 0 and <= 0.12f,
            nameof(ClipPositionFootM), ClipPositionFootM, "x −0.05..0.25 m, |y| ≤ 0.08 m, z 0..0.12 m");
        Check(SwingWobbleScale is >= 0 and <= 4, nameof(SwingWobbleScale), SwingWobbleScale, "0..4");
        Check(SwingQuietMomentMs is >= 0 and <= 40, nameof(SwingQuietMomentMs), SwingQuietMomentMs, "0..40 ms");
        Check(SwingQuietMomentShare is >= 0 and <= 1, nameof(SwingQuietMomentShare), SwingQuietMomentShare, "0..1");
        Check(StanceTwistDeg is >= 0 and <= 10, nameof(StanceTwistDeg), StanceTwistDeg, "0..10°");
        Check(StandingSwayDeg is >= 0 and <= 5, nameof(StandingSwayDeg), StandingSwayDeg, "0..5°");
        Check(WalkingContactTwistDeg is >= 0 and <= 10, nameof(WalkingContactTwistDeg), WalkingContactTwistDeg, "0..10°");
        Check(WalkingJoltDelayMaxMs is >= 0 and <= 40, nameof(WalkingJoltDelayMaxMs), WalkingJoltDelayMaxMs, "0..40 ms");
        Check(GyroSaturationDps is null or (>= 125 and <= 4000), nameof(GyroSaturationDps), GyroSaturationDps ?? 0, "125..4000 °/s");
        Check(SpeedRampS is >= 0.5 and <= 60, nameof(SpeedRampS), SpeedRampS, "0.5..60 s");
        Check(LeadInS is >= 1 and <= 600, nameof(LeadInS), LeadInS, "1..600 s");
        Check(LeadOutS is >= 0 and <= 600, nameof(LeadOutS), LeadOutS, "0..600 s");
        Check(PlanDurationS is null or (>= 10 and <= 86400), nameof(PlanDurationS), PlanDurationS ?? 0, "10 s..24 h");
        if (StrikePattern == StrikePattern.Unknown)
            throw new ArgumentException("StrikePattern must be rearfoot, midfoot or forefoot", nameof(StrikePattern));
    }

}

/// <summary>Shoe presets of <see cref="SimulationSettings.WithShoe"/>.</summary>
public enum ShoeKind
{
    Default,
    Soft,
    Hard,
}

/// <summary>
/// Places a clip is worn (<see cref="SimulationSettings.ClipPositionFootM"/>), foot frame, m. Foot-worn IMUs sit on the
/// instep/laces (the footprints trials), on the heel counter (RunScribe's heel mount, REFERENCES.md) or the side of the
/// heel, or on the toe box.
/// </summary>
public static class ClipPlaces
{
    /// <summary>On the laces, 12 cm ahead of the heel, 6 cm up: the default.</summary>
    public static readonly System.Numerics.Vector3 Instep = new(0.12f, 0, 0.06f);

    /// <summary>On the heel counter, 2 cm behind the heel's ground point, 5 cm up.</summary>
    public static readonly System.Numerics.Vector3 Heel = new(-0.02f, 0, 0.05f);

    /// <summary>On the outside of the heel, 3 cm ahead of its ground point, 4.5 cm out, 3 cm up.</summary>
    public static readonly System.Numerics.Vector3 LateralHeel = new(0.03f, -0.045f, 0.03f);

    /// <summary>On the toe box, 20 cm ahead of the heel (past the metatarsal heads), 4 cm up.</summary>
    public static readonly System.Numerics.Vector3 ToeBox = new(0.20f, 0, 0.04f);

    /// <summary>The names <see cref="Parse"/> takes.</summary>
    public const string Names = "instep, heel, lateral-heel or toe-box";

    /// <summary>The place called <paramref name="name"/>; false for any other name.</summary>
    public static bool TryParse(string name, out System.Numerics.Vector3 place)
    {
        place = name switch
        {
            "instep" => Instep,
            "heel" => Heel,
            "lateral-heel" => LateralHeel,
            "toe-box" => ToeBox,
            _ => new System.Numerics.Vector3(float.NaN),
        };
        return !float.IsNaN(place.X);
    }

    public static System.Numerics.Vector3 Parse(string name) =>
        TryParse(name, out var place) ? place : throw new ArgumentException($"'{name}': use {Names}", nameof(name));
}

/// <summary>Swing presets of <see cref="SimulationSettings.WithSwing"/>.</summary>
public enum SwingKind
{
    Default,
    Planar,
    ThreeD,
}
