using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace GaitGateway.Core.Recording;

/// <summary>
/// Appends notifications to a recording. Layout (firmware-notes/recording-format.md):
/// <code>
/// "GGWREC\r\n" (8 bytes) | u32 header length | header JSON (UTF-8) | u32 CRC-32 of the JSON
/// frame: u16 payload length | u8 sensor index | u8 kind | i64 host receive time, µs since StartUtc | payload | u32 CRC-32 of all before it in the frame
/// </code>
/// Append-only and self-delimiting: after a crash every complete frame is readable and a torn last frame is
/// detected by its length or CRC. The writer flushes to the OS every <see cref="FlushInterval"/> so that at most
/// that much is lost on a power cut.
/// </summary>
public sealed class RecordingWriter : IDisposable, IAsyncDisposable
{
    public static ReadOnlySpan<byte> Magic => "GGWREC\r\n"u8;
    public const int FrameHeaderBytes = 12;
    public const int FrameTrailerBytes = 4;
    public const int MaxPayloadBytes = 512;

    private readonly FileStream _stream;
    private readonly byte[] _frame = new byte[FrameHeaderBytes + MaxPayloadBytes + FrameTrailerBytes];
    private long _lastFlushUs;

    /// <summary>How often buffered frames are pushed to the OS (default 1 s of recording time).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public RecordingHeader Header { get; }
    public string Path { get; }
    public long FramesWritten { get; private set; }

    public RecordingWriter(string path, RecordingHeader header)
    {
        Path = path;
        Header = header;
        // CreateNew: never overwrite an existing recording by accident.
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024);
        var json = JsonSerializer.SerializeToUtf8Bytes(header, RecordingHeader.Json);
        Span<byte> u32 = stackalloc byte[4];
        _stream.Write(Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)json.Length);
        _stream.Write(u32);
        _stream.Write(json);
        BinaryPrimitives.WriteUInt32LittleEndian(u32, Crc32.HashToUInt32(json));
        _stream.Write(u32);
        _stream.Flush(flushToDisk: false);
    }

    /// <summary>Appends one frame. <paramref name="hostTimeUs"/> is µs since <see cref="RecordingHeader.StartUtc"/>.</summary>
    public void Append(int sensorIndex, FrameKind kind, long hostTimeUs, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
            throw new ArgumentException($"payload of {payload.Length} bytes exceeds {MaxPayloadBytes}", nameof(payload));
        ArgumentOutOfRangeException.ThrowIfNegative(sensorIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sensorIndex, 255);
        var f = _frame.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(f, (ushort)payload.Length);
        f[2] = (byte)sensorIndex;
        f[3] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(f[4..], hostTimeUs);
        payload.CopyTo(f[FrameHeaderBytes..]);
        var body = FrameHeaderBytes + payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(f[body..], Crc32.HashToUInt32(f[..body]));
        _stream.Write(f[..(body + FrameTrailerBytes)]);
        FramesWritten++;
        if (hostTimeUs - _lastFlushUs >= (long)FlushInterval.TotalMicroseconds)
        {
            _stream.Flush(flushToDisk: false);
            _lastFlushUs = hostTimeUs;
        }
    }

    public void Flush() => _stream.Flush(flushToDisk: true);

    public void Dispose()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.FlushAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    internal static string Describe(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);
}
