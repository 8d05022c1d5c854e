using System.Numerics;
using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Csv;

/// <summary>
/// Maps a file's sensor axes onto the gateway's sensor frame (x toward the toes, y to the runner's left, z up;
/// firmware-notes/axes.md). Written as in the CLI's <c>--axes</c> option: <c>x=-y,y=x,z=z</c> means gateway x is
/// the file's −y, gateway y is the file's x, gateway z is the file's z. Applied to the accelerometer and the gyroscope
/// alike, which is only correct for a proper rotation: a signed permutation that mirrors (determinant −1) is rejected,
/// because the gyroscope, an axial vector, would then need the opposite sign to the accelerometer and the file cannot
/// tell us which convention it used.
/// </summary>
public sealed class AxisMap : IEquatable<AxisMap>
{
    private static readonly char[] AxisNames = ['x', 'y', 'z'];

    private readonly SignedPermutation _map; // gateway axis i takes file axis Source(i) times Sign(i)

    private AxisMap(SignedPermutation map) => _map = map;

    /// <summary>The file already uses the gateway frame.</summary>
    public static AxisMap Identity { get; } = new(SignedPermutation.Identity);

    public bool IsIdentity => Equals(Identity);

    /// <summary>Parses <c>x=-y,y=x,z=z</c> (case and whitespace tolerated). Throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static AxisMap Parse(string text)
    {
        if (!TryParse(text, out var map, out var error)) throw new FormatException($"--axes '{text}': {error}");
        return map;
    }

    public static bool TryParse(string? text, out AxisMap map, out string error)
    {
        map = Identity;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty; expected e.g. x=-y,y=x,z=z";
            return false;
        }

        int[] source = [-1, -1, -1];
        int[] sign = [0, 0, 0];
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            error = $"expected three assignments x=…,y=…,z=…, found {parts.Length}";
            return false;
        }

        foreach (var part in parts)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                error = $"'{part}' is not an assignment like x=-y";
                return false;
            }

            var target = AxisIndex(part[..eq].Trim());
            var rhs = part[(eq + 1)..].Trim();
            var s = 1;
            if (rhs.StartsWith('-')) { s = -1; rhs = rhs[1..].Trim(); }
            else if (rhs.StartsWith('+')) { rhs = rhs[1..].Trim(); }
            var from = AxisIndex(rhs);
            if (target < 0 || from < 0)
            {
                error = $"'{part}': axes are x, y and z";
                return false;
            }

            if (source[target] >= 0)
            {
                error = $"gateway axis {AxisNames[target]} is assigned twice";
                return false;
            }

            source[target] = from;
            sign[target] = s;
        }

        if (source.Distinct().Count() != 3)
        {
            error = "each file axis must be used exactly once (a signed permutation)";
            return false;
        }

        var candidate = SignedPermutation.From(source, sign);
        if (candidate.Determinant < 0)
        {
            error = "this map mirrors the frame (left-handed result); flip one more sign or swap two axes so that it is a rotation";
            return false;
        }

        map = new AxisMap(candidate);
        return true;
    }

    /// <summary>Gateway-frame vector from a file-frame vector.</summary>
    public Vector3 Apply(Vector3 file) => _map.Apply(file);

    public override string ToString() => _map.ToString();

    public bool Equals(AxisMap? other) => other is not null && _map == other._map;

    public override bool Equals(object? obj) => Equals(obj as AxisMap);

    public override int GetHashCode() => _map.GetHashCode();

    private static int AxisIndex(string name) => name.ToUpperInvariant() switch { "X" => 0, "Y" => 1, "Z" => 2, _ => -1 };
}
