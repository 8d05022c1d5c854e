namespace GaitGateway.Core.Recording;

/// <summary>A recording that cannot be read. The message names the file and byte offset.</summary>
public sealed class RecordingFormatException : Exception
{
    public RecordingFormatException(string path, long byteOffset, string problem)
        : base($"{path}: byte {byteOffset}: {problem}")
    {
        Path = path;
        ByteOffset = byteOffset;
    }

    public RecordingFormatException() { Path = ""; }
    public RecordingFormatException(string message) : base(message) { Path = ""; }
    public RecordingFormatException(string message, Exception inner) : base(message, inner) { Path = ""; }

    public string Path { get; }
    public long ByteOffset { get; }
}
