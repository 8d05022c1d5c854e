using System.Buffers.Binary;
using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Protocol;

/// <summary>
/// Value of the configuration characteristic (read/write), 7 bytes little-endian:
/// u8 version (1), u16 sample rate Hz, u8 accelerometer range code, u8 gyroscope range code,
/// u8 foot (0 left, 1 right, 0xFF unassigned), u8 samples per packet (1..19).
/// </summary>
public readonly record struct ShoeClipConfig(ushort SampleRateHz, AccRange AccRange, GyroRange GyroRange, Foot? Foot, byte SamplesPerPacket)
{
    public const int Bytes = 7;

    /// <summary>Recommended for running: 400 Hz, ±16 g, ±2000 °/s (REFERENCES.md sensor requirements).</summary>
    public static ShoeClipConfig RunningDefault(Foot foot) => new(400, AccRange.G16, GyroRange.Dps2000, foot, ImuPacket.MaxSamples);

    public int Encode(Span<byte> destination)
    {
        destination[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], SampleRateHz);
        destination[3] = (byte)AccRange;
        destination[4] = (byte)GyroRange;
        destination[5] = Foot is { } f ? (byte)f : (byte)0xFF;
        destination[6] = SamplesPerPacket;
        return Bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, out ShoeClipConfig config)
    {
        config = default;
        if (value.Length < Bytes || value[0] != 1) return false;
        var rate = BinaryPrimitives.ReadUInt16LittleEndian(value[1..]);
        if (rate is < ImuPacket.MinSampleRateHz or > ImuPacket.MaxSampleRateHz) return false;
        if (value[3] > 1 || value[4] > 1 || value[6] is 0 or > ImuPacket.MaxSamples) return false;
        Foot? foot = value[5] switch { 0 => Samples.Foot.Left, 1 => Samples.Foot.Right, _ => null };
        config = new ShoeClipConfig(rate, (AccRange)value[3], (GyroRange)value[4], foot, value[6]);
        return true;
    }
}
