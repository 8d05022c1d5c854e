using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>One plan segment placed on the session clock.</summary>
/// <param name="Index">Position in the plan.</param>
/// <param name="Segment">The segment.</param>
/// <param name="StartS">Nominal start, s since session start.</param>
/// <param name="EffectiveStartS">Where strides switch to this segment's gait and flags: the middle of the speed ramp
/// between two moving segments, else the nominal start.</param>
/// <param name="EffectiveEndS">Effective start of the next segment (or the plan end).</param>
/// <param name="StrikePattern">Resolved running strike pattern.</param>
internal readonly record struct SegmentSpan(int Index, PlanSegment Segment, double StartS, double EffectiveStartS, double EffectiveEndS, StrikePattern StrikePattern);

/// <summary>
/// The plan on the session clock: lead-in stand, segments, lead-out stand; the centre-of-mass speed v(t) (smooth
/// ramps between moving segments, an immediate stop into a stand) and its integral, the COM position X(t).
/// </summary>
internal sealed class PlanTimeline
{
    private readonly record struct Piece(double T0, double T1, double V0, double V1, bool Ramp, double X0);

    private readonly List<Piece> _pieces = [];
    private readonly List<SegmentSpan> _segments = [];
    private readonly List<(double StartS, double EndS)> _moving = [];

    public PlanTimeline(SessionPlan plan, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        plan.Validate();
        settings.Validate();
        LeadInS = settings.LeadInS;
        var t = LeadInS;
        var x = 0.0;
        AddPiece(0, t, 0, 0, false, ref x);
        var prevV = 0.0;
        var prevMoving = false;
        var starts = new List<double>();
        for (var i = 0; i < plan.Segments.Count; i++)
        {
            var seg = plan.Segments[i];
            var moving = seg.Gait != PlanGait.Stand;
            var end = t + seg.DurationS;
            var ramp = Math.Min(settings.SpeedRampS, seg.DurationS / 2);
            var effective = t;
            if (!moving)
            {
                AddPiece(t, end, 0, 0, false, ref x);
                prevV = 0;
            }
            else
            {
                if (prevV != seg.SpeedMps)
                {
                    AddPiece(t, t + ramp, prevV, seg.SpeedMps, true, ref x);
                    AddPiece(t + ramp, end, seg.SpeedMps, seg.SpeedMps, false, ref x);
                }
                else
                {
                    AddPiece(t, end, seg.SpeedMps, seg.SpeedMps, false, ref x);
                }

                if (prevMoving) effective = t + (ramp / 2);
                prevV = seg.SpeedMps;
            }

            starts.Add(effective);
            if (moving && (_moving.Count == 0 || !prevMoving)) _moving.Add((t, end));
            else if (moving) _moving[^1] = (_moving[^1].StartS, end);
            prevMoving = moving;
            t = end;
        }

        PlanEndS = t;
        EndS = t + settings.LeadOutS;
        AddPiece(t, double.PositiveInfinity, 0, 0, false, ref x);
        for (var i = 0; i < plan.Segments.Count; i++)
        {
            var seg = plan.Segments[i];
            var pattern = seg.Gait == PlanGait.Walk ? StrikePattern.Rearfoot : seg.StrikePattern ?? settings.StrikePattern;
            var nominal = i == 0 ? LeadInS : _segments[i - 1].StartS + plan.Segments[i - 1].DurationS;
            _segments.Add(new SegmentSpan(i, seg, nominal, starts[i], i + 1 < starts.Count ? starts[i + 1] : PlanEndS, pattern));
        }
    }

    public double LeadInS { get; }

    /// <summary>End of the last plan segment, s.</summary>
    public double PlanEndS { get; }

    /// <summary>End of the session (plan end + lead-out), s.</summary>
    public double EndS { get; }

    public IReadOnlyList<SegmentSpan> Segments => _segments;

    /// <summary>Maximal runs of walking/running segments: [start, end) in s. No initial contact happens outside them.</summary>
    public IReadOnlyList<(double StartS, double EndS)> MovingPeriods => _moving;

    public double SpeedMps(double t)
    {
        var p = PieceAt(t);
        if (!p.Ramp) return p.V0;
        var u = (t - p.T0) / (p.T1 - p.T0);
        return p.V0 + ((p.V1 - p.V0) * u * u * (3 - (2 * u)));
    }

    /// <summary>Centre-of-mass position along the direction of travel, m.</summary>
    public double PositionM(double t)
    {
        var p = PieceAt(t);
        return p.X0 + Integral(p, t);
    }

    /// <summary>The segment in force at <paramref name="t"/> (by effective start), or null in the lead-in/out.</summary>
    public SegmentSpan? SegmentAt(double t)
    {
        if (t < LeadInS || t >= PlanEndS) return null;
        for (var i = _segments.Count - 1; i >= 0; i--)
        {
            if (t >= _segments[i].EffectiveStartS) return _segments[i];
        }

        return _segments[0];
    }

    private void AddPiece(double t0, double t1, double v0, double v1, bool ramp, ref double x)
    {
        var p = new Piece(t0, t1, v0, v1, ramp, x);
        _pieces.Add(p);
        if (double.IsFinite(t1)) x += Integral(p, t1);
    }

    private static double Integral(Piece p, double t)
    {
        var dt = t - p.T0;
        if (!p.Ramp) return p.V0 * dt;
        var d = p.T1 - p.T0;
        var u = dt / d;
        // ∫ smoothstep(u) = u³ − u⁴/2
        return (p.V0 * dt) + ((p.V1 - p.V0) * d * ((u * u * u) - (u * u * u * u / 2)));
    }

    private Piece PieceAt(double t)
    {
        // Few pieces (two per segment): a binary search keeps an hour-long interval plan cheap anyway.
        int lo = 0, hi = _pieces.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_pieces[mid].T0 <= t) lo = mid; else hi = mid - 1;
        }

        return _pieces[lo];
    }
}
