namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// Double-precision 3-vector for the simulator's kinematics. <see cref="System.Numerics.Vector3"/> is single precision:
/// an hour of running is ~10 km, where float keeps only millimetres and its rounding would show up as accelerometer
/// noise after differentiation. Private to the model on purpose (tests integrate with their own code).
/// </summary>
internal readonly record struct V3(double X, double Y, double Z)
{
    public static V3 operator +(V3 a, V3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static V3 operator -(V3 a, V3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static V3 operator *(double s, V3 a) => new(s * a.X, s * a.Y, s * a.Z);
    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));
}

/// <summary>Row-major 3×3 rotation matrix.</summary>
internal readonly record struct M3(double A00, double A01, double A02, double A10, double A11, double A12, double A20, double A21, double A22)
{
    public static M3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public V3 Mul(V3 v) => new(
        (A00 * v.X) + (A01 * v.Y) + (A02 * v.Z),
        (A10 * v.X) + (A11 * v.Y) + (A12 * v.Z),
        (A20 * v.X) + (A21 * v.Y) + (A22 * v.Z));

    public V3 TransposeMul(V3 v) => new(
        (A00 * v.X) + (A10 * v.Y) + (A20 * v.Z),
        (A01 * v.X) + (A11 * v.Y) + (A21 * v.Z),
        (A02 * v.X) + (A12 * v.Y) + (A22 * v.Z));

    public static M3 operator *(M3 a, M3 b) => new(
        (a.A00 * b.A00) + (a.A01 * b.A10) + (a.A02 * b.A20), (a.A00 * b.A01) + (a.A01 * b.A11) + (a.A02 * b.A21), (a.A00 * b.A02) + (a.A01 * b.A12) + (a.A02 * b.A22),
        (a.A10 * b.A00) + (a.A11 * b.A10) + (a.A12 * b.A20), (a.A10 * b.A01) + (a.A11 * b.A11) + (a.A12 * b.A21), (a.A10 * b.A02) + (a.A11 * b.A12) + (a.A12 * b.A22),
        (a.A20 * b.A00) + (a.A21 * b.A10) + (a.A22 * b.A20), (a.A20 * b.A01) + (a.A21 * b.A11) + (a.A22 * b.A21), (a.A20 * b.A02) + (a.A21 * b.A12) + (a.A22 * b.A22));

    public static M3 RotX(double a) { var c = Math.Cos(a); var s = Math.Sin(a); return new(1, 0, 0, 0, c, -s, 0, s, c); }
    public static M3 RotY(double a) { var c = Math.Cos(a); var s = Math.Sin(a); return new(c, 0, s, 0, 1, 0, -s, 0, c); }
    public static M3 RotZ(double a) { var c = Math.Cos(a); var s = Math.Sin(a); return new(c, -s, 0, s, c, 0, 0, 0, 1); }

    /// <summary>Z-Y-X (yaw, then pitch about y, then roll about x) body-to-world rotation.</summary>
    public static M3 FromZyx(double yawRad, double betaRad, double rollRad) => RotZ(yawRad) * RotY(betaRad) * RotX(rollRad);
}

/// <summary>
/// Quintic Hermite segment: matches position, velocity and acceleration at both ends, so chaining segments gives a
/// C2 trajectory (the minimum-jerk polynomial when the end velocities and accelerations are zero; Flash &amp; Hogan 1985).
/// </summary>
internal readonly struct Quintic
{
    private readonly double _c0, _c1, _c2, _c3, _c4, _c5;

    public double DurationS { get; }

    private Quintic(double c0, double c1, double c2, double c3, double c4, double c5, double durationS)
    {
        _c0 = c0; _c1 = c1; _c2 = c2; _c3 = c3; _c4 = c4; _c5 = c5;
        DurationS = durationS;
    }

    public static Quintic Hermite(double p0, double v0, double a0, double p1, double v1, double a1, double durationS)
    {
        var t = durationS;
        var t2 = t * t;
        var t3 = t2 * t;
        var c3 = ((20 * (p1 - p0)) - (((8 * v1) + (12 * v0)) * t) - (((3 * a0) - a1) * t2)) / (2 * t3);
        var c4 = ((30 * (p0 - p1)) + (((14 * v1) + (16 * v0)) * t) + (((3 * a0) - (2 * a1)) * t2)) / (2 * t3 * t);
        var c5 = ((12 * (p1 - p0)) - (((6 * v1) + (6 * v0)) * t) - ((a0 - a1) * t2)) / (2 * t3 * t2);
        return new Quintic(p0, v0, a0 / 2, c3, c4, c5, durationS);
    }

    /// <summary>Value and first two derivatives at <paramref name="t"/> seconds from the segment start.</summary>
    public void Eval(double t, out double p, out double v, out double a)
    {
        p = _c0 + (t * (_c1 + (t * (_c2 + (t * (_c3 + (t * (_c4 + (t * _c5)))))))));
        v = _c1 + (t * ((2 * _c2) + (t * ((3 * _c3) + (t * ((4 * _c4) + (t * 5 * _c5)))))));
        a = (2 * _c2) + (t * ((6 * _c3) + (t * ((12 * _c4) + (t * 20 * _c5)))));
    }
}

internal static class SmoothBump
{
    /// <summary>
    /// 64·s³(1−s)³ over [0, duration]: 0 with zero slope and curvature at both ends, 1 at the middle. Added to a
    /// Hermite segment it lifts the middle (foot clearance, swing wobble) without breaking C2 continuity.
    /// </summary>
    public static void Eval(double t, double durationS, double amplitude, out double p, out double v, out double a)
    {
        var s = Math.Clamp(t / durationS, 0, 1);
        var s2 = s * s;
        var f = s2 * s * (1 - s) * (1 - s) * (1 - s);
        var f1 = (3 * s2) - (12 * s2 * s) + (15 * s2 * s2) - (6 * s2 * s2 * s);
        var f2 = (6 * s) - (36 * s2) + (60 * s2 * s) - (30 * s2 * s2);
        p = 64 * amplitude * f;
        v = 64 * amplitude * f1 / durationS;
        a = 64 * amplitude * f2 / (durationS * durationS);
    }
}

/// <summary>Deterministic random streams: one per purpose, derived from the user seed, so adding draws to one stream
/// (e.g. more packets) never shifts another (e.g. the stride plan).</summary>
internal static class SimRandom
{
    public static Random Stream(int seed, int purpose, int foot = 0)
    {
        // SplitMix64 finaliser: well-mixed 32-bit seeds from (seed, purpose, foot).
        var z = unchecked((ulong)(uint)seed + (0x9E3779B97F4A7C15UL * (ulong)((purpose * 4) + foot + 1)));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random(unchecked((int)(uint)z));
    }

    /// <summary>Standard normal draw clipped to ±3σ (Box–Muller), so a rare draw never produces an absurd stride.</summary>
    public static double Gauss(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Clamp(z, -3, 3);
    }

    public static double Uniform(this Random rng, double min, double max) => min + ((max - min) * rng.NextDouble());

    public const int PurposePlan = 1;
    public const int PurposeCalibration = 2;
    public const int PurposeNoise = 3;
    public const int PurposeLink = 4;
    public const int PurposeShape = 5;
    public const int PurposeWalkingJolt = 6;
}
