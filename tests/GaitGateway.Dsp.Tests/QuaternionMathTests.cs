using System.Numerics;
using GaitGateway.Dsp.Trajectory;
using Xunit;

namespace GaitGateway.Dsp.Tests;

/// <summary>The strapdown loop's own rotation and increment against System.Numerics' reference forms.</summary>
public sealed class QuaternionMathTests
{
    [Fact]
    public void Rotate_matches_Vector3_Transform_for_random_unit_quaternions()
    {
        var rng = new Random(7);
        float Next() => (float)((rng.NextDouble() * 2) - 1);
        for (var i = 0; i < 10_000; i++)
        {
            var q = Quaternion.Normalize(new Quaternion(Next(), Next(), Next(), Next()));
            var v = new Vector3(Next(), Next(), Next()) * 40f; // up to ±40 m/s² per axis, beyond a 16-g clip
            var expected = Vector3.Transform(v, q);
            var actual = QuaternionMath.Rotate(v, q);
            Assert.True((expected - actual).Length() <= 1e-5f * Math.Max(1f, v.Length()), $"q {q}, v {v}: {actual} vs {expected}");
        }
    }

    [Fact]
    public void Increment_matches_the_exact_axis_angle_rotation()
    {
        var rng = new Random(11);
        for (var i = 0; i < 10_000; i++)
        {
            // Up to ±70 rad/s (4000 °/s) per axis at 100–1600 Hz: both branches of the series.
            var w = new Vector3((float)(rng.NextDouble() - 0.5), (float)(rng.NextDouble() - 0.5), (float)(rng.NextDouble() - 0.5)) * 140f;
            var dt = 1f / (100 + rng.Next(1500));
            var angle = w.Length() * dt;
            var exact = angle == 0 ? Quaternion.Identity : Quaternion.CreateFromAxisAngle(Vector3.Normalize(w), angle);
            var q = QuaternionMath.Increment(w, dt);
            Assert.True(Math.Abs(Quaternion.Dot(exact, q)) >= 1 - 1e-6f, $"w {w}, dt {dt}: {q} vs {exact}");
        }
    }
}
