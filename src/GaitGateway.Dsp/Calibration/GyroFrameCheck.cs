using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Trajectory;

namespace GaitGateway.Dsp.Calibration;

/// <summary>What <see cref="GyroFrameCheck.Check"/> found.</summary>
/// <param name="Remap">The gyroscope relabelling to apply: identity when the file's axes agree (or too little was seen
/// to say otherwise).</param>
/// <param name="Segments">Motions between two still moments that were integrated.</param>
/// <param name="GivenResidualMps">Median speed the integration ends with at the next still moment, the gyroscope read as
/// given, m/s (NaN: no segment).</param>
/// <param name="BestResidualMps">The same for the best of the 48 readings, m/s.</param>
/// <param name="Best">That reading.</param>
public readonly record struct GyroFrameVerdict(SignedPermutation Remap, int Segments, double GivenResidualMps, double BestResidualMps, SignedPermutation Best);

/// <summary>Settings of <see cref="GyroFrameCheck"/>; each default says why.</summary>
/// <param name="MovingGyroDps">A sample moves at this angular rate or more, °/s. Default 30: a flat foot in stance
/// turns at a few °/s, every walking swing at hundreds.</param>
/// <param name="MovingAccMps2">... or with |a| this far from gravity, m/s². Default 1 (0.1 g).</param>
/// <param name="StillHalfWindowS">A still moment: no moving sample within this of it, s. Default 0.025 (a walking
/// foot-flat lasts 0.2–0.5 s, a running one ~0.05 s at 4 m/s).</param>
/// <param name="ShortestSegmentS">Shortest motion integrated, s. Default 0.2 (shorter: a twitch, not a stride).</param>
/// <param name="LongestSegmentS">Longest, s. Default 3 (the pipeline's longest stride is 2.5 s).</param>
/// <param name="MaxSegments">Segments integrated at most (the first ones), bounding the cost: 48 readings × this many
/// strides. Default 200.</param>
/// <param name="MinSegments">Fewer segments than this give no verdict. Default 5 (a median of five; footprints exp34,
/// mostly jogging, has six).</param>
/// <param name="DecisiveRatio">Another reading replaces the given one only when the given one's median residual is at
/// least this many times the other's. Default 3: on the 12 shared real feet the given reading's residual (0.30–1.31
/// m/s) is the lowest of the 48 on 11 and within 6 % of it on the 12th (footprints exp45, where the roll rate's sign
/// barely moves the end speed), so a good file is never relabelled by a margin near this.</param>
/// <param name="TieFraction">Readings within this share of the lowest residual count as equally good, and the simplest
/// of them is taken. Default 0.1: exp45's two roll signs differ by 6 %.</param>
public sealed record GyroFrameCheckSettings(
    double MovingGyroDps = 30,
    double MovingAccMps2 = 1,
    double StillHalfWindowS = 0.025,
    double ShortestSegmentS = 0.2,
    double LongestSegmentS = 3,
    int MaxSegments = 200,
    int MinSegments = 5,
    double DecisiveRatio = 3,
    double TieFraction = 0.1);

/// <summary>
/// Does a file's gyroscope use its accelerometer's axes? A right-handed IMU measures both in one frame, but files from
/// other tools need not: gaitmap's foot body frame is "not right handed and should not be used for any physical
/// calculations" (gaitmap, Coordinate Systems guide) and flips gyroscope axes that it leaves on the accelerometer; a
/// left-handed export mirrors both. The pipeline then turns gravity the wrong way through every swing, and a mirrored
/// copy of the footprints trials gave 13 of 417 strides. Axis maps (<c>--axes</c>) apply to both sensors alike, so they
/// cannot mend it.
/// </summary>
/// <remarks>
/// The witness is the zero-velocity update that every foot-mounted INS relies on (Foxlin 2005; Skog et al. 2010): a
/// foot still at both ends of a stride has zero velocity at both, and strapdown integration between them returns to
/// near zero only when the gyroscope turns the accelerometer's frame the way the foot turned. Each of the 48 signed
/// permutations of the gyroscope's axes is tried over the same still-to-still motions; the given reading is kept unless
/// another ends those motions decisively slower. Pure and synchronous; the samples are not changed.
/// </remarks>
public static class GyroFrameCheck
{
    /// <summary>Still samples averaged for the starting tilt.</summary>
    private const int StillMeanSamples = 8;

