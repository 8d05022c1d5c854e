using System.IO.Hashing;
using System.Text;
using GaitGateway.Core.Samples;

namespace GaitGateway.Pipeline;

/// <summary>
/// The identity of a replayed input, stored with its session (<c>sessions.input_id</c>) so that replaying the same
/// input again resumes that session instead of storing its strides twice. A recording's is its content hash
/// (<see cref="Core.Recording.RecordingReader.ContentId"/>); a CSV import's is the hash of its files' bytes and the
/// foot each was read as. XxHash128 because this guards against accidents, not adversaries, and runs at memory speed.
/// </summary>
public static class InputIdentity
{
    public static string OfCsvFiles(IEnumerable<(Foot Foot, string Path)> files)
    {
        var hash = new XxHash128();
        foreach (var (foot, path) in files)
        {
            hash.Append(Encoding.UTF8.GetBytes(foot.ToWord() + "\n"));
            using var f = File.OpenRead(path);
            hash.Append(f);
        }

        return "csv:xxh128:" + Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
