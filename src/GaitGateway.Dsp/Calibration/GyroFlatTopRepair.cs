using System.Numerics;
using GaitGateway.Dsp.Segmentation;

namespace GaitGateway.Dsp.Calibration;

/// <summary>
/// Reconstructs the stretches where a gyroscope axis sat flat at its rail. A saturated MEMS gyroscope repeats its
/// full-scale value while the foot turns faster (REFERENCES.md: a ±500 °/s part flat-tops in jogging; the
/// footprints-walk-jog clip saturates near ±500 °/s, and nothing in a CSV says so), and every degree it misses is lost
/// to the attitude — and through the attitude to gravity's removal and the stride's length. The true rate kept rising
/// and fell back smoothly: the stretch is bridged by the cubic that meets the samples on either side with their slopes,
/// never below the rail.
/// </summary>
public static class GyroFlatTopRepair
{
    /// <summary>Rates below this never count as a rail, rad/s (250 °/s: the smallest full scale of foot-worn parts is
    /// ±250–500 °/s; walking and running swings pass it, standing and fidgeting never do).</summary>
    public const float MinRailRps = 250f * MathF.PI / 180f;

    /// <summary>Neighbouring samples closer than this sit on the same rail, rad/s: a raw count repeats exactly at the
    /// rail (the bias subtracted from it is constant within a swing). Looser is wrong: a calibrated output that wanders by
    /// a degree or two per second at its rail (footprints-walk-jog exp34/35) looks like the top of a walking swing at
    /// 400 Hz, and bridging those took the xio loops from 0.24/0.69 % to 1.32/3.97 %.</summary>
    private const float SameRps = 1e-4f;

    /// <summary>A flat top holds at least this many samples (a smooth peak's top stays that flat for fewer).</summary>
    private const int MinRunSamples = 3;

    /// <summary>
    /// Repairs every flat top inside [a, b] of <paramref name="ring"/> in place and writes each bridge into
    /// <paramref name="bridges"/>; <paramref name="logged"/> is how many were written, or −1 if there were more bridges
    /// than room (the log is then incomplete). Returns how many samples changed.
    /// </summary>
    public static int Repair(SampleRing ring, long a, long b, Span<FlatTopBridge> bridges, out int logged)
    {
        logged = 0;
        // Nearly every segment has no flat top: one pass over all three axes at once says so (three samples in a row on
        // the rail, within SameRps) before the per-axis search below runs.
        if (!AnyRailRun(ring, a, b)) return 0;
        var changed = 0;
        for (var axis = 0; axis < 3; axis++)
        {
            var k = a + 2;
            while (k < b - 1)
            {
                var v = Component(ring.GyroRps(k), axis);
                if (MathF.Abs(v) < MinRailRps || MathF.Abs(Component(ring.GyroRps(k - 1), axis) - v) > SameRps || MathF.Abs(Component(ring.GyroRps(k - 1), axis)) < MinRailRps)
                {
                    k++;
                    continue;
                }

                // A run on the rail from k − 1 on.
                var i0 = k - 1;
                var i1 = k;
                while (i1 + 1 < b - 1 && MathF.Abs(Component(ring.GyroRps(i1 + 1), axis) - Component(ring.GyroRps(i1), axis)) <= SameRps) i1++;
                if (i1 - i0 + 1 >= MinRunSamples && Bridge(ring, axis, i0, i1, RailOf(ring, axis, i0, i1), out var bridge))
                {
                    changed += (int)(i1 - i0 + 1);
                    if (logged >= 0 && logged < bridges.Length) bridges[logged++] = bridge;
                    else logged = -1;
                }

                k = i1 + 2;
            }
        }

        return changed;
    }

    private static bool AnyRailRun(SampleRing ring, long a, long b)
    {
        // A flat top is MinRunSamples (3) samples on one rail: the same axis equal to its two predecessors, on the rail.
        var view = ring.Read();
        var rail = new Vector3(MinRailRps - (2 * SameRps)); // a run's later samples need only be within SameRps of the rail
        var same = new Vector3(SameRps);
        var p2 = view.GyroRps(a);
        var p1 = view.GyroRps(a + 1);
        for (var k = a + 2; k < b - 1; k++)
        {
            var v = view.GyroRps(k);
            var run = Vector3.LessThanOrEqual(Vector3.Abs(v - p1), same) & Vector3.LessThanOrEqual(Vector3.Abs(p1 - p2), same)
                      & Vector3.GreaterThanOrEqual(Vector3.Abs(v), rail);
            if (run != Vector3.Zero) return true;
            p2 = p1;
            p1 = v;
        }

        return false;
    }

