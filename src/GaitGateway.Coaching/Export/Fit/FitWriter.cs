using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace GaitGateway.Coaching.Export.Fit;

#pragma warning disable CA1720 // UInt8, UInt16, String …: the FIT protocol's own base type names, kept so the calls read as the profile does

/// <summary>
/// Writes a FIT file: the 14-byte header, definition and data messages (little-endian), and the closing CRC.
/// </summary>
/// <remarks>
/// <para>Follows the FIT protocol (FIT SDK "FIT File Types" and "The FIT Protocol" documents, protocol 2.0): a header
/// of 14 bytes (size, protocol version 0x20, profile version, data size, ".FIT", CRC of bytes 0–11); every data message
/// is preceded — once — by a definition message that maps a local message number (0–15) to a global message and its
/// fields (number, size, base type) and, for protocol 2.0, its developer fields (number, size, developer data index);
/// then the CRC-16 of everything before it. Normal headers only (no compressed timestamps): decoders that refuse
/// compressed timestamps (Garmin's JavaScript SDK does) read the file.</para>
/// <para>Usage: <see cref="Begin"/> a message, add its fields in a fixed order (a value that is unknown is written as
/// the base type's invalid value, so a message keeps its definition), then <see cref="Write"/>. A definition is written
/// only when a message's layout differs from what its local number was last defined as.</para>
/// </remarks>
public sealed class FitWriter
{
    /// <summary>Protocol 2.0 (developer fields need it), as the high and low nibble of one byte.</summary>
    public const byte ProtocolVersion = 0x20;

    /// <summary>Profile 21.217, written as major × 1000 + minor: Garmin's decoder reads a header profile version above
    /// 2199 with scale 1000 (below it, the older major × 100 + minor), decoder.js of SDK 21.217.</summary>
    public const ushort ProfileVersion = 21217;

    public const int HeaderSize = 14;
    private const int LocalMessageCount = 16;

    private readonly ArrayBufferWriter<byte> _data = new(64 * 1024);
    private readonly byte[]?[] _localLayouts = new byte[]?[LocalMessageCount];
    private int _nextLocal;
    private readonly FitMessage _message = new();

    /// <summary>Definition messages written so far (a diagnostic: few layouts, few definitions).</summary>
    public int Definitions { get; private set; }

    /// <summary>Data messages written so far.</summary>
    public int Messages { get; private set; }

    /// <summary>Starts a message of <paramref name="globalMessageNumber"/>; the returned builder is reused by the next call.</summary>
    public FitMessage Begin(ushort globalMessageNumber)
    {
        _message.Reset(globalMessageNumber);
        return _message;
    }

    /// <summary>Writes the message begun last, after its definition if its layout is new for its local number.</summary>
    public void Write(FitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var layout = message.Layout();
        var local = -1;
        for (var i = 0; i < LocalMessageCount; i++)
        {
            if (_localLayouts[i] is { } l && l.AsSpan().SequenceEqual(layout)) { local = i; break; }
        }

        if (local < 0)
        {
            // Round-robin over the 16 local numbers: the export cycles through few layouts, and records (most
            // messages) keep theirs, so redefinitions are rare.
            local = _nextLocal;
            _nextLocal = (_nextLocal + 1) % LocalMessageCount;
            _localLayouts[local] = layout;
            WriteDefinition(local, message);
        }

        Put(_data, (byte)local); // normal header, data message
        message.CopyDataTo(_data);
        Messages++;
    }

    private void WriteDefinition(int local, FitMessage m)
    {
        var hasDev = m.DevFieldCount > 0;
        Put(_data, (byte)(0x40 | (hasDev ? 0x20 : 0) | local));
        Put(_data, 0); // reserved
        Put(_data, 0); // architecture: little-endian
        Span<byte> num = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(num, m.GlobalMessageNumber);
        _data.Write(num);
        m.CopyDefinitionTo(_data);
        Definitions++;
    }

    internal static void Put(IBufferWriter<byte> w, byte b) => w.Write([b]);

    /// <summary>The complete file: header, messages, CRC.</summary>
    public byte[] ToArray()
    {
        var dataSize = _data.WrittenCount;
        var file = new byte[HeaderSize + dataSize + 2];
        file[0] = HeaderSize;
        file[1] = ProtocolVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), ProfileVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)dataSize);
        ".FIT"u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(12), FitCrc.Compute(file.AsSpan(0, 12)));
        _data.WrittenSpan.CopyTo(file.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(HeaderSize + dataSize), FitCrc.Compute(file.AsSpan(0, HeaderSize + dataSize)));
        return file;
    }
}

/// <summary>
/// One message being built: fields in the order added, each with its definition (number, size, base type). Unknown
/// values (NaN, null, out of the type's range) are written as the base type's invalid value, as the protocol asks.
/// </summary>
public sealed class FitMessage
{
    private readonly ArrayBufferWriter<byte> _fields = new(256);
    private readonly ArrayBufferWriter<byte> _devFields = new(64);
    private readonly List<(byte Num, byte Size, byte Type)> _defs = [];
    private readonly List<(byte Num, byte Size, byte DevIndex)> _devDefs = [];
    private readonly byte[] _scratch = new byte[8];

    public ushort GlobalMessageNumber { get; private set; }

    public int DevFieldCount => _devDefs.Count;

