using System.Numerics;
using System.Runtime.CompilerServices;
using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Protocol;

/// <summary>Accelerometer full-scale range, as coded in packets and the configuration characteristic.</summary>
public enum AccRange : byte
{
    /// <summary>±16 g: the minimum for running (REFERENCES.md, sensor requirements).</summary>
    G16 = 0,
    /// <summary>±32 g: fewer clipped impacts (foot impacts reach 70 g, Bailey &amp; Harle 2014).</summary>
    G32 = 1,
}

/// <summary>Gyroscope full-scale range.</summary>
public enum GyroRange : byte
{
    /// <summary>±2000 °/s: the minimum for running (a ±500 °/s gyro saturates in slow jogging).</summary>
    Dps2000 = 0,
    Dps4000 = 1,
}

/// <summary>SI units per count of one pair of ranges, as the float factors <see cref="ImuScale.ToSample(in RawImuCounts, double, CountScale, ImuSampleFlags)"/> multiplies by.</summary>
public readonly record struct CountScale(float AccMps2PerCount, float GyroDpsPerCount)
{
    public static CountScale For(AccRange accRange, GyroRange gyroRange) =>
        new((float)ImuScale.AccMps2PerCount(accRange), (float)ImuScale.GyroDpsPerCount(gyroRange));
}

/// <summary>One sample's raw counts as the firmware sends them, little-endian int16, sensor frame.</summary>
public readonly record struct RawImuCounts(short AccX, short AccY, short AccZ, short GyroX, short GyroY, short GyroZ)
{
    /// <summary>An accelerometer axis sits at a rail (±full scale): the true value was larger.</summary>
    public bool AccClipped
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsRail(AccX) || IsRail(AccY) || IsRail(AccZ);
    }

    /// <summary>A gyroscope axis sits at a rail.</summary>
    public bool GyroClipped
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsRail(GyroX) || IsRail(GyroY) || IsRail(GyroZ);
    }

    /// <summary>Which accelerometer axes are at or beyond <paramref name="thresholdCounts"/> in magnitude (near full
    /// scale), as <see cref="ImuSampleFlags.AccNearFullScaleX"/>/Y/Z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ImuSampleFlags AccBeyond(int thresholdCounts) =>
        (Math.Abs((int)AccX) >= thresholdCounts ? ImuSampleFlags.AccNearFullScaleX : ImuSampleFlags.None)
        | (Math.Abs((int)AccY) >= thresholdCounts ? ImuSampleFlags.AccNearFullScaleY : ImuSampleFlags.None)
        | (Math.Abs((int)AccZ) >= thresholdCounts ? ImuSampleFlags.AccNearFullScaleZ : ImuSampleFlags.None);

    private static bool IsRail(short count) => count is short.MaxValue or short.MinValue;
}

/// <summary>
/// The one place that converts raw counts to SI units and back. Full scale maps to ±32768 counts, as on every
/// MEMS IMU we know (BMI270, ICM-42688, LSM6DSO): LSB = range / 32768.
/// </summary>
public static class ImuScale
{
    /// <summary>Fraction of full scale from which an accelerometer axis counts as saturated
    /// (<see cref="ImuSampleFlags.AccNearFullScaleX"/>/Y/Z): 0.8. A part that saturates ahead of its decimation filter
    /// (the sensing element and ADC clip, the filter then averages) outputs the rail only where the whole filter window
    /// was clipped; the samples on a clip's edges, and at 200–400 Hz whole short clips, read below it. Simulated so
    /// (<c>SimulationSettings.AccSaturatesBeforeFilter</c>, 20–40 g impacts on ±16 g), 0.7/0.8/0.9/0.95 were tried:
    /// at 800–1000 Hz every one serves; at 400 Hz 0.8 catches most hidden clips, and below 0.8 unclipped impacts of the
    /// ordinary simulator start to count. Not tuned on real data: no shared real set comes near a range.</summary>
    public const double NearFullScaleFraction = 0.8;

    /// <summary><see cref="NearFullScaleFraction"/> in counts (the same for every range: full scale is 32768 counts).</summary>
    public const int NearFullScaleCounts = (int)(NearFullScaleFraction * 32768);

