namespace GaitGateway.Core.Samples;

/// <summary>Which shoe a sensor is clipped to.</summary>
public enum Foot : byte
{
    Left = 0,
    Right = 1,
}

public static class FootNames
{
    /// <summary>The lower-case word used in CSV exports and the store ("left"/"right").</summary>
    public static string ToWord(this Foot foot) => foot == Foot.Left ? "left" : "right";

    public static bool TryParse(string? text, out Foot foot)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "LEFT" or "L": foot = Foot.Left; return true;
            case "RIGHT" or "R": foot = Foot.Right; return true;
            default: foot = Foot.Left; return false;
        }
    }
}
