using System.Numerics;
using System.Runtime.CompilerServices;

namespace GaitGateway.Dsp.Trajectory;

/// <summary>Small rotation helpers (System.Numerics: Transform(v, q) = q v q*, and q1 * q2 applies q2 first).</summary>
public static class QuaternionMath
{
    /// <summary>Body-frame increment for angular rate <paramref name="gyroRps"/> held over <paramref name="dtS"/>.</summary>
    /// <remarks>Inlined by request: it runs per sample inside the integration loop.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quaternion Increment(Vector3 gyroRps, float dtS)
    {
        // Half-angle per sample is small (≤ 0.03 rad at 4000 °/s and 1 kHz, ≤ 0.18 rad at 100 Hz): the series
        // cos h ≈ 1 − h²/2 + h⁴/24 and sin h / h ≈ 1 − h²/6 + h⁴/120 are exact to float precision below 0.2 rad and
        // spare a sin, a cos and a sqrt per sample.
        var hv = gyroRps * (0.5f * dtS);
        var h2 = Vector3.Dot(hv, hv);
        if (h2 > 0.04f)
        {
            var half = MathF.Sqrt(h2);
            return new Quaternion(hv * (MathF.Sin(half) / half), MathF.Cos(half));
        }

        // Multiplied by the reciprocals (folded at compile time): the JIT keeps a division by a constant as a division.
        var c = 1f - (h2 * 0.5f) + (h2 * h2 * (1f / 24f));
        var sinc = 1f - (h2 * (1f / 6f)) + (h2 * h2 * (1f / 120f));
        return new Quaternion(hv * sinc, c);
    }

    /// <summary>Rotates <paramref name="v"/> by unit quaternion <paramref name="q"/>, as <c>Vector3.Transform(v, q)</c>.</summary>
    /// <remarks>v' = v + 2w(u × v) + 2u × (u × v), u the vector part: two cross products, where System.Numerics (.NET 10)
    /// forms q v q* with two full quaternion products; it runs per sample in the strapdown loop.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector3 Rotate(Vector3 v, Quaternion q)
    {
        var u = new Vector3(q.X, q.Y, q.Z);
        var t = 2f * Vector3.Cross(u, v);
        return v + (q.W * t) + Vector3.Cross(u, t);
    }

    /// <summary>Shortest rotation taking unit vector <paramref name="from"/> onto unit vector <paramref name="to"/>.</summary>
    public static Quaternion FromTo(Vector3 from, Vector3 to)
    {
        var d = Vector3.Dot(from, to);
        if (d < -0.999999f)
        {
            var axis = Vector3.Cross(Vector3.UnitX, from);
            if (axis.LengthSquared() < 1e-6f) axis = Vector3.Cross(Vector3.UnitY, from);
            return Quaternion.CreateFromAxisAngle(Vector3.Normalize(axis), MathF.PI);
        }

        var c = Vector3.Cross(from, to);
        return Quaternion.Normalize(new Quaternion(c, 1f + d));
    }

    /// <summary>
    /// Replaces the tilt of <paramref name="q"/> (sensor→world) with the one the measured gravity direction implies,
    /// keeping its heading: the correction is the shortest rotation from predicted to true "up", whose axis is
    /// horizontal, so yaw is untouched to first order.
    /// </summary>
    public static Quaternion Level(Quaternion q, Vector3 accSensor)
    {
        var upWorldPredicted = Vector3.Normalize(Vector3.Transform(accSensor, q));
        return Quaternion.Normalize(FromTo(upWorldPredicted, Vector3.UnitZ) * q);
    }
}