    public static double AccFullScaleG(AccRange range) => range switch
    {
        AccRange.G16 => 16.0,
        AccRange.G32 => 32.0,
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, "unknown accelerometer range code"),
    };

    public static double GyroFullScaleDps(GyroRange range) => range switch
    {
        GyroRange.Dps2000 => 2000.0,
        GyroRange.Dps4000 => 4000.0,
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, "unknown gyroscope range code"),
    };

    /// <summary>m/s² per count.</summary>
    public static double AccMps2PerCount(AccRange range) => AccFullScaleG(range) * Gravity.StandardMps2 / 32768.0;

    /// <summary>°/s per count.</summary>
    public static double GyroDpsPerCount(GyroRange range) => GyroFullScaleDps(range) / 32768.0;

    /// <summary>
    /// Saturation flags of an accelerometer reading in SI units, for input that carries no counts (CSV) but whose range
    /// is known: each axis at ≥ <see cref="NearFullScaleFraction"/> of <paramref name="fullScaleMps2"/> is marked near full
    /// scale, and one within 0.1 % of it (a file's rounding of the rail) as clipped — the same marks
    /// <see cref="ToSample(in RawImuCounts, double, CountScale, ImuSampleFlags)"/> sets from counts.
    /// </summary>
    public static ImuSampleFlags AccSaturation(Vector3 accMps2, double fullScaleMps2)
    {
        var near = (float)(NearFullScaleFraction * fullScaleMps2);
        var rail = (float)(0.999 * fullScaleMps2);
        var a = Vector3.Abs(accMps2);
        var flags = (a.X >= near ? ImuSampleFlags.AccNearFullScaleX : ImuSampleFlags.None)
            | (a.Y >= near ? ImuSampleFlags.AccNearFullScaleY : ImuSampleFlags.None)
            | (a.Z >= near ? ImuSampleFlags.AccNearFullScaleZ : ImuSampleFlags.None);
        if (a.X >= rail || a.Y >= rail || a.Z >= rail) flags |= ImuSampleFlags.AccClipped;
        return flags;
    }

    /// <summary>Converts raw counts to an SI sample; a count at either rail marks the axis as clipped.</summary>
    public static ImuSample ToSample(in RawImuCounts raw, double timeS, AccRange accRange, GyroRange gyroRange, ImuSampleFlags extraFlags = ImuSampleFlags.None) =>
        ToSample(raw, timeS, CountScale.For(accRange, gyroRange), extraFlags);

    /// <summary>As above with the ranges' scale looked up once (per packet: every sample of a packet shares its ranges).</summary>
    /// <remarks>Inlined by request, as <see cref="ImuPacket.ReadSample"/>: it runs per sample.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ImuSample ToSample(in RawImuCounts raw, double timeS, CountScale scale, ImuSampleFlags extraFlags = ImuSampleFlags.None)
    {
        var a = scale.AccMps2PerCount;
        var g = scale.GyroDpsPerCount;
        var flags = extraFlags;
        if (raw.AccClipped) flags |= ImuSampleFlags.AccClipped;
        flags |= raw.AccBeyond(NearFullScaleCounts);
        if (raw.GyroClipped) flags |= ImuSampleFlags.GyroClipped;
        return new ImuSample(
            timeS,
            new Vector3(raw.AccX * a, raw.AccY * a, raw.AccZ * a),
            new Vector3(raw.GyroX * g, raw.GyroY * g, raw.GyroZ * g),
            flags);
    }

    /// <summary>Quantises an SI sample to counts, saturating at the rails as a real sensor does.</summary>
    public static RawImuCounts ToCounts(Vector3 accSensorMps2, Vector3 gyroSensorDps, AccRange accRange, GyroRange gyroRange)
    {
        var a = AccMps2PerCount(accRange);
        var g = GyroDpsPerCount(gyroRange);
        return new RawImuCounts(
            Quantise(accSensorMps2.X / a), Quantise(accSensorMps2.Y / a), Quantise(accSensorMps2.Z / a),
            Quantise(gyroSensorDps.X / g), Quantise(gyroSensorDps.Y / g), Quantise(gyroSensorDps.Z / g));
    }

    private static short Quantise(double counts)
    {
        if (double.IsNaN(counts)) return 0;
        var r = Math.Round(counts, MidpointRounding.ToEven);
        return r >= short.MaxValue ? short.MaxValue : r <= short.MinValue ? short.MinValue : (short)r;
    }
}
