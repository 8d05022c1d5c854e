using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Segmentation;
using GaitGateway.Dsp.Trajectory;

namespace GaitGateway.Dsp.Parameters;

/// <summary>What the foot did at initial contact: strike angle and peak impact.</summary>
public static class ContactMeasures
{
    private const double RadToDeg = 180.0 / Math.PI;

    /// <summary>
    /// Strike angle: elevation of the foot's forward axis at <paramref name="ic"/> relative to the flat foot at the
    /// following mid-stance <paramref name="b"/>, degrees, toes up positive (the angle Altman &amp; Davis 2012 classify).
    /// The body rotation from IC to MS_b is integrated from the gyro; the foot's attitude at MS_b is known from gravity.
    /// </summary>
    public static double StrikeAngleDeg(SampleRing ring, long ic, long b, Vector3 upB, Vector3 forwardSensor)
    {
        // Renormalised every 16 samples, not every sample, as StrideIntegrator's chain (its remarks give the error bound):
        // the sqrt and divide sat on the chain's latency.
        var rel = Quaternion.Identity;
        var view = ring.Read();
        for (var n = ic; n < b; n++)
        {
            var dt = (float)(view.TimeS(n + 1) - view.TimeS(n));
            rel *= QuaternionMath.Increment(0.5f * (view.GyroRps(n) + view.GyroRps(n + 1)), dt);
            if (((n - ic) & 15) == 15) rel = Quaternion.Normalize(rel);
        }

        rel = Quaternion.Normalize(rel);

        var qB = QuaternionMath.FromTo(upB, Vector3.UnitZ);
        var qIc = qB * Quaternion.Conjugate(rel);
        var fwd = Vector3.Transform(forwardSensor, qIc);
        return Math.Asin(Math.Clamp(fwd.Z, -1f, 1f)) * RadToDeg;
    }

    /// <summary>Largest specific force within <paramref name="windowS"/> after <paramref name="ic"/> (not past MS_b), in g,
    /// and whether the accelerometer clipped there (the peak is then a floor, not a value).</summary>
    public static (double G, bool Clipped) PeakImpact(SampleRing ring, long ic, long b, double windowS)
    {
        var end = ring.TimeS(ic) + windowS;
        var peak = 0f;
        var clipped = false;
        for (var n = ic; n <= b && ring.TimeS(n) <= end; n++)
        {
            peak = MathF.Max(peak, ring.AccMps2(n).Length());
            clipped |= (ring.Flags(n) & (byte)ImuSampleFlags.AccClipped) != 0;
        }

        return (peak / Gravity.StandardMps2, clipped);
    }
}
