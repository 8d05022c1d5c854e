using System.Numerics;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Sensors.Tests.Simulation;

/// <summary>Test-only helpers: decoding a run back to samples and a small strapdown integrator. Deliberately
/// written here, independent of the simulator's model and of the DSP.</summary>
internal static class SimTestKit
{
    public static SimulationSettings Exact(int seed = 7) => SimulationSettings.Ideal with
    {
        Seed = seed,
        AccRange = AccRange.G32,
        GyroRange = GyroRange.Dps4000,
    };

    /// <summary>Decodes one foot's notifications; sample times are true session times (sensor clock undone).</summary>
    public static List<ImuSample> Samples(SimulatedRun run, Foot foot)
    {
        var clip = foot == Foot.Left ? run.Left : run.Right;
        var result = new List<ImuSample>();
        long unwrapped = 0;
        uint? prev = null;
        foreach (var n in run.Notifications())
        {
            if (n.SensorIndex != clip.SensorIndex) continue;
            var p = n.Payload;
            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(p, out var h));
            unwrapped = prev is null ? h.SensorTimeUs : unwrapped + unchecked(h.SensorTimeUs - prev.Value);
            prev = h.SensorTimeUs;
            var period = 1e6 / h.SampleRateHz;
            for (var i = 0; i < h.SampleCount; i++)
            {
                var tick = unwrapped + (long)Math.Round(i * period);
                // Sample ticks are rounded from the boot phase, so a packet's later ticks are re-derived from it
                // only to within 1 µs; irrelevant at these tolerances.
                result.Add(ImuScale.ToSample(ImuPacket.ReadSample(p, i), clip.TrueTimeS(tick), h.AccRange, h.GyroRange));
            }
        }

