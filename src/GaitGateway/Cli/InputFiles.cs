using GaitGateway.Core.Recording;
using GaitGateway.Pipeline;
using Mono.Unix;

namespace GaitGateway.Cli;

/// <summary>
/// What the CLI accepts as an input file, checked before the file is opened: it exists, and it is a regular file.
/// Opening a named pipe blocks until a writer comes (gaitgw would hang forever), and a device such as /dev/zero never
/// ends; neither is a recording or a CSV file, so they are refused with one line (README, "Bad input").
/// </summary>
public static class InputFiles
{
    /// <summary>Throws <see cref="InputException"/> naming the file and what it is when it is not a readable regular file.</summary>
    public static void RequireRegularFile(string path)
    {
        if (Directory.Exists(path)) throw new InputException($"{path}: is a directory, not a file");
        if (!File.Exists(path)) throw new InputException($"{path}: no such file");
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        FileTypes type;
        try
        {
            type = new UnixFileInfo(path).FileType; // stat(2), following symbolic links
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }

        if (type != FileTypes.RegularFile)
        {
            var what = type switch
            {
                FileTypes.Fifo => "a named pipe (FIFO)",
                FileTypes.CharacterDevice => "a character device",
                FileTypes.BlockDevice => "a block device",
                FileTypes.Socket => "a socket",
                _ => "not a regular file",
            };
            throw new InputException($"{path}: is {what}; give a recording (.ggwrec) or a CSV file");
        }
    }

    /// <summary>
    /// A recording is a file that starts with the GGWREC magic, or one named *.ggwrec whatever it holds (an empty or
    /// damaged recording is then reported as a recording, not as a CSV file that is "empty on line 1").
    /// </summary>
    public static bool IsRecording(string path)
    {
        if (Path.GetExtension(path).Equals(".ggwrec", StringComparison.OrdinalIgnoreCase)) return true;
        Span<byte> magic = stackalloc byte[8];
        using var f = File.OpenRead(path);
        return f.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == 8 && magic.SequenceEqual(RecordingWriter.Magic);
    }
}