    public static GyroFrameVerdict Check(IReadOnlyList<ImuSample> samples, GyroFrameCheckSettings? settings = null)
    {
        var s = settings ?? new GyroFrameCheckSettings();
        var segments = StillToStill(samples, s, out var biasDps);
        if (segments.Count == 0) return new GyroFrameVerdict(SignedPermutation.Identity, 0, double.NaN, double.NaN, SignedPermutation.Identity);

        var residuals = new double[segments.Count];
        var medians = new double[48];
        foreach (var map in SignedPermutation.All)
        {
            for (var i = 0; i < segments.Count; i++) residuals[i] = EndSpeedMps(samples, segments[i], map, biasDps);
            Array.Sort(residuals);
            medians[map.Code] = residuals[residuals.Length / 2];
        }

        // Among the readings within TieFraction of the lowest, the simplest: an axis the foot barely turns about (a
        // walking foot's roll) hardly moves the end speed, and the data then cannot tell its sign; the likelier mistake
        // is the one a tool makes (a mirrored export: all three; a body frame: one sign), not a relabelling.
        var lowest = medians.Min();
        var best = SignedPermutation.All.Where(m => medians[m.Code] <= lowest * (1 + s.TieFraction))
            .OrderBy(Complexity).ThenBy(m => medians[m.Code]).First();
        var given = medians[0];
        var remap = !best.IsIdentity && segments.Count >= s.MinSegments && given >= s.DecisiveRatio * medians[best.Code]
            ? best
            : SignedPermutation.Identity;
        return new GyroFrameVerdict(remap, segments.Count, given, medians[best.Code], best);
    }

    /// <summary>How unlikely a relabelling is as a file's mistake: none, then all three signs (a mirrored frame), then
    /// one or two signs, then swapped axes.</summary>
    private static int Complexity(SignedPermutation m)
    {
        var negatives = (m.Code & 1) + ((m.Code >> 1) & 1) + ((m.Code >> 2) & 1);
        if (m.Code >> 3 != 0) return 4 + negatives;
        return negatives switch { 0 => 0, 3 => 1, 1 => 2, _ => 3 };
    }

    /// <summary>The motions between still moments, as (last still sample before, first still sample after), and the
    /// gyroscope's mean over every still sample (its bias, in the file's axes).</summary>
    private static List<(int From, int To)> StillToStill(IReadOnlyList<ImuSample> x, GyroFrameCheckSettings s, out Vector3 biasDps)
    {
        var n = x.Count;
        biasDps = Vector3.Zero;
        var result = new List<(int, int)>();
        if (n < 3) return result;
        // Moving samples as a prefix count, so "none within ±h" is one subtraction per sample.
        var movingBefore = new int[n + 1];
        for (var k = 0; k < n; k++)
        {
            var moving = x[k].GyroSensorDps.Length() >= s.MovingGyroDps
                || Math.Abs(x[k].AccSensorMps2.Length() - Gravity.StandardMps2) >= s.MovingAccMps2;
            movingBefore[k + 1] = movingBefore[k] + (moving ? 1 : 0);
        }

        var dtS = (x[n - 1].TimeS - x[0].TimeS) / (n - 1);
        var h = Math.Max(1, (int)Math.Round(s.StillHalfWindowS / dtS));
        bool Still(int k) => movingBefore[Math.Min(n, k + h + 1)] - movingBefore[Math.Max(0, k - h)] == 0;

        var stillCount = 0;
        var lastStill = -1;
        for (var k = 0; k < n; k++)
        {
            if (Still(k))
            {
                biasDps += x[k].GyroSensorDps;
                stillCount++;
                if (lastStill >= 0 && lastStill < k - 1 && result.Count < s.MaxSegments)
                {
                    var span = x[k].TimeS - x[lastStill].TimeS;
                    if (span >= s.ShortestSegmentS && span <= s.LongestSegmentS) result.Add((lastStill, k));
                }

                lastStill = k;
            }
        }

        if (stillCount > 0) biasDps /= stillCount;
        return result;
    }

    /// <summary>Strapdown from the still sample <c>From</c> (tilt from its accelerometer) to <c>To</c>, the gyroscope read
    /// through <paramref name="map"/>: the speed left there, m/s.</summary>
    private static double EndSpeedMps(IReadOnlyList<ImuSample> x, (int From, int To) seg, SignedPermutation map, Vector3 biasDps)
    {
        const float rps = MathF.PI / 180f;
        // Tilt from the still stretch's last samples (one sample's noise would tilt the start), then trapezoids.
        var up = Vector3.Zero;
        for (var k = Math.Max(0, seg.From - StillMeanSamples + 1); k <= seg.From; k++) up += x[k].AccSensorMps2;
        var q = QuaternionMath.FromTo(Vector3.Normalize(up), Vector3.UnitZ);
        var g = new Vector3(0, 0, (float)Gravity.StandardMps2);
        var v = Vector3.Zero;
        var wPrev = map.Apply(x[seg.From].GyroSensorDps - biasDps) * rps;
        var aPrev = QuaternionMath.Rotate(x[seg.From].AccSensorMps2, q) - g;
        for (var k = seg.From + 1; k <= seg.To; k++)
        {
            var dt = (float)(x[k].TimeS - x[k - 1].TimeS);
            var w = map.Apply(x[k].GyroSensorDps - biasDps) * rps;
            q = Quaternion.Normalize(q * QuaternionMath.Increment(0.5f * (wPrev + w), dt));
            var a = QuaternionMath.Rotate(x[k].AccSensorMps2, q) - g;
            v += 0.5f * (aPrev + a) * dt;
            (wPrev, aPrev) = (w, a);
        }

        return v.Length();
    }
}
