using System.Buffers.Binary;

namespace GaitGateway.Core.Protocol;

/// <summary>
/// Bluetooth SIG Running Speed and Cadence measurement (characteristic 0x2A53), as sent by Stryd, Polar and Zwift
/// footpods. Cadence is in steps per minute even from a one-foot sensor (REFERENCES.md: mixing steps and strides is
/// the most common integration bug).
/// </summary>
public readonly record struct RscMeasurement(double SpeedMps, int CadenceSpm, double? StrideLengthM, double? TotalDistanceM, bool IsRunning)
{
    public static bool TryDecode(ReadOnlySpan<byte> value, out RscMeasurement measurement)
    {
        measurement = default;
        if (value.Length < 4) return false;
        var flags = value[0];
        var hasStride = (flags & 0x01) != 0;
        var hasDistance = (flags & 0x02) != 0;
        var expected = 4 + (hasStride ? 2 : 0) + (hasDistance ? 4 : 0);
        if (value.Length < expected) return false;
        var speed = BinaryPrimitives.ReadUInt16LittleEndian(value[1..]) / 256.0;
        int cadence = value[3];
        var o = 4;
        double? stride = null, distance = null;
        if (hasStride) { stride = BinaryPrimitives.ReadUInt16LittleEndian(value[o..]) / 100.0; o += 2; }
        if (hasDistance) distance = BinaryPrimitives.ReadUInt32LittleEndian(value[o..]) / 10.0;
        measurement = new RscMeasurement(speed, cadence, stride, distance, (flags & 0x04) != 0);
        return true;
    }

    public int Encode(Span<byte> destination)
    {
        byte flags = 0;
        if (StrideLengthM.HasValue) flags |= 0x01;
        if (TotalDistanceM.HasValue) flags |= 0x02;
        if (IsRunning) flags |= 0x04;
        destination[0] = flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)Math.Clamp(Math.Round(SpeedMps * 256.0), 0, ushort.MaxValue));
        destination[3] = (byte)Math.Clamp(CadenceSpm, 0, 255);
        var o = 4;
        if (StrideLengthM is { } s) { BinaryPrimitives.WriteUInt16LittleEndian(destination[o..], (ushort)Math.Clamp(Math.Round(s * 100.0), 0, ushort.MaxValue)); o += 2; }
        if (TotalDistanceM is { } d) { BinaryPrimitives.WriteUInt32LittleEndian(destination[o..], (uint)Math.Clamp(Math.Round(d * 10.0), 0, uint.MaxValue)); o += 4; }
        return o;
    }
}
