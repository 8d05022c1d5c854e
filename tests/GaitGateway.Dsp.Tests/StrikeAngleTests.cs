using System.Numerics;
using GaitGateway.Dsp.Calibration;
using GaitGateway.Dsp.Parameters;
using GaitGateway.Dsp.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace GaitGateway.Dsp.Tests;

/// <summary>
/// The strike angle on hand-made strides (no simulator): a foot that is flat at both mid-stances pitches through a
/// push-off, a swing that lifts the toes to the strike angle, and a slap back to flat after the contact — each a raised
/// cosine of the pitch rate, so the true angle at the contact is known in closed form. A ±500 °/s gyroscope flat-tops
/// where the rate passes its rail; <see cref="GyroFlatTopRepair"/> bridges the tops, and the strike angle weighs the
/// readings from either mid-stance by what the bridges on each side invented.
/// </summary>
public sealed class StrikeAngleTests(ITestOutputHelper output)
{
    private const double LengthS = 0.80;
    private const double MidStanceAS = 0.05;
    private const double ContactS = 0.55;
    private const double MidStanceBS = 0.70;
    private const int SubSamples = 40;
    private const double DegToRad = Math.PI / 180;

    /// <summary>A pitch-rate pulse: raised cosine of <paramref name="areaRad"/> centred on <paramref name="centreS"/>,
    /// half-width <paramref name="halfWidthS"/>; its rate and its integral up to <paramref name="t"/>.</summary>
    private static (double Rate, double Angle) Pulse(double t, double areaRad, double centreS, double halfWidthS)
    {
        var x = (t - centreS) / halfWidthS;
        if (x <= -1) return (0, 0);
        if (x >= 1) return (0, areaRad);
        return (areaRad / halfWidthS * 0.5 * (1 + Math.Cos(Math.PI * x)), areaRad * 0.5 * (x + 1 + (Math.Sin(Math.PI * x) / Math.PI)));
    }

    /// <summary>Push-off (+P), swing (−(P + S): toes up by S at the contact), slap (+S, after the contact).</summary>
    private sealed record Stride(double PushOffDeg, double PushOffHalfS, double SwingHalfS, double StrikeDeg, double SlapHalfS)
    {
        public (double Rate, double Angle) At(double t)
        {
            var p = Pulse(t, PushOffDeg * DegToRad, 0.18, PushOffHalfS);
            var s = Pulse(t, -(PushOffDeg + StrikeDeg) * DegToRad, 0.40, SwingHalfS);
            var l = Pulse(t, StrikeDeg * DegToRad, ContactS + 0.005 + SlapHalfS, SlapHalfS);
            return (p.Rate + s.Rate + l.Rate, p.Angle + s.Angle + l.Angle);
        }
    }

    /// <summary>Fills a ring as a clip's filter samples (each sample the mean over its period), the pitch about the
    /// sensor's y axis, every axis flat at ±<paramref name="railDps"/>; specific force is gravity in the sensor frame.</summary>
    private static (SampleRing Ring, long A, long Ic, long B) Sample(Stride stride, double rateHz, double railDps)
    {
        var ring = new SampleRing(1024);
        var rail = railDps * DegToRad;
        var n = (int)(LengthS * rateHz);
        for (var k = 0; k < n; k++)
        {
            var t = k / rateHz;
            var rate = 0.0;
            for (var j = 0; j < SubSamples; j++) rate += stride.At(t - ((j + 0.5) / SubSamples / rateHz)).Rate;
            rate = Math.Clamp(rate / SubSamples, -rail, rail);
            var pitch = stride.At(t).Angle;
            var up = new Vector3((float)-Math.Sin(pitch), 0, (float)Math.Cos(pitch)); // world up in the sensor frame
            var gyro = new Vector3(0, (float)rate, 0);
            ring.Add(t, 9.81f * up, gyro, gyro.Length(), 0);
        }

        return (ring, (long)(MidStanceAS * rateHz), (long)Math.Floor(ContactS * rateHz), (long)(MidStanceBS * rateHz));
    }

    private static double TrueStrikeDeg(Stride stride, double timeS) => -stride.At(timeS).Angle / DegToRad;

