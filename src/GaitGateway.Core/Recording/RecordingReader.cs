using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;

namespace GaitGateway.Core.Recording;

/// <summary>One frame as read back. <see cref="Payload"/> is valid until the next call to TryReadNext.</summary>
public readonly record struct RecordingFrame(int SensorIndex, FrameKind Kind, long HostTimeUs, ReadOnlyMemory<byte> Payload, long ByteOffset);

/// <summary>
/// Reads a recording written by <see cref="RecordingWriter"/>. A torn final frame (the file ends inside a frame,
/// or the last frame's CRC fails) is what a crash leaves behind: it is skipped and reported through
/// <see cref="TornTail"/>. A bad frame followed by more data is corruption and throws
/// <see cref="RecordingFormatException"/> naming the byte offset.
/// </summary>
public sealed class RecordingReader : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _frame = new byte[RecordingWriter.FrameHeaderBytes + RecordingWriter.MaxPayloadBytes + RecordingWriter.FrameTrailerBytes];
    private long _offset;
    private long _lastHostTimeUs = long.MinValue;

    public string Path { get; }
    public RecordingHeader Header { get; }
    public long Length { get; }
    public long Position => _offset;
    /// <summary>Set when the file ended in a torn frame: the byte offset where the torn frame starts.</summary>
    public long? TornTail { get; private set; }
    public string? TornTailReason { get; private set; }

    public static RecordingReader Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordingFormatException(path, 0, $"cannot open: {e.Message}");
        }

        try
        {
            return new RecordingReader(path, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private RecordingReader(string path, Stream stream)
    {
        Path = path;
        _stream = stream;
        Length = stream.Length;
        Span<byte> head = stackalloc byte[12];
        if (ReadFully(head) < 12 || !head[..8].SequenceEqual(RecordingWriter.Magic))
            throw new RecordingFormatException(path, 0, "not a GaitGateway recording (missing GGWREC magic)");
        var jsonLength = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (jsonLength > 1 << 20 || jsonLength > Length - 16)
            throw new RecordingFormatException(path, 8, $"header length {jsonLength} is not plausible for a file of {Length} bytes");
        var json = new byte[jsonLength + 4];
        if (ReadFully(json) < json.Length)
            throw new RecordingFormatException(path, 12, "file ends inside the header");
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(json.AsSpan((int)jsonLength));
        if (crc != Crc32.HashToUInt32(json.AsSpan(0, (int)jsonLength)))
            throw new RecordingFormatException(path, 12, "header CRC mismatch");
        RecordingHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<RecordingHeader>(json.AsSpan(0, (int)jsonLength), RecordingHeader.Json);
        }
        catch (JsonException e)
        {
            throw new RecordingFormatException(path, 12, $"header JSON: {e.Message}");
        }

        if (header is null || header.Format != RecordingHeader.FormatName)
            throw new RecordingFormatException(path, 12, "header is not a gaitgw-recording");
        if (header.Version > RecordingHeader.CurrentVersion)
            throw new RecordingFormatException(path, 12, $"recording version {header.Version} is newer than this gateway reads ({RecordingHeader.CurrentVersion})");
        Header = header;
    }

    public bool TryReadNext(out RecordingFrame frame)
    {
        frame = default;
        var start = _offset;
        if (start >= Length) return false;
        var f = _frame.AsSpan();
        if (ReadFully(f[..RecordingWriter.FrameHeaderBytes]) < RecordingWriter.FrameHeaderBytes)
            return Torn(start, "file ends inside a frame header");
        var length = BinaryPrimitives.ReadUInt16LittleEndian(f);
        if (length > RecordingWriter.MaxPayloadBytes)
        {
            if (IsAtTail(start, length)) return Torn(start, $"frame length {length} is garbage");
            throw new RecordingFormatException(Path, start, $"frame length {length} exceeds {RecordingWriter.MaxPayloadBytes}");
        }

        var rest = length + RecordingWriter.FrameTrailerBytes;
        if (ReadFully(f.Slice(RecordingWriter.FrameHeaderBytes, rest)) < rest)
            return Torn(start, "file ends inside a frame");
        var body = RecordingWriter.FrameHeaderBytes + length;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(f[body..]);
        if (crc != Crc32.HashToUInt32(f[..body]))
        {
            if (_offset >= Length) return Torn(start, "last frame's CRC does not match");
            throw new RecordingFormatException(Path, start, "frame CRC mismatch (corrupted data)");
        }

        var kind = (FrameKind)f[3];
        if (kind is not (FrameKind.ImuData or FrameKind.RscMeasurement or FrameKind.Link))
            throw new RecordingFormatException(Path, start, $"unknown frame kind {f[3]}");
        var sensor = f[2];
        if (sensor >= Header.Sensors.Count)
            throw new RecordingFormatException(Path, start, $"frame names sensor {sensor}, header lists {Header.Sensors.Count}");
        var host = BinaryPrimitives.ReadInt64LittleEndian(f[4..]);
        if (host < _lastHostTimeUs)
            throw new RecordingFormatException(Path, start, $"host time goes backwards ({host} µs after {_lastHostTimeUs} µs)");
        _lastHostTimeUs = host;
        frame = new RecordingFrame(sensor, kind, host, _frame.AsMemory(RecordingWriter.FrameHeaderBytes, length), start);
        return true;
    }

    private bool IsAtTail(long start, int claimedLength) => start + RecordingWriter.FrameHeaderBytes + claimedLength + RecordingWriter.FrameTrailerBytes >= Length;

    private bool Torn(long start, string reason)
    {
        TornTail = start;
        TornTailReason = reason;
        _offset = Length;
        return false;
    }

    private int ReadFully(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }

        _offset += total;
        return total;
    }

    public void Dispose() => _stream.Dispose();
}
