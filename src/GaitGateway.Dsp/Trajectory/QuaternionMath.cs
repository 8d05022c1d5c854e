using System.Numerics;

namespace GaitGateway.Dsp.Trajectory;

/// <summary>Small rotation helpers (System.Numerics: Transform(v, q) = q v q*, and q1 * q2 applies q2 first).</summary>
public static class QuaternionMath
{
    /// <summary>Body-frame increment for angular rate <paramref name="gyroRps"/> held over <paramref name="dtS"/>.</summary>
    public static Quaternion Increment(Vector3 gyroRps, float dtS)
    {
        var rate = gyroRps.Length();
        var angle = rate * dtS;
        if (angle < 1e-9f) return new Quaternion(gyroRps * (0.5f * dtS), 1f);
        var half = 0.5f * angle;
        var s = MathF.Sin(half) / rate;
        return new Quaternion(gyroRps * s, MathF.Cos(half));
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
