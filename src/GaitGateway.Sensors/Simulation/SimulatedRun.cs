using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// A simulated session: two shoe clips (left = sensor 0, right = sensor 1) running one plan. The live path
/// enumerates <see cref="Notifications"/> (lazily, in host-time order, bounded memory however long the plan);
/// <see cref="SimulationRecorder"/> writes the same stream to a recording.
/// </summary>
public sealed class SimulatedRun
{
    private readonly PlanTimeline _timeline;
    private readonly Lazy<IReadOnlyList<TruthStride>> _truth;

    private SimulatedRun(SessionPlan plan, SimulationSettings settings)
    {
        Plan = plan;
        Settings = settings;
        _timeline = new PlanTimeline(plan, settings);
        Left = new SimulatedShoeClip(Foot.Left, _timeline, settings);
        Right = new SimulatedShoeClip(Foot.Right, _timeline, settings);
        _truth = new Lazy<IReadOnlyList<TruthStride>>(() => TruthBuilder.Strides(_timeline, settings));
        Bouts = TruthBuilder.Bouts(_timeline);
        Header = new RecordingHeader
        {
            StartUtc = settings.StartUtc ?? DefaultStartUtc(settings.Seed),
            Runner = settings.Runner,
            SessionName = plan.Name,
            Plan = plan.Name,
            Source = "simulate",
            Sensors = [SensorInfo(Left, settings), SensorInfo(Right, settings)],
            TransportDelayFloorMs = settings.LatencyMinMs,
        };
    }

    /// <summary>Validates the plan and settings and prepares the run (nothing is generated yet).</summary>
    public static SimulatedRun Create(SessionPlan plan, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        return new SimulatedRun(plan, settings);
    }

    public SessionPlan Plan { get; }
    public SimulationSettings Settings { get; }

    /// <summary>The header a recording of this run is written with.</summary>
    public RecordingHeader Header { get; }

    public SimulatedShoeClip Left { get; }
    public SimulatedShoeClip Right { get; }

    /// <summary>Session length, s: lead-in + plan + lead-out.</summary>
    public double DurationS => _timeline.EndS;

    /// <summary>Start of the first plan segment, s.</summary>
    public double PlanStartS => _timeline.LeadInS;

    /// <summary>Every complete stride of both feet, ordered by IC time (computed on first use; ~10 k for an hour).</summary>
    public IReadOnlyList<TruthStride> Truth => _truth.Value;

    /// <summary>The plan's segments as run.</summary>
    public IReadOnlyList<TruthBout> Bouts { get; }

    /// <summary>Both clips' notifications merged by host receive time (left first on a tie); lazy and replayable.</summary>
    public IEnumerable<Notification> Notifications()
    {
        using var left = Left.Notifications().GetEnumerator();
        using var right = Right.Notifications().GetEnumerator();
        var hasLeft = left.MoveNext();
        var hasRight = right.MoveNext();
        while (hasLeft || hasRight)
        {
            if (hasLeft && (!hasRight || left.Current.HostTimeUs <= right.Current.HostTimeUs))
            {
                yield return left.Current;
                hasLeft = left.MoveNext();
            }
            else
            {
                yield return right.Current;
                hasRight = right.MoveNext();
            }
        }
    }

    /// <summary>Writes the truth CSVs (<see cref="StrideCsv.Header"/> columns, and the bouts).</summary>
    public void WriteTruth(TextWriter strides, TextWriter bouts)
    {
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(bouts);
        TruthBuilder.WriteStrideCsv(strides, Truth);
        TruthBuilder.WriteBoutCsv(bouts, Bouts);
    }

    private static RecordingSensor SensorInfo(SimulatedShoeClip clip, SimulationSettings s) => new()
    {
        Index = clip.SensorIndex,
        Id = clip.Id,
        Foot = clip.Foot.ToWord(),
        Kind = "imu",
        Name = clip.Foot == Foot.Left ? "Simulated shoe clip (left)" : "Simulated shoe clip (right)",
        Firmware = "sim-1.0",
        Model = "GaitGateway simulator",
        SampleRateHz = s.SampleRateHz,
        AccRangeG = (int)ImuScale.AccFullScaleG(s.AccRange),
        GyroRangeDps = (int)ImuScale.GyroFullScaleDps(s.GyroRange),
    };

    /// <summary>A fixed morning in 2025 shifted by the seed: recordings of one seed are byte-identical.</summary>
    private static DateTimeOffset DefaultStartUtc(int seed) =>
        new DateTimeOffset(2025, 6, 2, 6, 30, 0, TimeSpan.Zero).AddMinutes((uint)seed % (60 * 24 * 365));
}
