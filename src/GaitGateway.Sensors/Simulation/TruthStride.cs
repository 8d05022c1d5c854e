using System.Globalization;
using System.Text;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// Ground truth of one simulated stride (IC of a foot to its next IC). Times are true seconds since the session
/// start — the host time base of the recording's frames, free of sensor clock offset and drift.
/// </summary>
public sealed record TruthStride
{
    public required Foot Foot { get; init; }
    public required double IcTimeS { get; init; }
    public required double ToTimeS { get; init; }
    public required double NextIcTimeS { get; init; }
    public double StrideTimeS => NextIcTimeS - IcTimeS;
    /// <summary>Horizontal distance of the sensor point between the flat foot of this stance and of the next, m.</summary>
    public required double StrideLengthM { get; init; }
    public double SpeedMps => StrideLengthM / StrideTimeS;
    public double ContactTimeS => ToTimeS - IcTimeS;
    public double SwingTimeS => NextIcTimeS - ToTimeS;
    public double DutyFactor => ContactTimeS / StrideTimeS;
    /// <summary>This foot's toe-off to the other foot's next IC, s; negative = double support (walking); NaN when the
    /// other foot has no next IC (end of a moving period).</summary>
    public required double FlightTimeS { get; init; }
    /// <summary>Sole pitch at IC relative to the flat foot at mid-stance, degrees, positive = toes up.</summary>
    public required double StrikeAngleDeg { get; init; }
    public StrikePattern StrikePattern => GaitRelations.Classify(StrikeAngleDeg);
    /// <summary>Steps per minute: 120 / stride time.</summary>
    public double CadenceSpm => 120 / StrideTimeS;
    public required bool Overstride { get; init; }
    public required Gait Gait { get; init; }
    /// <summary>Index of the plan segment the stride belongs to.</summary>
    public required int SegmentIndex { get; init; }
    /// <summary>Centre of mass to first contact point at IC, m.</summary>
    public required double LandingDistanceM { get; init; }
    /// <summary>Foot flat (landing roll over), s.</summary>
    public required double FootFlatTimeS { get; init; }
    /// <summary>Centre of mass over the contact point: the foot is flat and still here, s.</summary>
    public required double MidStanceTimeS { get; init; }
    public required double HeelRiseTimeS { get; init; }
    /// <summary>Sole pitch at toe-off, degrees (negative = toes down).</summary>
    public required double ToeOffAngleDeg { get; init; }
    /// <summary>Peak rise of the sensor above its mid-stance height in the swing that follows, m.</summary>
    public required double FootClearanceM { get; init; }
    public required double PeakSwingSpeedMps { get; init; }
    /// <summary>Peak of the impact transient added at IC, g (not counting gravity or the smooth motion).</summary>
    public required double ImpactPeakG { get; init; }
    /// <summary>The swing of this stride has a quiet moment (<see cref="SimulationSettings.SwingQuietMomentMs"/>).</summary>
    public bool SwingQuietMoment { get; init; }

    /// <summary>The stride as Core metrics (calf load unknown = NaN, exported empty).</summary>
    public StrideMetrics ToStrideMetrics() => new()
    {
        Foot = Foot,
        IcTimeS = IcTimeS,
        ToTimeS = ToTimeS,
        NextIcTimeS = NextIcTimeS,
        StrideTimeS = StrideTimeS,
        StrideLengthM = StrideLengthM,
        SpeedMps = SpeedMps,
        ContactTimeS = ContactTimeS,
        FlightTimeS = FlightTimeS,
        SwingTimeS = SwingTimeS,
        DutyFactor = DutyFactor,
        StrikeAngleDeg = StrikeAngleDeg,
        StrikePattern = StrikePattern,
        CadenceSpm = CadenceSpm,
        PeakImpactG = double.NaN,
        FootClearanceM = FootClearanceM,
        PeakSwingSpeedMps = PeakSwingSpeedMps,
        OverstrideIndex = double.NaN,
        Overstride = Overstride,
        CalfLoad = double.NaN,
        Gait = Gait,
    };
}

/// <summary>Ground truth of one plan segment as run (effective start/end: speed-ramp midpoints between moving segments).</summary>
public sealed record TruthBout(PlanGait Gait, double StartTimeS, double EndTimeS, double SpeedMps, StrikePattern StrikePattern, bool Overstride)
{
    public const string CsvHeader = "gait,start_time_s,end_time_s,speed_mps,strike_pattern,overstride";

