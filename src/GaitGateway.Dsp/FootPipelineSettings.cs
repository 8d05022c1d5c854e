using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Events;
using GaitGateway.Dsp.Parameters;
using GaitGateway.Dsp.Segmentation;
using GaitGateway.Dsp.Trajectory;

namespace GaitGateway.Dsp;

/// <summary>
/// Settings of <see cref="FootPipeline"/>: what counts as a stride, plus one settings record per stage. Every default is
/// documented; none is tuned to one recording.
/// </summary>
/// <param name="MaxSampleRateHz">Largest rate the history is sized for, Hz. Default 1600 (the clip's maximum).</param>
/// <param name="MaxStrideTimeS">Longer mid-stance-to-mid-stance intervals are not strides (stops, shuffles), s.
/// Default 3.0 s (40 steps/min): ordinary slow walking strides last ≤ 1.6 s, very slow ones ~1.9 s (issue 11), and their
/// strides in turns longer; the footprint walks slowed 1.9- and 2-fold lost 11 and 12 % of their strides at 2.5 s, 3 %
/// at 3.0. (A stance missed inside a segment is caught by the two-swing check, not by this.)</param>
/// <param name="MinStrideTimeS">Shorter ones are not strides, s. Default 0.45 s: sprinting cadence ~220 steps/min.</param>
/// <param name="MinStrideLengthM">A "stride" shorter than this is a shuffle or turn on the spot, m. Default 0.2 m.</param>
/// <param name="MaxGapBridgeS">Gaps up to this are bridged and flagged; longer ones reset the stride state, s. Default 1 s.</param>
/// <param name="MaxStrideChangeAcrossGap">When samples were lost between mid-swing and the next mid-stance and the stride
/// time differs from the last by more than this fraction, the contact is taken as lost with them: it is placed where the
/// stride rhythm puts it, within the gap, and both strides around it are flagged as bridged. Default 0.15: steady strides
/// vary by 2–3 %, and a contact mistaken for a swing feature moves the stride by 30 % (simulator, 0.5 % packet loss:
/// 3 contacts in 370, each giving strides of 0.55 s and 1.05 s for 0.80 s).</param>
/// <param name="MaxStanceSpeedFraction">A mid-stance where the horizontal foot speed integrated from the last one (before
/// any de-drift) is still at least this fraction of the segment's peak is no stance: the foot never slowed down, so it
/// was a quiet moment inside a swing (the pitch rate reversing with ~1 g of specific force). Default 0.8: at real
/// mid-stances the integration's leftover speed is 0–60 % of the swing's peak (footprints-walk-jog, gaitmap, xio loops:
/// up to 2 m/s of drift on 3.7 m/s; the simulator: ≤ 40 %), at those quiet moments 99–100 %.</param>
/// <param name="MinStanceSpeedMps">…and at least this fast, m/s. Default 0.3 m/s: a shuffle or a fidget whose "swing"
/// barely moves is left to the stride-length check.</param>
/// <param name="MaxStanceTiltChangeDeg">A mid-stance where the foot, still moving (faster than
/// <see cref="MinStanceSpeedMps"/> by the integration from the last one), is tilted more than this from its tilt at the
/// last mid-stance (the angle between the two mid-stances' gravity in the clip's frame) is no stance either: a foot at
/// rest is flat on the ground, as at the last rest, and a foot pitched by tens of degrees is in the air. Default 25°:
/// between consecutive real mid-stances the tilt changes by at most 4.7° (gaitmap walk), 12° (xio loops) and 17.9°
/// (footprints walking; 15.2° jogging), while the real swings' quiet moments that reached the pipeline (footprints,
/// walking: 23 of them, all also caught by <see cref="MaxStanceSpeedFraction"/>) are tilted 25.7–47° from the stance
/// before. A very slow simulated walker whose swing paused for 10 ms hovered before landing tilted 28–91° (median 73°)
/// and at 30–78 % of the swing's peak speed, under that fraction: every such hover split a stride (issue 11's
/// half-length strides in very slow walking).
/// The speed condition keeps a genuine rest on a differently sloped ground a stance. Not applied once the last stride
/// was a run: a running stance is a brief roll whose least-motion moment may fall anywhere in it (simulated running
/// stances next to lost packets read 25.6–27° apart, and 37 strides of 100 random sessions were lost with it). The same
/// margin tells which of two mid-stances that cannot both be stances was the swing's moment, in any gait: the one tilted
/// this much further from how the foot stands (FootPipeline.NewIsTheSwingMoment).</param>
/// <param name="TrialTiltChangeDeg">A walking stride whose end found the foot still moving (faster than
/// <see cref="MinStanceSpeedMps"/>) and tilted more than this from its last mid-stance, though less than
/// <see cref="MaxStanceTiltChangeDeg"/>, may have ended at a hover before the landing: it is held until the next
/// mid-stance, and dropped (the segment redone from the mid-stance before it) if the segment after it shows that end was
/// a moment inside the swing; nor does its end teach how the foot stands. Default 12.5°, half that limit: slow first steps
/// and slowed real walks hovered 23–24° from the stance before (the simulator's slow walk 13–21°), while 14 of the
/// footprint walks' 427 strides pass it and are only held (none dropped). The first stride from standing is always held.
/// Costs those strides one stride of latency.</param>
public sealed record FootPipelineSettings(
    double MaxSampleRateHz = 1600,
    double MaxStrideTimeS = 3.0,
    double MinStrideTimeS = 0.45,
    double MinStrideLengthM = 0.2,
    double MaxGapBridgeS = 1.0,
    double MaxStrideChangeAcrossGap = 0.15,
    double MaxStanceSpeedFraction = 0.8,
    double MinStanceSpeedMps = 0.3,
    double MaxStanceTiltChangeDeg = 25,
    double TrialTiltChangeDeg = 12.5)
{
    public GyroBiasSettings GyroBias { get; init; } = new();
    public SegmentationSettings Segmentation { get; init; } = new();
    public AlignmentSettings Alignment { get; init; } = new();
    public TrajectorySettings Trajectory { get; init; } = new();
    public GaitEventSettings Events { get; init; } = new();
    public StrikeSettings Strike { get; init; } = new();
    public OverstrideSettings Overstride { get; init; } = new();
    public CalfLoadSettings CalfLoad { get; init; } = new();
}
