namespace GaitGateway.Core.Recording;

/// <summary>What reading a whole recording found: its header, its frames, a torn tail, and its identity.</summary>
/// <param name="ContentId">"xxh128:…" of the header and every complete frame (<see cref="RecordingReader.ContentId"/>).</param>
public sealed record RecordingCheckResult(RecordingHeader Header, long Frames, long Length, long? TornTail, string? TornTailReason, string ContentId);

/// <summary>
/// Reads a recording from start to end, checking every frame, without running anything: replay does this before it
/// opens the store, so a recording that is corrupt anywhere is rejected before a single stride is stored
/// (README, "Bad input"). Reading is CRC-32 and a hash over the bytes — a few hundred MB/s — so checking a one-hour
/// two-clip recording (~40 MB) costs a small part of replaying it.
/// </summary>
public static class RecordingCheck
{
    /// <summary>Throws <see cref="RecordingFormatException"/> (file and byte offset) at the first problem.</summary>
    public static RecordingCheckResult Run(string path)
    {
        using var reader = RecordingReader.Open(path, identify: true);
        var frames = 0L;
        while (reader.TryReadNext(out _)) frames++;
        return new RecordingCheckResult(reader.Header, frames, reader.Length, reader.TornTail, reader.TornTailReason, reader.ContentId!);
    }
}
