using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json.Nodes;
using CsCheck;

namespace GaitGateway.Fuzz;

/// <summary>
/// Generated corruptions of a valid recording (the sample, cut after a number of frames): truncations, bit flips,
/// garbage length fields, and — with the CRCs recomputed, so that the reader's semantic checks are reached — edited
/// header fields and frame fields (sensor byte, kind, host time). Shared by the reader's fuzz target and the
/// replay-into-a-store mutant test (linked into GaitGateway.Tests).
/// </summary>
internal static class RecordingMutants
{
    public static string RepoRoot { get; } = FindRoot();
    public static string Sample => Path.Combine(RepoRoot, "samples", "c25k-sample.ggwrec");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "GaitGateway.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The sample up to and including its frame number <paramref name="frames"/> (a valid recording).</summary>
    public static byte[] SamplePrefix(int frames)
    {
        var all = File.ReadAllBytes(Sample);
        var offsets = FrameOffsets(all);
        return frames >= offsets.Count ? all : all[..offsets[frames]];
    }

    public static int HeaderLength(byte[] rec) => (int)BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(8));

    /// <summary>Start offsets of the complete frames.</summary>
    public static List<int> FrameOffsets(byte[] rec)
    {
        var list = new List<int>();
        var o = 16 + HeaderLength(rec);
        while (o + 16 <= rec.Length)
        {
            var len = BinaryPrimitives.ReadUInt16LittleEndian(rec.AsSpan(o));
            if (o + 16 + len > rec.Length) break;
            list.Add(o);
            o += 16 + len;
        }

        return list;
    }

    private static readonly JsonNode?[] Values =
    [
        null, -1, 0, 1, 2, 255, 256, int.MaxValue, long.MaxValue, 1e300, true, "", "left", "right", "middle", "imu", "rsc",
        "x\u0000y", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "2262-04-12T00:00:00+00:00", "not a date",
        new JsonArray(), new JsonObject(), new JsonArray((JsonNode?)null), new string('x', 300),
    ];

    private static readonly string[] SensorFields = ["index", "id", "foot", "kind", "sampleRateHz", "name"];
    private static readonly string[] HeaderFields = ["format", "version", "startUtc", "runner", "sessionName", "sensors", "transportDelayFloorMs"];

    /// <summary>A description of the mutation (for the shrunk report) and the mutated bytes.</summary>
    public static Gen<(string What, byte[] Bytes)> Of(byte[] valid)
    {
        var frames = FrameOffsets(valid);
        var truncate = Gen.Int[0, valid.Length - 1].Select(n => ($"truncated to {n} bytes", valid[..n]));
        var flips = Gen.Select(Gen.Int[0, valid.Length - 1].Array[1, 4], Gen.Int[0, 7]).Select((positions, bit) =>
        {
            var b = (byte[])valid.Clone();
            foreach (var p in positions) b[p] ^= (byte)(1 << bit);
            return ($"bit {bit} flipped at {string.Join(",", positions)}", b);
        });
        var lengthField = Gen.Select(Gen.Int[0, frames.Count - 1], Gen.UShort).Select((f, len) =>
        {
            var b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(frames[f]), len);
            return ($"frame {f} length field {len}", b);
        });
        var headerLength = Gen.UInt.Select(len =>
        {
            var b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), len);
            return ($"header length field {len}", b);
        });
        var headerField = Gen.Select(Gen.Int[-1, 2], Gen.Int[0, 100], Gen.Int[0, Values.Length - 1]).Select((sensor, field, value) =>
        {
            var json = JsonNode.Parse(valid.AsSpan(12, HeaderLength(valid)))!.AsObject();
            string what;
            if (sensor < 0)
            {
                var name = HeaderFields[field % HeaderFields.Length];
                json[name] = Values[value]?.DeepClone();
                what = $"header {name} = {Values[value]?.ToJsonString() ?? "null"}";
            }
            else
            {
                var list = json["sensors"]!.AsArray();
                var name = SensorFields[field % SensorFields.Length];
                if (sensor < list.Count) list[sensor]![name] = Values[value]?.DeepClone();
                else list.Add(new JsonObject { ["index"] = field, ["id"] = "extra", ["foot"] = (JsonNode?)Values[value]?.DeepClone() });
                what = $"sensor {sensor} {name} = {Values[value]?.ToJsonString() ?? "null"}";
            }

            return (what, WithHeader(valid, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())));
        });
        var frameField = Gen.Select(Gen.Int[0, frames.Count - 1], Gen.Int[0, 2], Gen.Long, Gen.Int[0, 5]).Select((f, field, random, pick) =>
        {
            var b = (byte[])valid.Clone();
            var o = frames[f];
            var len = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o));
            string what;
            switch (field)
            {
                case 0: b[o + 2] = (byte)random; what = $"frame {f} sensor {b[o + 2]}"; break;
                case 1: b[o + 3] = (byte)random; what = $"frame {f} kind {b[o + 3]}"; break;
                default:
                    long host = pick switch { 0 => -1, 1 => long.MaxValue, 2 => long.MinValue, 3 => 1L << 50, _ => random };
                    BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o + 4), host);
                    what = $"frame {f} host time {host}";
                    break;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o + 12 + len), Crc32.HashToUInt32(b.AsSpan(o, 12 + len)));
            return (what + " (CRC fixed)", b);
        });
        return Gen.OneOf(truncate, flips, lengthField, headerLength, headerField, frameField);
    }

    /// <summary>The recording with another header JSON (length and CRC rewritten).</summary>
    public static byte[] WithHeader(byte[] rec, byte[] json)
    {
        var frames = rec.AsSpan(16 + HeaderLength(rec));
        var b = new byte[16 + json.Length + frames.Length];
        rec.AsSpan(0, 8).CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)json.Length);
        json.CopyTo(b.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12 + json.Length), Crc32.HashToUInt32(json));
        frames.CopyTo(b.AsSpan(16 + json.Length));
        return b;
    }
}
