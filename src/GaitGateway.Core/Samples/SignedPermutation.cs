using System.Globalization;
using System.Numerics;

namespace GaitGateway.Core.Samples;

/// <summary>
/// A signed permutation of three axes: output axis i takes input axis <see cref="Source"/>(i) times
/// <see cref="Sign"/>(i). The 48 of them are every way a file's axes can be relabelled or flipped: the CSV axis map
/// (<c>--axes</c>, proper ones only) and the gyroscope relabelling of <c>GyroFrameCheck</c> (any) are both one.
/// </summary>
public readonly record struct SignedPermutation(int Code)
{
    private static readonly int[][] Perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

    public static SignedPermutation Identity => new(0);

    /// <summary>All 48, the identity first.</summary>
    public static IEnumerable<SignedPermutation> All => Enumerable.Range(0, 48).Select(c => new SignedPermutation(c));

    /// <summary>The map taking input axis <paramref name="source"/>[i] times <paramref name="sign"/>[i] (±1) to output
    /// axis i; <paramref name="source"/> must be a permutation of 0, 1, 2.</summary>
    public static SignedPermutation From(ReadOnlySpan<int> source, ReadOnlySpan<int> sign)
    {
        for (var p = 0; p < Perms.Length; p++)
        {
            if (!source.SequenceEqual(Perms[p])) continue;
            return new SignedPermutation((p << 3) | (sign[0] < 0 ? 1 : 0) | (sign[1] < 0 ? 2 : 0) | (sign[2] < 0 ? 4 : 0));
        }

        throw new ArgumentException("not a permutation of the axes 0, 1, 2", nameof(source));
    }

    public bool IsIdentity => Code == 0;
    public int Source(int axis) => Perms[Code >> 3][axis];
    public int Sign(int axis) => ((Code >> axis) & 1) == 0 ? 1 : -1;

    /// <summary>+1 for a rotation, −1 for a map that mirrors the frame: the permutation's parity times the signs.</summary>
    public int Determinant
    {
        get
        {
            var inversions = 0;
            for (var i = 0; i < 3; i++)
                for (var j = i + 1; j < 3; j++)
                    if (Source(i) > Source(j)) inversions++;
            return (inversions % 2 == 0 ? 1 : -1) * Sign(0) * Sign(1) * Sign(2);
        }
    }

    public Vector3 Apply(Vector3 v)
    {
        Span<float> c = [v.X, v.Y, v.Z];
        return new Vector3(Sign(0) * c[Source(0)], Sign(1) * c[Source(1)], Sign(2) * c[Source(2)]);
    }

    /// <summary>As the <c>--axes</c> option writes a map: <c>x=-y,y=x,z=z</c>.</summary>
    public override string ToString()
    {
        const string names = "xyz";
        var self = this;
        return string.Join(",", Enumerable.Range(0, 3).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{names[i]}={(self.Sign(i) < 0 ? "-" : "")}{names[self.Source(i)]}")));
    }
}
