using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Parameters;

namespace GaitGateway.Dsp;

/// <summary>Settings of <see cref="FootPipeline"/>. Every default is documented; none is tuned to one recording.</summary>
/// <param name="MaxSampleRateHz">Largest rate the history is sized for, Hz. Default 1600 (the clip's maximum).</param>
/// <param name="MaxStrideTimeS">Longer mid-stance-to-mid-stance intervals are not strides (stops, shuffles), s.
/// Default 2.5 s: slow walking strides last ≤ 1.6 s.</param>
/// <param name="MinStrideTimeS">Shorter ones are not strides, s. Default 0.45 s: sprinting cadence ~220 steps/min.</param>
/// <param name="MinStrideLengthM">A "stride" shorter than this is a shuffle or turn on the spot, m. Default 0.2 m.</param>
/// <param name="MaxGapBridgeS">Gaps up to this are bridged and flagged; longer ones reset the stride state, s. Default 1 s.</param>
/// <param name="EnergyWindowS">Moving-average window of the gyro-norm "motion energy", s. Default 0.02 s.</param>
/// <param name="MinSwingRateDps">Floor of the swing-detection threshold, °/s. Default 100 °/s: slow walking swings
/// peak at ~200 °/s, standing fidgets stay below ~50 °/s.</param>
/// <param name="SwingThresholdFraction">The swing threshold follows this fraction of the recent swing peaks, so the
/// detector adapts from walking (peaks ~300 °/s) to fast running (&gt; 1000 °/s). Default 0.3. A fixed threshold fails:
/// the optimal SHOE threshold moves ~100-fold between walking and jogging (REFERENCES.md, PyShoe data).</param>
/// <param name="MinSwingDurationS">Motion must stay above the threshold this long to count as a swing, s. Default
/// 0.12 s: a heel-strike "slap" after contact lasts up to ~80 ms in walking (gaitmap data), a swing ≥ 0.25 s even
/// when sprinting.</param>
/// <param name="MidStanceWindowS">Half-width of the window averaged for the gravity direction at mid-stance, s. Default 0.01.</param>
/// <param name="AccEnergyWeightRpsPerMps2">Weight of |‖a‖ − g| in the motion energy, (rad/s) per (m/s²). Default 0.2:
/// a swing's 3–4 g of centripetal and tangential acceleration then counts like ~400 °/s, noise at rest (~0.1 m/s²)
/// like ~1 °/s.</param>
/// <param name="StopDetectS">A stance longer than this with no swing after it means the runner stopped; its stride is
/// closed at once, s. Default 1.5 s: walking stances, even in a turn, last ≤ 1.2 s.</param>
/// <param name="ZeroVelocityHalfWindowS">Largest half-width of the still window around a mid-stance whose mean
/// velocity is taken as the zero-velocity reference, s. Default 0.04 s: walking stays still for 0.1–0.3 s, running
/// for a few tens of ms; only samples below a quarter of the swing threshold count.</param>
/// <param name="ToeOffSearchFraction">Half-width of the search for the push-off load's end around the peak
/// plantarflexion rate, as a fraction of the time from mid-stance to that peak (the second half of the stance).
/// Default 0.4. A fixed width fails one way or the other: ±40 ms missed one toe-off in ten in slow forefoot running
/// (the strongest plantarflexion ~50 ms before the toe leaves a long stance), ±60 ms reached back to the heel rise in
/// fast rearfoot running (a stance half as long). Scaled to the stance, the search covers the same phase at any pace.</param>
/// <param name="ToeOffSearchMaxS">…but never wider than this, s. Default 0.06 s: a walking stance is long, and a search
/// over a third of it would reach the heel rise.</param>
/// <param name="WalkingContactSearchS">Walking only: how far before the impact onset the pitch-rate reversal that marks the
/// heel contact is looked for, s. Default 0.03 s: on the gaitmap walk the reversal comes 14–25 ms before the clip's
/// jolt; wider windows reach late-swing reversals (0.04 s moved the simulator's 200-Hz walking contacts 30 ms early).</param>
/// <param name="ImpactWindowS">Window after IC searched for the peak impact, s. Default 0.06 s.</param>
public sealed record FootPipelineSettings(
    double MaxSampleRateHz = 1600,
    double MaxStrideTimeS = 2.5,
    double MinStrideTimeS = 0.45,
    double MinStrideLengthM = 0.2,
    double MaxGapBridgeS = 1.0,
    double EnergyWindowS = 0.02,
    double MinSwingRateDps = 100,
    double SwingThresholdFraction = 0.3,
    double MinSwingDurationS = 0.12,
    double MidStanceWindowS = 0.01,
    double ImpactWindowS = 0.06,
    double AccEnergyWeightRpsPerMps2 = 0.2,
    double StopDetectS = 1.5,
    double ZeroVelocityHalfWindowS = 0.04,
    double ToeOffSearchFraction = 0.4,
    double ToeOffSearchMaxS = 0.06,
    double WalkingContactSearchS = 0.03)
{
    public GyroBiasSettings GyroBias { get; init; } = new();
    public StrikeSettings Strike { get; init; } = new();
    public OverstrideSettings Overstride { get; init; } = new();
    public CalfLoadSettings CalfLoad { get; init; } = new();
}