    private (double Blend, double FromNext, double FromPrevious, double Truth, int Bridges) Read(Stride stride, double rateHz, double railDps,
        double upATiltDeg = 0)
    {
        var (ring, a, ic, b) = Sample(stride, rateHz, railDps);
        var log = new FlatTopBridge[32];
        GyroFlatTopRepair.Repair(ring, a, b, log, out var logged);
        Assert.True(logged >= 0, "bridge log overflowed");
        var up = Vector3.UnitZ;
        // A mid-stance's gravity misread (the foot still moving): tilted about the forward axis, which no reading sees.
        var upA = Vector3.Transform(up, Quaternion.CreateFromAxisAngle(Vector3.UnitX, (float)(upATiltDeg * DegToRad)));
        var forward = Vector3.UnitX;
        var pitchAxis = Vector3.UnitY;
        var blend = ContactMeasures.StrikeAngleDeg(ring, a, ic, b, upA, up, forward, log.AsSpan(0, logged), pitchAxis);
        var fromNext = ContactMeasures.FromNextStanceDeg(ring, ic, b, up, forward);
        var fromPrevious = ContactMeasures.FromPreviousStanceDeg(ring, a, ic, upA, forward);
        var truth = TrueStrikeDeg(stride, ring.TimeS(ic));
        output.WriteLine($"{rateHz} Hz, rail {railDps} °/s: truth {truth:F2}°, from MS_b {fromNext:F2}°, from MS_a {fromPrevious:F2}°, blend {blend:F2}° ({logged} bridges)");
        return (blend, fromNext, fromPrevious, truth, logged);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1000)]
    public void A_slap_that_flat_tops_the_gyroscope_is_read_from_the_stance_before_it(int rateHz)
    {
        // A slap of 20° in 40 ms (~1000 °/s peak) flat-tops a ±500 °/s part; push-off (25°) and swing (45°) stay under
        // 450 °/s. The cubic bridge under-restores a symmetric top, and the reading from MS_b carries that whole.
        var stride = new Stride(PushOffDeg: 25, PushOffHalfS: 0.08, SwingHalfS: 0.10, StrikeDeg: 20, SlapHalfS: 0.02);
        var r = Read(stride, rateHz, 500);
        Assert.True(r.Bridges >= 1, "the slap's flat top was not found");
        Assert.True(Math.Abs(r.FromNext - r.Truth) >= 1.0, $"the bridge alone is already within {Math.Abs(r.FromNext - r.Truth):F2}°: this stride tests nothing");
        Assert.True(Math.Abs(r.Blend - r.Truth) <= 0.3, $"strike angle {r.Blend:F2}° against {r.Truth:F2}°");
    }

    [Theory]
    [InlineData(200, 1.5)]
    [InlineData(400, 3)]
    [InlineData(1000, 10)]
    public void Where_the_two_mid_stances_disagree_on_the_pose_the_reading_from_the_next_stance_stands(int rateHz, double tiltDeg)
    {
        // The slap-only stride of the first test, with MS_a's gravity misread by a tilt the readings themselves cannot see:
        // up to 2° the blend still reads from MS_a, beyond it the foot's pose disagrees and the reading from MS_b stands.
        var stride = new Stride(PushOffDeg: 25, PushOffHalfS: 0.08, SwingHalfS: 0.10, StrikeDeg: 20, SlapHalfS: 0.02);
        var r = Read(stride, rateHz, 500, tiltDeg);
        if (tiltDeg <= 2) Assert.Equal(r.FromPrevious, r.Blend, 6);
        else Assert.Equal(r.FromNext, r.Blend);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(1000)]
    public void Without_a_flat_top_the_strike_angle_is_the_reading_from_the_next_stance(int rateHz)
    {
        var stride = new Stride(PushOffDeg: 35, PushOffHalfS: 0.05, SwingHalfS: 0.08, StrikeDeg: 20, SlapHalfS: 0.02);
        var r = Read(stride, rateHz, 2000);
        Assert.Equal(0, r.Bridges);
        Assert.Equal(r.FromNext, r.Blend);
        Assert.True(Math.Abs(r.Blend - r.Truth) <= 0.3, $"strike angle {r.Blend:F2}° against {r.Truth:F2}°");
    }

    [Theory]
    [InlineData(200, "narrow slap")]
    [InlineData(400, "narrow slap")]
    [InlineData(1000, "narrow slap")]
    [InlineData(200, "narrow push-off")]
    [InlineData(400, "narrow push-off")]
    [InlineData(1000, "narrow push-off")]
    public void With_flat_tops_on_both_sides_the_strike_angle_follows_the_surer_bridges(int rateHz, string which)
    {
        // Narrow slap: push-off (35° in 100 ms, ~700 °/s) and swing (55° in 160 ms, ~690 °/s) graze the rail; the slap
        // (20° in 40 ms, ~1000 °/s) is flat over half its width. Narrow push-off: the push-off (35° in 50 ms, ~1400 °/s)
        // is flat over most of its width and the slap (30° in 90 ms, ~670 °/s) grazes the rail.
        var stride = which == "narrow slap"
            ? new Stride(PushOffDeg: 35, PushOffHalfS: 0.05, SwingHalfS: 0.08, StrikeDeg: 20, SlapHalfS: 0.02)
            : new Stride(PushOffDeg: 35, PushOffHalfS: 0.025, SwingHalfS: 0.08, StrikeDeg: 30, SlapHalfS: 0.045);
        var r = Read(stride, rateHz, 500);
        Assert.True(r.Bridges >= 3, $"{r.Bridges} bridges");
        var errNext = Math.Abs(r.FromNext - r.Truth);
        var errPrevious = Math.Abs(r.FromPrevious - r.Truth);
        Assert.True(Math.Max(errNext, errPrevious) >= 1.0, $"both readings within {Math.Max(errNext, errPrevious):F2}°: this stride tests nothing");
        Assert.InRange(r.Blend, Math.Min(r.FromNext, r.FromPrevious) - 1e-9, Math.Max(r.FromNext, r.FromPrevious) + 1e-9);
        // Nearer the surer reading than the other: at 200 Hz a slap's top spans 4 samples and its edges show its slope
        // only roughly, so the blend is not the surer reading itself.
        Assert.True(Math.Abs(r.Blend - r.Truth) < Math.Min(errNext, errPrevious) + (0.5 * Math.Abs(errNext - errPrevious)),
            $"strike angle {r.Blend:F2}° against {r.Truth:F2}°: the surer reading was within {Math.Min(errNext, errPrevious):F2}°, the other {Math.Max(errNext, errPrevious):F2}°");
    }
}
