using System.Numerics;
using GaitGateway.Core.Protocol;

namespace GaitGateway.BlueZSim;

/// <summary>
/// Produces the raw IMU counts a clip streams. The seam where the real simulator (GaitGateway.Sensors.Simulation)
/// replaces the built-in synthetic signal.
/// </summary>
public interface IImuSampleSource
{
    /// <summary>Fills <paramref name="samples"/> with samples <paramref name="firstSampleIndex"/>.. at <paramref name="sampleRateHz"/>.</summary>
    void Generate(long firstSampleIndex, int sampleRateHz, AccRange accRange, GyroRange gyroRange, Span<RawImuCounts> samples);
}

/// <summary>
/// A gait-like periodic signal, sensor frame: gravity on +Z plus a stride-frequency swing on X/Z and a pitch rate on
/// Y; the right foot runs half a stride behind the left. Plausible in shape and range, not a physical model.
/// </summary>
public sealed class SyntheticGaitSource(bool rightFoot, double strideFrequencyHz = 1.4) : IImuSampleSource
{
    private const double G = 9.80665; // m/s²

    public void Generate(long firstSampleIndex, int sampleRateHz, AccRange accRange, GyroRange gyroRange, Span<RawImuCounts> samples)
    {
        var phase0 = rightFoot ? Math.PI : 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (firstSampleIndex + i) / (double)sampleRateHz; // s
            var w = (2 * Math.PI * strideFrequencyHz * t) + phase0;
            var accMps2 = new Vector3(
                (float)(12.0 * Math.Sin(w)),
                (float)(2.0 * Math.Sin(2 * w)),
                (float)(G + (25.0 * Math.Max(0, Math.Sin(w - 0.3)) * Math.Sin(3 * w))));
            var gyroDps = new Vector3(
                (float)(40.0 * Math.Sin(2 * w)),
                (float)(600.0 * Math.Sin(w + 0.5)),
                (float)(30.0 * Math.Cos(w)));
            samples[i] = ImuScale.ToCounts(accMps2, gyroDps, accRange, gyroRange);
        }
    }
}
