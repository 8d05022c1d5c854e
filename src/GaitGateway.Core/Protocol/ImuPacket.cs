using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace GaitGateway.Core.Protocol;

/// <summary>Flags byte of an IMU data notification (firmware-notes/packet-format.md).</summary>
[Flags]
public enum ImuPacketFlags : byte
{
    None = 0,
    /// <summary>An accelerometer axis hit full scale in this batch.</summary>
    AccClipped = 0x01,
    /// <summary>A gyroscope axis hit full scale in this batch.</summary>
    GyroClipped = 0x02,
    /// <summary>First packet sent after a time-sync command on the control characteristic.</summary>
    TimeSync = 0x04,
    /// <summary>First packet after streaming (re)started: sequence and clock continuity are not implied.</summary>
    StreamStart = 0x08,
}

/// <summary>Decoded fixed header of an IMU data notification.</summary>
/// <param name="Version">Format version; this gateway reads <see cref="ImuPacket.FormatVersion"/>.</param>
/// <param name="Flags">Batch flags.</param>
/// <param name="Sequence">Packet counter, wraps at 65536.</param>
/// <param name="SensorTimeUs">Sensor clock at the first sample, µs since boot, wraps at 2^32 (~71.6 min).</param>
/// <param name="SampleRateHz">Nominal output data rate.</param>
/// <param name="AccRange">Accelerometer range code.</param>
/// <param name="GyroRange">Gyroscope range code.</param>
/// <param name="SampleCount">Samples in this notification, 1..<see cref="ImuPacket.MaxSamples"/>.</param>
public readonly record struct ImuPacketHeader(
    byte Version, ImuPacketFlags Flags, ushort Sequence, uint SensorTimeUs, ushort SampleRateHz,
    AccRange AccRange, GyroRange GyroRange, byte SampleCount);

/// <summary>Why a notification was rejected.</summary>
public enum ImuPacketError : byte
{
    None = 0,
    TooShort,
    UnknownVersion,
    BadSampleRate,
    BadRange,
    BadSampleCount,
    LengthMismatch,
}

/// <summary>
/// Encoder/decoder of the IMU data characteristic. Layout, all little-endian:
/// <code>
/// 0  u8  version (1)        1  u8  flags          2  u16 sequence
/// 4  u32 sensor time of first sample, µs          8  u16 sample rate, Hz
/// 10 u8  ranges: low nibble accelerometer code, high nibble gyroscope code
/// 11 u8  sample count N     12 N × (acc x,y,z, gyro x,y,z) int16
/// </code>
/// 12 + 19 × 12 = 240 bytes fits one notification at ATT MTU 247 (244 bytes of payload).
/// Decoding touches only spans: no allocation per packet.
/// </summary>
public static class ImuPacket
{
    public const byte FormatVersion = 1;
    public const int HeaderBytes = 12;
    public const int SampleBytes = 12;
    public const int MaxSamples = 19;
    public const int MaxPacketBytes = HeaderBytes + (MaxSamples * SampleBytes);
    public const int MinSampleRateHz = 100;
    public const int MaxSampleRateHz = 1600;

    public static int PacketBytes(int sampleCount) => HeaderBytes + (sampleCount * SampleBytes);

    public static ImuPacketError TryDecodeHeader(ReadOnlySpan<byte> packet, out ImuPacketHeader header)
    {
        header = default;
        if (packet.Length < HeaderBytes) return ImuPacketError.TooShort;
        var version = packet[0];
        if (version != FormatVersion) return ImuPacketError.UnknownVersion;
        var rate = BinaryPrimitives.ReadUInt16LittleEndian(packet[8..]);
        if (rate is < MinSampleRateHz or > MaxSampleRateHz) return ImuPacketError.BadSampleRate;
        var accCode = packet[10] & 0x0F;
        var gyroCode = packet[10] >> 4;
        if (accCode > (int)AccRange.G32 || gyroCode > (int)GyroRange.Dps4000) return ImuPacketError.BadRange;
        var count = packet[11];
        if (count is 0 or > MaxSamples) return ImuPacketError.BadSampleCount;
        if (packet.Length != PacketBytes(count)) return ImuPacketError.LengthMismatch;
        header = new ImuPacketHeader(
            version,
            (ImuPacketFlags)packet[1],
            BinaryPrimitives.ReadUInt16LittleEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32LittleEndian(packet[4..]),
            rate,
            (AccRange)accCode,
            (GyroRange)gyroCode,
            count);
        return ImuPacketError.None;
    }

    /// <summary>Reads sample <paramref name="index"/> of a packet whose header was validated.</summary>
    /// <remarks>Inlined by request: gaitgw compiles once, without the call counts that would tell the JIT this runs
    /// per sample (GaitGateway.csproj, TieredCompilation); as a call it cost a replay ~1 ns a sample.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RawImuCounts ReadSample(ReadOnlySpan<byte> packet, int index)
    {
        var s = packet.Slice(HeaderBytes + (index * SampleBytes), SampleBytes);
        return new RawImuCounts(
            BinaryPrimitives.ReadInt16LittleEndian(s),
            BinaryPrimitives.ReadInt16LittleEndian(s[2..]),
            BinaryPrimitives.ReadInt16LittleEndian(s[4..]),
            BinaryPrimitives.ReadInt16LittleEndian(s[6..]),
            BinaryPrimitives.ReadInt16LittleEndian(s[8..]),
            BinaryPrimitives.ReadInt16LittleEndian(s[10..]));
    }

    /// <summary>Writes a packet; returns its length. The flags' clipping bits are set from the counts.</summary>
    public static int Encode(in ImuPacketHeader header, ReadOnlySpan<RawImuCounts> samples, Span<byte> destination)
    {
        if (samples.Length is 0 or > MaxSamples)
            throw new ArgumentOutOfRangeException(nameof(samples), samples.Length, $"a packet holds 1..{MaxSamples} samples");
        var length = PacketBytes(samples.Length);
        if (destination.Length < length)
            throw new ArgumentException($"destination holds {destination.Length} bytes, packet needs {length}", nameof(destination));
        var flags = header.Flags;
        foreach (ref readonly var s in samples)
        {
            if (s.AccClipped) flags |= ImuPacketFlags.AccClipped;
            if (s.GyroClipped) flags |= ImuPacketFlags.GyroClipped;
        }

        destination[0] = header.Version == 0 ? FormatVersion : header.Version;
        destination[1] = (byte)flags;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], header.Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], header.SensorTimeUs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], header.SampleRateHz);
        destination[10] = (byte)((int)header.AccRange | ((int)header.GyroRange << 4));
        destination[11] = (byte)samples.Length;
        for (var i = 0; i < samples.Length; i++)
        {
            var d = destination.Slice(HeaderBytes + (i * SampleBytes), SampleBytes);
            BinaryPrimitives.WriteInt16LittleEndian(d, samples[i].AccX);
            BinaryPrimitives.WriteInt16LittleEndian(d[2..], samples[i].AccY);
            BinaryPrimitives.WriteInt16LittleEndian(d[4..], samples[i].AccZ);
            BinaryPrimitives.WriteInt16LittleEndian(d[6..], samples[i].GyroX);
            BinaryPrimitives.WriteInt16LittleEndian(d[8..], samples[i].GyroY);
            BinaryPrimitives.WriteInt16LittleEndian(d[10..], samples[i].GyroZ);
        }

        return length;
    }
}