    public string ToCsvRow()
    {
        var gait = Gait switch { PlanGait.Walk => "walk", PlanGait.Run => "run", _ => "stand" };
        return string.Create(CultureInfo.InvariantCulture,
            $"{gait},{StartTimeS:F4},{EndTimeS:F4},{SpeedMps:F3},{(Gait == PlanGait.Stand ? "" : StrideCsv.PatternWord(StrikePattern))},{(Overstride ? 1 : 0)}");
    }
}

/// <summary>Builds the truth from the same step plan and foot geometry the clips use (no sampling involved).</summary>
internal static class TruthBuilder
{
    public static List<TruthStride> Strides(PlanTimeline timeline, SimulationSettings settings)
    {
        var steps = StepPlanner.Steps(timeline, settings).ToList();
        var shape = FootShape.Of(settings);
        var result = new List<TruthStride>();
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var j = NextOfFoot(steps, i);
            if (j < 0 || steps[j].FromRest) continue;
            var k = NextOfFoot(steps, j);
            var stance = Stance.FromStep(s, steps[j], shape);
            var nextStance = Stance.FromStep(steps[j], k < 0 ? null : steps[k], shape);
            var swing = new Swing(stance, nextStance, shape.QuietMomentS(steps[j]));
            var other = i + 1 < steps.Count && steps[i + 1].Foot != s.Foot && !steps[i + 1].FromRest ? steps[i + 1] : null;
            var d = nextStance.FlatSensorW - stance.FlatSensorW;
            var pose = default(Pose);
            double clearance = 0, peakSpeed = 0;
            for (var n = 0; n <= 200; n++)
            {
                swing.Evaluate(swing.StartS + (swing.DurationS * n / 200), ref pose);
                clearance = Math.Max(clearance, pose.PosW.Z - stance.FlatSensorW.Z);
                peakSpeed = Math.Max(peakSpeed, Math.Sqrt((pose.VelW.X * pose.VelW.X) + (pose.VelW.Y * pose.VelW.Y)));
            }

            result.Add(new TruthStride
            {
                Foot = s.Foot,
                IcTimeS = s.IcTimeS,
                ToTimeS = stance.ToeOffS,
                NextIcTimeS = steps[j].IcTimeS,
                StrideLengthM = Math.Sqrt((d.X * d.X) + (d.Y * d.Y)),
                FlightTimeS = other is null ? double.NaN : other.IcTimeS - stance.ToeOffS,
                StrikeAngleDeg = s.StrikeAngleDeg,
                Overstride = s.Overstride,
                Gait = s.Gait == PlanGait.Walk ? Gait.Walk : Gait.Run,
                SegmentIndex = s.SegmentIndex,
                LandingDistanceM = s.LandingDistanceM,
                FootFlatTimeS = stance.FlatStartS,
                MidStanceTimeS = s.IcTimeS + s.MidStanceAfterIcS,
                HeelRiseTimeS = stance.HeelRiseS,
                ToeOffAngleDeg = stance.ToeOffAngleDeg,
                FootClearanceM = clearance,
                PeakSwingSpeedMps = peakSpeed,
                ImpactPeakG = s.ImpactPeakMps2 / Gravity.StandardMps2,
                SwingQuietMoment = shape.QuietMomentS(steps[j]) > 0,
            });
        }

        return result;
    }

    public static List<TruthBout> Bouts(PlanTimeline timeline) => timeline.Segments
        .Select(s => new TruthBout(s.Segment.Gait, s.EffectiveStartS, s.EffectiveEndS, s.Segment.Gait == PlanGait.Stand ? 0 : s.Segment.SpeedMps,
            s.StrikePattern, s.Segment.Overstride && s.Segment.Gait == PlanGait.Run))
        .ToList();

    public static void WriteStrideCsv(TextWriter w, IEnumerable<TruthStride> strides)
    {
        w.Write(StrideCsv.Header);
        w.Write('\n');
        foreach (var s in strides)
        {
            w.Write(StrideCsv.FormatRow(s.ToStrideMetrics()));
            w.Write('\n');
        }
    }

    public static void WriteBoutCsv(TextWriter w, IEnumerable<TruthBout> bouts)
    {
        w.Write(TruthBout.CsvHeader);
        w.Write('\n');
        foreach (var b in bouts)
        {
            w.Write(b.ToCsvRow());
            w.Write('\n');
        }
    }

    private static int NextOfFoot(List<StepPlan> steps, int i)
    {
        for (var j = i + 1; j < steps.Count; j++)
        {
            if (steps[j].Foot == steps[i].Foot) return j;
        }

        return -1;
    }

    internal static UTF8Encoding Utf8NoBom { get; } = new(false);
}
