using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Recording;

/// <summary>One frame as read back. <see cref="Payload"/> is valid until the next call to TryReadNext.</summary>
public readonly record struct RecordingFrame(int SensorIndex, FrameKind Kind, long HostTimeUs, ReadOnlyMemory<byte> Payload, long ByteOffset);

/// <summary>
/// Reads a recording written by <see cref="RecordingWriter"/>. A torn final frame (the file ends inside a frame,
/// or the last frame's CRC fails) is what a crash leaves behind: it is skipped and reported through
/// <see cref="TornTail"/>. A bad frame followed by more data is corruption and throws
/// <see cref="RecordingFormatException"/> naming the byte offset. The header is checked for what the pipeline and
/// the store rely on (sensor indices 0–255 and unique, one clip per foot, kinds, a start the store can date) and every
/// frame against it (its sensor listed, its kind the sensor's), so that a recording that reads is one that replays:
/// nothing downstream has to reject it half-way (recording-format.md, "Reading rules").
/// </summary>
public sealed class RecordingReader : IDisposable
{
    /// <summary>Earliest and latest <see cref="RecordingHeader.StartUtc"/> read. The store and InfluxDB keep times as
    /// int64 ns since 1970 (1677-09-21 … 2262-04-11); this range leaves room for <see cref="MaxHostTimeUs"/> after it.</summary>
    public static readonly DateTimeOffset MinStartUtc = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset MaxStartUtc = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Latest frame host time read, µs after the start: 30 days. Longer is not a training session but a
    /// garbage time field, and would overflow the int64-ns times of the store.</summary>
    public const long MaxHostTimeUs = 30L * 24 * 3600 * 1_000_000;

    private readonly Stream _stream;
    private readonly RecordingSensor?[] _sensorByIndex = new RecordingSensor?[256];
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
        if (Length == 0) throw new RecordingFormatException(path, 0, "file is empty (0 bytes), not a GaitGateway recording");
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
        CheckHeader(header);
        Header = header;
    }

    /// <summary>What the pipeline and the store rely on; each problem names the sensor.</summary>
    private void CheckHeader(RecordingHeader h)
    {
        RecordingFormatException Bad(string problem) => new(Path, 12, "header: " + problem);
        if (h.Version < 1) throw Bad($"version {h.Version} is not a format version");
        if (h.StartUtc < MinStartUtc || h.StartUtc > MaxStartUtc)
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"startUtc {h.StartUtc:O} is outside {MinStartUtc:yyyy-MM-dd} to {MaxStartUtc:yyyy-MM-dd}"));
        if (h.Sensors is null) throw Bad("\"sensors\" is missing or null");
        var byFoot = new RecordingSensor?[2];
        for (var i = 0; i < h.Sensors.Count; i++)
        {
            var s = h.Sensors[i] ?? throw Bad($"sensors[{i}] is null");
            if (string.IsNullOrWhiteSpace(s.Id)) throw Bad($"sensors[{i}] has no id");
            var name = $"sensor {s.Index} ('{Printable(s.Id)}')";
            if (s.Index is < 0 or > 255) throw Bad($"{name}: index {s.Index} is outside 0–255 (the frame's sensor byte)");
            if (_sensorByIndex[s.Index] is { } twin) throw Bad($"{name}: index {s.Index} is taken by sensor '{Printable(twin.Id)}'; indices are unique");
            _sensorByIndex[s.Index] = s;
            if (s.Kind is not ("imu" or "rsc")) throw Bad($"{name}: kind '{Printable(s.Kind)}' is neither imu nor rsc");
            Foot foot = default;
            if (s.Foot is not null && !FootNames.TryParse(s.Foot, out foot)) throw Bad($"{name}: foot '{Printable(s.Foot)}' is neither left nor right");
            if (s.Kind != "imu") continue;
            if (s.Foot is null) throw Bad($"{name}: a shoe clip (kind imu) needs a foot, left or right");
            if (byFoot[(int)foot] is { } other)
                throw Bad($"{name}: the {foot.ToWord()} foot is taken by sensor {other.Index} ('{Printable(other.Id)}'); one clip per foot");
            byFoot[(int)foot] = s;
        }
    }

    private static string Printable(string? text)
    {
        if (text is null) return "null";
        var s = text.Length > 40 ? text[..40] + "…" : text;
        return string.Create(s.Length, s, (span, src) => { for (var i = 0; i < src.Length; i++) span[i] = char.IsControl(src[i]) ? ' ' : src[i]; });
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
        if (_sensorByIndex[sensor] is not { } listed)
            throw new RecordingFormatException(Path, start, $"frame names sensor {sensor}, which the header does not list");
        if (kind != FrameKind.Link && (kind == FrameKind.ImuData) != (listed.Kind == "imu"))
            throw new RecordingFormatException(Path, start,
                $"{(kind == FrameKind.ImuData ? "IMU data" : "RSC")} frame from sensor {sensor} ('{Printable(listed.Id)}'), which the header lists as kind {listed.Kind}");
        if (length > Notification.MaxBytes)
            throw new RecordingFormatException(Path, start, $"frame payload of {length} bytes exceeds a notification ({Notification.MaxBytes})");
        var host = BinaryPrimitives.ReadInt64LittleEndian(f[4..]);
        if (host is < 0 or > MaxHostTimeUs)
            throw new RecordingFormatException(Path, start, string.Create(CultureInfo.InvariantCulture, $"host time {host} µs is outside 0 to {MaxHostTimeUs} µs (30 days) after the start"));
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
