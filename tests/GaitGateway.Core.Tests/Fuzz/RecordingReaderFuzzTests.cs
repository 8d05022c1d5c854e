using CsCheck;
using GaitGateway.Core.Recording;

namespace GaitGateway.Fuzz;

/// <summary>
/// Fuzz target of the recording reader: whatever the bytes, reading a recording to its end either succeeds or throws
/// <see cref="RecordingFormatException"/> whose one-line message names the file and the byte offset — never any other
/// exception. Runs for a bounded time (CsCheck, one thread) in the normal test run; a failure shrinks to the simplest
/// mutation and prints its seed.
/// </summary>
public sealed class RecordingReaderFuzzTests
{
    /// <summary>Seconds each fuzz target runs.</summary>
    internal const int Seconds = 4;

    [Fact]
    public void Any_mutation_of_a_recording_reads_or_fails_with_a_format_error_naming_file_and_offset()
    {
        var valid = RecordingMutants.SamplePrefix(120);
        var dir = Directory.CreateTempSubdirectory("gaitgw-fuzz-");
        var runs = 0;
        var failures = 0;
        try
        {
            RecordingMutants.Of(valid).Sample(m =>
            {
                var path = Path.Combine(dir.FullName, "m.ggwrec");
                File.WriteAllBytes(path, m.Bytes);
                runs++;
                try
                {
                    var check = RecordingCheck.Run(path);
                    using var reader = RecordingReader.Open(path);
                    var frames = 0L;
                    while (reader.TryReadNext(out _)) frames++;
                    Assert.Equal(check.Frames, frames); // the check reads what the replay will read
                    Assert.Equal(check.TornTail, reader.TornTail);
                }
                catch (RecordingFormatException e)
                {
                    failures++;
                    Assert.StartsWith(path + ": byte ", e.Message);
                    Assert.DoesNotContain('\n', e.Message);
                }
            }, time: Seconds, threads: 1, print: m => m.What);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        Assert.True(runs > 100, $"only {runs} mutants in {Seconds} s");
        Assert.True(failures > runs / 2, $"{failures} of {runs} mutants rejected: the mutations are too mild to test anything");
    }
}