    /// <summary>
    /// Bridges [i0, i1] (false: its edges share one time, nothing bridged); says how wrong the bridge's rotation may be (<see cref="FlatTopBridge.ErrorScaleRad"/>): the
    /// cubic Hermite interpolation error bound h⁵·max|ω⁗|/384 over its span h (Burden &amp; Faires, Numerical Analysis,
    /// Hermite interpolation error), with the unseen top's fourth derivative scaled from what the edges show,
    /// |ω⁗| ~ s⁴/rail³ (a peak that crosses its rail at slope s is ~rail/s wide). A narrow peak flat over much of its
    /// width — a slap — is bridged far less surely than a broad swing peak that just grazes the rail, even where the
    /// swing's bridge adds more rotation.
    /// </summary>
    private static bool Bridge(SampleRing ring, int axis, long i0, long i1, float rail, out FlatTopBridge bridge)
    {
        bridge = default;
        long p = i0 - 1, q = i1 + 1;
        double tp = ring.TimeS(p), tq = ring.TimeS(q);
        double gp = Component(ring.GyroRps(p), axis), gq = Component(ring.GyroRps(q), axis);
        var sp = (gp - Component(ring.GyroRps(p - 1), axis)) / (tp - ring.TimeS(p - 1));
        var sq = (Component(ring.GyroRps(q + 1), axis) - gq) / (ring.TimeS(q + 1) - tq);
        var h = tq - tp;
        if (!(h > 0)) return false;
        for (var i = i0; i <= i1; i++)
        {
            // Cubic Hermite between (tp, gp, sp) and (tq, gq, sq).
            var u = (ring.TimeS(i) - tp) / h;
            var u2 = u * u;
            var u3 = u2 * u;
            var value = (((2 * u3) - (3 * u2) + 1) * gp) + ((u3 - (2 * u2) + u) * h * sp) + ((-2 * u3 + (3 * u2)) * gq) + ((u3 - u2) * h * sq);
            var repaired = rail > 0 ? Math.Max(value, rail) : Math.Min(value, rail);
            var w = ring.GyroRps(i);
            ring.SetGyroRps(i, With(w, axis, (float)repaired));
        }

        var slope = 0.5 * (Math.Abs(sp) + Math.Abs(sq));
        var h2 = h * h;
        var s2 = slope * slope;
        bridge = new FlatTopBridge((i0 + i1) / 2, axis, (float)(h2 * h2 * h * s2 * s2 / (384.0 * Math.Abs((double)rail) * rail * rail)));
        return true;
    }

    /// <summary>The run's value furthest from zero: the true rate was at least that.</summary>
    private static float RailOf(SampleRing ring, int axis, long i0, long i1)
    {
        var rail = Component(ring.GyroRps(i0), axis);
        for (var i = i0 + 1; i <= i1; i++)
        {
            var v = Component(ring.GyroRps(i), axis);
            if (MathF.Abs(v) > MathF.Abs(rail)) rail = v;
        }

        return rail;
    }

    /// <summary>The component of <paramref name="v"/> along sensor axis <paramref name="axis"/> (0 = x, 1 = y, 2 = z).</summary>
    internal static float Component(Vector3 v, int axis) => axis switch { 0 => v.X, 1 => v.Y, _ => v.Z };

    private static Vector3 With(Vector3 v, int axis, float value) => axis switch
    {
        0 => new Vector3(value, v.Y, v.Z),
        1 => new Vector3(v.X, value, v.Z),
        _ => new Vector3(v.X, v.Y, value),
    };
}

/// <summary>One stretch <see cref="GyroFlatTopRepair"/> bridged: its middle sample, the sensor axis (0 = x, 1 = y,
/// 2 = z) and how wrong the rotation it put back about that axis may be, rad (an interpolation error bound: a scale for
/// weighing bridges against each other, not a correction).</summary>
public readonly record struct FlatTopBridge(long MidSample, int Axis, float ErrorScaleRad);
