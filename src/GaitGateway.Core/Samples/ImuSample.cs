using System.Numerics;

namespace GaitGateway.Core.Samples;

/// <summary>Per-sample condition flags carried alongside the measurement.</summary>
[Flags]
public enum ImuSampleFlags : byte
{
    None = 0,
    /// <summary>At least one accelerometer axis sat at full scale: the true value is larger.</summary>
    AccClipped = 1,
    /// <summary>At least one gyroscope axis sat at full scale.</summary>
    GyroClipped = 2,
    /// <summary>Samples were lost between the previous sample and this one (packet loss, link loss).</summary>
    GapBefore = 4,
    /// <summary>The accelerometer's x axis read at least <see cref="Protocol.ImuScale.NearFullScaleFraction"/> of full
    /// scale (rail included): a part that saturates ahead of its decimation filter reads just under full scale on the
    /// edges of a clip, and at low rates a short clip may not reach the rail in the filtered sample at all.</summary>
    AccNearFullScaleX = 8,
    /// <summary>As <see cref="AccNearFullScaleX"/>, y axis.</summary>
    AccNearFullScaleY = 16,
    /// <summary>As <see cref="AccNearFullScaleX"/>, z axis.</summary>
    AccNearFullScaleZ = 32,
    /// <summary>Any accelerometer axis near full scale.</summary>
    AccNearFullScale = AccNearFullScaleX | AccNearFullScaleY | AccNearFullScaleZ,
}

/// <summary>
/// One 6-axis IMU sample in SI-style units, in the sensor frame (x toward the toes, y to the runner's left, z up out
/// of the top of the shoe, right-handed; see firmware-notes/axes.md). The gateway converts raw counts to this type in
/// exactly one place, <see cref="Protocol.ImuScale"/>; CSV import converts file units in <c>CsvImuReader</c>.
/// </summary>
/// <param name="TimeS">Seconds on the input's own time base (recording start, or the CSV's time column).</param>
/// <param name="AccSensorMps2">Specific force (what an accelerometer measures; +9.81 m/s² up at rest), m/s².</param>
/// <param name="GyroSensorDps">Angular rate, degrees per second.</param>
/// <param name="Flags">Clipping and gap flags.</param>
public readonly record struct ImuSample(double TimeS, Vector3 AccSensorMps2, Vector3 GyroSensorDps, ImuSampleFlags Flags = ImuSampleFlags.None);
