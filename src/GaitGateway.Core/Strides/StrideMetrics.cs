using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Strides;

/// <summary>Foot-strike class by strike angle (Altman &amp; Davis 2012, Gait Posture 35:298).</summary>
public enum StrikePattern : byte
{
    Unknown = 0,
    /// <summary>Strike angle &gt; 8.0° (toes up at contact).</summary>
    Rearfoot = 1,
    /// <summary>−1.6° … 8.0°.</summary>
    Midfoot = 2,
    /// <summary>&lt; −1.6°.</summary>
    Forefoot = 3,
}

/// <summary>Quality flags attached to a stride.</summary>
[Flags]
public enum StrideFlags : ushort
{
    None = 0,
    /// <summary>The accelerometer clipped during the stride: peak impact is a lower bound.</summary>
    AccClipped = 1,
    GyroClipped = 2,
    /// <summary>Lost samples inside the stride were bridged (gap ≤ the bridging limit).</summary>
    GapBridged = 4,
    /// <summary>The foot did not come to rest cleanly at one of the mid-stances bounding the stride.</summary>
    WeakZeroVelocity = 8,
}

/// <summary>Walking or running, from duty factor and flight (running has a flight phase, walking a double support).</summary>
public enum Gait : byte
{
    Unknown = 0,
    Walk = 1,
    Run = 2,
}

/// <summary>
/// One stride of one foot: from an initial contact (IC) to the next IC of the same foot. Times are seconds on the
/// input's time base; NaN where a value cannot be computed (exported as an empty cell).
/// </summary>
public readonly record struct StrideMetrics
{
    public Foot Foot { get; init; }
    /// <summary>Initial contact that opens the stride, s.</summary>
    public double IcTimeS { get; init; }
    /// <summary>Toe-off within the stride (ends the contact that starts at <see cref="IcTimeS"/>), s.</summary>
    public double ToTimeS { get; init; }
    /// <summary>Time of the next initial contact (closes the stride), s.</summary>
    public double NextIcTimeS { get; init; }
    public double StrideTimeS { get; init; }
    /// <summary>Horizontal distance the foot travelled over the stride, m.</summary>
    public double StrideLengthM { get; init; }
    public double SpeedMps { get; init; }
    public double ContactTimeS { get; init; }
    /// <summary>Swing time minus the other foot's contact time; NaN for a single foot. Negative = double support.</summary>
    public double FlightTimeS { get; init; }
    public double SwingTimeS { get; init; }
    /// <summary>From the other foot's last contact to this stride's initial contact, s; NaN for a single foot.</summary>
    public double StepTimeS { get; init; }
    /// <summary>Contact time / stride time.</summary>
    public double DutyFactor { get; init; }
    /// <summary>Sole pitch at IC relative to the flat foot at mid-stance, degrees, positive = toes up.</summary>
    public double StrikeAngleDeg { get; init; }
    public StrikePattern StrikePattern { get; init; }
    /// <summary>Steps per minute (two steps per stride), never strides.</summary>
    public double CadenceSpm { get; init; }
    /// <summary>Peak specific-force magnitude within 60 ms after IC, in g. A lower bound when clipped.</summary>
    public double PeakImpactG { get; init; }
    /// <summary>Maximum height of the sensor above its mid-stance height during swing, m.</summary>
    public double FootClearanceM { get; init; }
    /// <summary>Peak horizontal speed of the foot in swing, m/s.</summary>
    public double PeakSwingSpeedMps { get; init; }
    /// <summary>Braking cue of overstriding: braking share of the contact over 0.5 (dimensionless, ~1 = typical); see Dsp
    /// OverstrideDetector. One of the four cues of <see cref="OverstrideCues"/>, not the flag.</summary>
    public double OverstrideIndex { get; init; }
    /// <summary>The stride lies inside a flagged overstriding stretch (Dsp OverstrideAssessor: several strides, never one alone).</summary>
    public bool Overstride { get; init; }
    /// <summary>The overstriding judgement of this stride and its explanation's numbers (live path only; not stored).</summary>
    public OverstrideCues OverstrideCues { get; init; }
    /// <summary>Per-step calf (plantarflexor/Achilles) load index, body-weight-seconds-like units (see CalfLoadModel).</summary>
    public double CalfLoad { get; init; }
    public Gait Gait { get; init; }
    public StrideFlags Flags { get; init; }
}
