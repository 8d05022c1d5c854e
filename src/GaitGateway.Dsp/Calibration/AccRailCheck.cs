using GaitGateway.Core.Samples;

namespace GaitGateway.Dsp.Calibration;

/// <summary>What <see cref="AccRailCheck.Find"/> found.</summary>
/// <param name="FullScaleMps2">The accelerometer's full scale read from the samples held at its rail, m/s² (NaN: none found).</param>
/// <param name="Visits">Separate visits to the rail (runs of samples at it), over every axis and side that had
/// enough.</param>
/// <param name="Axes">Where they were, e.g. "+x −z".</param>
public readonly record struct AccRail(double FullScaleMps2, int Visits, string Axes)
{
    public bool Found => !double.IsNaN(FullScaleMps2);

    public static AccRail None => new(double.NaN, 0, "");
}

/// <summary>Settings of <see cref="AccRailCheck"/>; each default says why.</summary>
/// <param name="MinRailG">An extreme below this is never a rail, g. Default 2: the smallest range of a MEMS
/// accelerometer is ±2 g, and a foot at rest never reaches it.</param>
/// <param name="SameFraction">A sample within this share of an axis's extreme sits on it. Default 5e-4 (0.008 g at
/// 16 g): a clipped count repeats exactly, and a file prints it to 4–6 digits.</param>
/// <param name="MinVisits">Separate visits to the extreme (runs of one or more samples at it) that make it a rail.
/// Default 5. A recording's largest value on an axis is reached once: on every axis and side of the shared real sets
/// (footprints, xio loops, gaitmap; 72 in all) the extreme is visited once at this tolerance; at four times it, three
/// times at most (gaitmap's right z at 16.0 g, perhaps a ±16 g part's rail seen through its calibration). A clipping
/// part visits its rail at landing after landing: simulated ±16 g running with 20–40 g impacts visits it 11–146 times a
/// minute on the axis that clips most, at 200–800 Hz.</param>
public sealed record AccRailCheckSettings(double MinRailG = 2, double SameFraction = 5e-4, int MinVisits = 5);

/// <summary>
/// Finds an accelerometer's full scale in a file that does not state it (CSV carries no range). A clip's packets say
/// their range, so a clipped impact is recognised and its lost velocity removed as a step at the clip
/// (<c>StrideIntegrator.ClipLoss</c>); a CSV without <c>--acc-range-g</c> was de-drifted linearly instead, which spreads a
/// clip's loss over the stride (simulated ±16 g running with 20–40 g impacts written as CSV: stride length 0.4–1.9 %
/// off the same strides unclipped at 400–800 Hz, against 0.1–0.5 % with the range given). A saturating part holds its
/// rail: the axis reads the same extreme value at landing after landing (for one sample at 200–400 Hz, for several
/// at 800 Hz and above). <see cref="AccRailCheckSettings.MinVisits"/> visits to one axis's extreme, on any axis and
/// side, give the rail; the smallest rail found is the full scale (a calibrated output's two rails differ by its
/// bias).
/// </summary>
/// <remarks>
/// Only a clip that the output shows at the rail is found. A part that saturates ahead of its decimation filter shows
/// it at 800 Hz and above, but at 200–400 Hz a clip of a few ms hides inside one averaged sample below the rail
/// (README, "Clipped impacts"); nothing in such a file says it clipped, and it is measured as before. Pure and
/// synchronous; the samples are not changed.
/// </remarks>
public static class AccRailCheck
{
    /// <summary>The rail of <paramref name="samples"/>' accelerometer, or <see cref="AccRail.None"/>.</summary>
    public static AccRail Find(IReadOnlyList<ImuSample> samples, AccRailCheckSettings? settings = null)
    {
        var s = settings ?? new AccRailCheckSettings();
        Span<float> extreme = stackalloc float[6];
        foreach (var sample in samples)
        {
            var a = sample.AccSensorMps2;
            for (var axis = 0; axis < 3; axis++)
            {
                var v = a[axis];
                extreme[2 * axis] = MathF.Max(extreme[2 * axis], v);
                extreme[(2 * axis) + 1] = MathF.Max(extreme[(2 * axis) + 1], -v);
            }
        }

        var fullScale = double.NaN;
        var total = 0;
        var where = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            if (!(extreme[i] >= s.MinRailG * Gravity.StandardMps2)) continue;
            var axis = i / 2;
            var sign = i % 2 == 0 ? 1f : -1f;
            var onRail = (float)(extreme[i] * (1 - s.SameFraction));
            var visits = 0;
            var on = false;
            foreach (var sample in samples)
            {
                var a = sample.AccSensorMps2;
                var v = sign * a[axis];
                if (v >= onRail && !on) visits++;
                on = v >= onRail;
            }

            if (visits < s.MinVisits) continue;
            total += visits;
            where.Add((sign > 0 ? "+" : "−") + "xyz"[axis]);
            fullScale = double.IsNaN(fullScale) ? extreme[i] : Math.Min(fullScale, extreme[i]);
        }

        return double.IsNaN(fullScale) ? AccRail.None : new AccRail(fullScale, total, string.Join(' ', where));
    }
}
