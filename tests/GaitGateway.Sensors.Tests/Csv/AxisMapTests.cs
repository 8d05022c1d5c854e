using System.Numerics;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Sensors.Tests.Csv;

public sealed class AxisMapTests
{
    [Fact]
    public void Parses_a_signed_permutation_and_applies_it()
    {
        var map = AxisMap.Parse("x=-y,y=x,z=z");
        Assert.Equal(new Vector3(-2, 1, 3), map.Apply(new Vector3(1, 2, 3)));
        Assert.Equal("x=-y,y=x,z=z", map.ToString());
        Assert.Equal(map, AxisMap.Parse(" Z = z , X=-Y, y = +x "));
    }

    [Fact]
    public void Identity_round_trips()
    {
        Assert.True(AxisMap.Parse("x=x,y=y,z=z").IsIdentity);
        Assert.Equal(new Vector3(1, 2, 3), AxisMap.Identity.Apply(new Vector3(1, 2, 3)));
    }

    [Theory]
    [InlineData("x=-x,y=-y,z=z")]   // 180° about z
    [InlineData("x=y,y=z,z=x")]     // cyclic
    [InlineData("x=z,y=-y,z=x")]    // 180° about the x+z diagonal
    public void Accepts_rotations(string text) => Assert.True(AxisMap.TryParse(text, out _, out _));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("x=y,y=x", "three assignments")]
    [InlineData("x=x,y=x,z=z", "exactly once")]
    [InlineData("x=x,x=y,z=z", "assigned twice")]
    [InlineData("x=w,y=y,z=z", "axes are x, y and z")]
    [InlineData("x:x,y=y,z=z", "not an assignment")]
    [InlineData("x=-x,y=y,z=z", "mirrors")]
    [InlineData("x=y,y=x,z=z", "mirrors")]
    public void Rejects_what_is_not_a_rotation(string text, string reason)
    {
        Assert.False(AxisMap.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => AxisMap.Parse(text));
        Assert.DoesNotContain('\n', e.Message);
    }
}
