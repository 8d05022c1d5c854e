using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using GaitGateway.Fuzz;

namespace GaitGateway.Tests.Corpus;

/// <summary>
/// The crash corpus of issue 16: each input that crashed gaitgw (exit 134 and a stack trace), hung it, or silently
/// dropped a foot, made from the sample recording by the one edit that did it (header fields with the CRC
/// recomputed, or frame fields with theirs). Generated, not stored: a few bytes of code instead of 1.5 MB per case.
/// </summary>
internal static class BadRecordings
{
    /// <summary>Name → (what the error line must say, besides the file name).</summary>
    public static readonly Dictionary<string, string[]> Expected = new()
    {
        ["sensor-index-minus-1"] = ["byte 12", "sensor -1 ('sim-right')", "outside 0–255"],
        ["start-year-1"] = ["byte 12", "startUtc 0001-01-01"],
        ["start-year-9999"] = ["byte 12", "startUtc 9999-12-31"],
        ["host-time-i64-max"] = ["host time 9223372036854775807"],
        ["two-sensors-index-0"] = ["byte 12", "sensor 0 ('sim-right')", "taken by sensor 'sim-left'"],
        ["empty"] = ["byte 0", "empty (0 bytes)", "recording"],
        ["sensors-null"] = ["byte 12", "\"sensors\""],
        ["sensor-index-255"] = ["frame names sensor 1", "does not list"],
        ["both-feet-left"] = ["byte 12", "sensor 1 ('sim-right')", "left foot"],
        ["foot-middle"] = ["byte 12", "sensor 1 ('sim-right')", "'middle'"],
        ["clip-of-kind-rsc"] = ["sensor 1 ('sim-right')", "kind rsc"],
    };

    public static string Write(string name, string dir)
    {
        var path = Path.Combine(dir, name + ".ggwrec");
        File.WriteAllBytes(path, Make(name));
        return path;
    }

    private static byte[] Make(string name)
    {
        var sample = File.ReadAllBytes(RecordingMutants.Sample);
        return name switch
        {
            "sensor-index-minus-1" => Header(sample, h => h["sensors"]![1]!["index"] = -1),
            "start-year-1" => Header(sample, h => h["startUtc"] = "0001-01-01T00:00:00+00:00"),
            "start-year-9999" => Header(sample, h => h["startUtc"] = "9999-12-31T00:00:00+00:00"),
            "host-time-i64-max" => HostTimesFrom(sample, 100, long.MaxValue),
            "two-sensors-index-0" => Header(sample, h => h["sensors"]![1]!["index"] = 0),
            "empty" => [],
            "sensors-null" => Header(sample, h => h["sensors"] = null),
            "sensor-index-255" => Header(sample, h => h["sensors"]![1]!["index"] = 255),
            "both-feet-left" => Header(sample, h => h["sensors"]![1]!["foot"] = "left"),
            "foot-middle" => Header(sample, h => h["sensors"]![1]!["foot"] = "middle"),
            "clip-of-kind-rsc" => Header(sample, h => h["sensors"]![1]!["kind"] = "rsc"),
            _ => throw new ArgumentException(name, nameof(name)),
        };
    }

    private static byte[] Header(byte[] rec, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(rec.AsSpan(12, RecordingMutants.HeaderLength(rec)))!.AsObject();
        edit(json);
        return RecordingMutants.WithHeader(rec, Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>Every frame from number <paramref name="first"/> on stamped with <paramref name="hostUs"/>, CRCs fixed.</summary>
    private static byte[] HostTimesFrom(byte[] rec, int first, long hostUs)
    {
        var b = (byte[])rec.Clone();
        foreach (var o in RecordingMutants.FrameOffsets(b).Skip(first))
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o));
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o + 4), hostUs);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o + 12 + len), Crc32.HashToUInt32(b.AsSpan(o, 12 + len)));
        }

        return b;
    }
}