        return result;
    }

    public static int Nearest(List<ImuSample> s, double t)
    {
        int lo = 0, hi = s.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (s[mid].TimeS < t) lo = mid + 1; else hi = mid;
        }

        return lo > 0 && Math.Abs(s[lo - 1].TimeS - t) < Math.Abs(s[lo].TimeS - t) ? lo - 1 : lo;
    }

    /// <summary>Orientation (sensor to world) of a sensor at rest, from gravity alone (yaw = 0).</summary>
    public static Quaternion TiltFromGravity(Vector3 accSensor)
    {
        var up = Vector3.Normalize(accSensor); // world z in the sensor frame
        var axis = Vector3.Cross(up, Vector3.UnitZ);
        var s = axis.Length();
        if (s < 1e-9) return Quaternion.Identity;
        var angle = MathF.Atan2(s, Vector3.Dot(up, Vector3.UnitZ));
        return Quaternion.CreateFromAxisAngle(axis / s, angle);
    }

    /// <summary>
    /// Strapdown integration between two rest samples (double precision). The simulated clip reports each sample as
    /// the mean over its sample period (its anti-alias filter), so sample i is integrated over (t[i−1], t[i]]:
    /// orientation by the rotation vector ω·dt, velocity by f rotated at the interval's middle, position by the
    /// trapezoid rule; the residual velocity at the second rest is removed linearly (zero-velocity update).
    /// Returns the displacement of the sensor, world frame.
    /// </summary>
    public static (double X, double Y, double Z) Displacement(List<ImuSample> s, int from, int to)
    {
        var q = new DQ(TiltFromGravity(s[from].AccSensorMps2));
        double vx = 0, vy = 0, vz = 0, px = 0, py = 0, pz = 0;
        var total = s[to].TimeS - s[from].TimeS;
        for (var i = from + 1; i <= to; i++)
        {
            var dt = s[i].TimeS - s[i - 1].TimeS;
            var r = s[i].GyroSensorDps * (float)(Math.PI / 180 * dt);
            var mid = q.Rotate(r.X / 2, r.Y / 2, r.Z / 2);
            var a = WorldAcc(mid, s[i].AccSensorMps2);
            var nvx = vx + (a.X * dt);
            var nvy = vy + (a.Y * dt);
            var nvz = vz + (a.Z * dt);
            px += 0.5 * (vx + nvx) * dt; py += 0.5 * (vy + nvy) * dt; pz += 0.5 * (vz + nvz) * dt;
            vx = nvx; vy = nvy; vz = nvz;
            q = q.Rotate(r.X, r.Y, r.Z);
        }

        // Linear velocity drift v(t) = v_end·(t − t0)/T integrates to v_end·T/2.
        return (px - (vx * total / 2), py - (vy * total / 2), pz - (vz * total / 2));
    }

    /// <summary>Sole pitch (toes up positive, degrees) at time <paramref name="t"/>, integrating the gyroscope
    /// backwards from a rest sample where the foot is flat.</summary>
    public static double PitchAtDeg(List<ImuSample> s, int rest, double t)
    {
        var q = new DQ(TiltFromGravity(s[rest].AccSensorMps2));
        var i = rest;
        double prevPitch = q.PitchDeg(), prevT = s[i].TimeS;
        while (i > 0 && s[i].TimeS > t)
        {
            var dt = s[i].TimeS - s[i - 1].TimeS;
            var r = s[i].GyroSensorDps * (float)(Math.PI / 180 * dt);
            prevPitch = q.PitchDeg();
            prevT = s[i].TimeS;
            q = q.Rotate(-r.X, -r.Y, -r.Z);
            i--;
        }

        var pitch = q.PitchDeg();
        var u = (t - s[i].TimeS) / (prevT - s[i].TimeS);
        return pitch + (u * (prevPitch - pitch));
    }

    private static (double X, double Y, double Z) WorldAcc(DQ q, Vector3 f)
    {
        var (x, y, z) = q.Apply(f.X, f.Y, f.Z);
        return (x, y, z - Gravity.StandardMps2);
    }

    /// <summary>Double-precision unit quaternion, sensor to world.</summary>
    private readonly record struct DQ(double W, double X, double Y, double Z)
    {
        public DQ(Quaternion q) : this(q.W, q.X, q.Y, q.Z) { }

        /// <summary>q ⊗ exp(θ/2) for a body-frame rotation vector θ (rad).</summary>
        public DQ Rotate(double rx, double ry, double rz)
        {
            var angle = Math.Sqrt((rx * rx) + (ry * ry) + (rz * rz));
            double dw = 1, dx = 0, dy = 0, dz = 0;
            if (angle > 1e-15)
            {
                var k = Math.Sin(angle / 2) / angle;
                dw = Math.Cos(angle / 2); dx = rx * k; dy = ry * k; dz = rz * k;
            }

            var r = new DQ(
                (W * dw) - (X * dx) - (Y * dy) - (Z * dz),
                (W * dx) + (X * dw) + (Y * dz) - (Z * dy),
                (W * dy) - (X * dz) + (Y * dw) + (Z * dx),
                (W * dz) + (X * dy) - (Y * dx) + (Z * dw));
            var n = Math.Sqrt((r.W * r.W) + (r.X * r.X) + (r.Y * r.Y) + (r.Z * r.Z));
            return new DQ(r.W / n, r.X / n, r.Y / n, r.Z / n);
        }

        public (double X, double Y, double Z) Apply(double x, double y, double z)
        {
            // v' = v + 2w(u×v) + 2u×(u×v)
            var cx = (Y * z) - (Z * y);
            var cy = (Z * x) - (X * z);
            var cz = (X * y) - (Y * x);
            var ccx = (Y * cz) - (Z * cy);
            var ccy = (Z * cx) - (X * cz);
            var ccz = (X * cy) - (Y * cx);
            return (x + (2 * ((W * cx) + ccx)), y + (2 * ((W * cy) + ccy)), z + (2 * ((W * cz) + ccz)));
        }

        /// <summary>Elevation of the sensor x axis (toes) above the horizontal.</summary>
        public double PitchDeg() => Math.Asin(Math.Clamp(Apply(1, 0, 0).Z, -1, 1)) * 180 / Math.PI;
    }
}
