namespace GaitGateway.Coaching.Export.Fit;

/// <summary>The FIT CRC-16 (polynomial 0xA001, reflected, initial 0), computed a nibble at a time.</summary>
/// <remarks>As the FIT protocol specifies it and Garmin's SDKs compute it (crc-calculator.js of the JavaScript SDK
/// 21.217: the same 16-entry table, low nibble first). The header CRC covers header bytes 0–11, the file CRC every byte
/// before it (header included); a reader computing the CRC over the data plus the stored CRC gets 0.</remarks>
public static class FitCrc
{
    private static readonly ushort[] Table =
    [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];

    /// <summary>Adds one byte to a running CRC.</summary>
    public static ushort Update(ushort crc, byte value)
    {
        var tmp = Table[crc & 0xF];
        crc = (ushort)((crc >> 4) & 0x0FFF);
        crc = (ushort)(crc ^ tmp ^ Table[value & 0xF]);
        tmp = Table[crc & 0xF];
        crc = (ushort)((crc >> 4) & 0x0FFF);
        return (ushort)(crc ^ tmp ^ Table[(value >> 4) & 0xF]);
    }

    /// <summary>CRC of <paramref name="data"/>, starting from <paramref name="crc"/> (0 for a new CRC).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, ushort crc = 0)
    {
        foreach (var b in data) crc = Update(crc, b);
        return crc;
    }
}