    internal void Reset(ushort global)
    {
        GlobalMessageNumber = global;
        _fields.ResetWrittenCount();
        _devFields.ResetWrittenCount();
        _defs.Clear();
        _devDefs.Clear();
    }

    public FitMessage Enum(byte field, byte? value) => Add(field, FitBaseType.Enum, 1, value ?? 0xFF);

    public FitMessage UInt8(byte field, byte? value) => Add(field, FitBaseType.UInt8, 1, value ?? 0xFF);

    public FitMessage UInt16(byte field, ushort? value) => Add(field, FitBaseType.UInt16, 2, value ?? 0xFFFF);

    public FitMessage UInt32(byte field, uint? value) => Add(field, FitBaseType.UInt32, 4, value ?? 0xFFFFFFFF);

    /// <summary>uint32z: 0 is the invalid value.</summary>
    public FitMessage UInt32Z(byte field, uint? value) => Add(field, FitBaseType.UInt32Z, 4, value ?? 0);

    /// <summary>A scaled uint8: round(value × scale); NaN or outside 0..254 is invalid.</summary>
    public FitMessage UInt8(byte field, double value, double scale) => UInt8(field, (byte?)Scaled(value, scale, byte.MaxValue));

    /// <summary>A scaled uint16: round(value × scale); NaN or outside 0..65534 is invalid.</summary>
    public FitMessage UInt16(byte field, double value, double scale) => UInt16(field, (ushort?)Scaled(value, scale, ushort.MaxValue));

    /// <summary>A scaled uint32: round(value × scale); NaN or outside 0..2³²−2 is invalid.</summary>
    public FitMessage UInt32(byte field, double value, double scale) => UInt32(field, (uint?)Scaled(value, scale, uint.MaxValue));

    /// <summary>A null-terminated UTF-8 string, cut to 254 bytes on a character boundary; null = invalid (empty).</summary>
    public FitMessage String(byte field, string? value)
    {
        var bytes = Encoding.UTF8.GetBytes(value ?? "");
        var n = Math.Min(bytes.Length, 254);
        while (n > 0 && n < bytes.Length && (bytes[n] & 0xC0) == 0x80) n--; // never split a UTF-8 sequence
        _defs.Add((field, (byte)(n + 1), FitBaseType.String));
        _fields.Write(bytes.AsSpan(0, n));
        FitWriter.Put(_fields, 0);
        return this;
    }

    /// <summary>A byte array (e.g. a 16-byte application id).</summary>
    public FitMessage Bytes(byte field, ReadOnlySpan<byte> value)
    {
        _defs.Add((field, checked((byte)value.Length), FitBaseType.Byte));
        _fields.Write(value);
        return this;
    }

    /// <summary>A float32 developer field; NaN/∞ is written as the invalid value (all bits set).</summary>
    public FitMessage DevFloat32(byte developerDataIndex, byte field, double value)
    {
        _devDefs.Add((field, 4, developerDataIndex));
        if (double.IsFinite(value)) BinaryPrimitives.WriteSingleLittleEndian(_scratch, (float)value);
        else BinaryPrimitives.WriteUInt32LittleEndian(_scratch, 0xFFFFFFFF);
        _devFields.Write(_scratch.AsSpan(0, 4));
        return this;
    }

    /// <summary>A uint8 developer field; null is invalid (0xFF).</summary>
    public FitMessage DevUInt8(byte developerDataIndex, byte field, byte? value)
    {
        _devDefs.Add((field, 1, developerDataIndex));
        FitWriter.Put(_devFields, value ?? 0xFF);
        return this;
    }

    /// <summary>round(value × scale) as a whole number when it is finite and in 0 … invalid − 1; else null.</summary>
    public static ulong? Scaled(double value, double scale, ulong invalid)
    {
        if (!double.IsFinite(value)) return null;
        var v = Math.Round(value * scale, MidpointRounding.AwayFromZero);
        return v >= 0 && v < invalid ? (ulong)v : null;
    }

    private FitMessage Add(byte field, byte type, byte size, ulong value)
    {
        _defs.Add((field, size, type));
        BinaryPrimitives.WriteUInt64LittleEndian(_scratch, value);
        _fields.Write(_scratch.AsSpan(0, size));
        return this;
    }

    /// <summary>The definition's identity: global number, field and developer field definitions.</summary>
    internal byte[] Layout()
    {
        var b = new byte[2 + (3 * _defs.Count) + 1 + (3 * _devDefs.Count)];
        BinaryPrimitives.WriteUInt16LittleEndian(b, GlobalMessageNumber);
        var i = 2;
        foreach (var (num, size, type) in _defs) { b[i++] = num; b[i++] = size; b[i++] = type; }
        b[i++] = 0xFF; // separates the two lists
        foreach (var (num, size, dev) in _devDefs) { b[i++] = num; b[i++] = size; b[i++] = dev; }
        return b;
    }

    internal void CopyDefinitionTo(IBufferWriter<byte> s)
    {
        FitWriter.Put(s, checked((byte)_defs.Count));
        foreach (var (num, size, type) in _defs) s.Write([num, size, type]);
        if (_devDefs.Count == 0) return;
        FitWriter.Put(s, checked((byte)_devDefs.Count));
        foreach (var (num, size, dev) in _devDefs) s.Write([num, size, dev]);
    }

    internal void CopyDataTo(IBufferWriter<byte> s)
    {
        s.Write(_fields.WrittenSpan);
        s.Write(_devFields.WrittenSpan);
    }
}
