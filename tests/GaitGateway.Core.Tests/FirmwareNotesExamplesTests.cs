using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Text.RegularExpressions;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;

namespace GaitGateway.Core.Tests;

/// <summary>
/// Keeps firmware-notes honest: every <c>```hex id=…</c> block in the notes is decoded with the gateway's own decoder
/// and compared with the <c>```expect id=…</c> block that states its decoded values, so the expected values live in
/// the document, not here. Plus round-trip and wrap tests of the codecs the notes describe.
/// </summary>
public sealed partial class FirmwareNotesExamplesTests : IDisposable
{
    // SI values are printed to 4 decimals in the notes; the decoder multiplies in float.
    private const double Tolerance = 1.5e-4;

    private readonly string _tempDir = Directory.CreateTempSubdirectory("gaitgw-notes-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    // ---------------------------------------------------------------- examples parsed from the notes

    [Fact]
    public void Packet_format_examples_decode_to_the_values_the_notes_state()
    {
        var examples = ReadExamples("packet-format.md");
        Assert.True(examples.Count >= 2, "packet-format.md must hold at least two hex examples");
        var sawWrap = false;
        var sawClip = false;
        foreach (var (id, bytes, expected) in examples)
        {
            var actual = DecodeImuPacket(id, bytes);
            AssertMatches(id, expected, actual);
            sawWrap |= actual.Any(kv => kv.Key.EndsWith(".time_us", StringComparison.Ordinal) && ulong.Parse(kv.Value, CultureInfo.InvariantCulture) > uint.MaxValue);
            sawClip |= actual.Any(kv => kv.Key.EndsWith(".clipped", StringComparison.Ordinal) && kv.Value != "None");
        }

        Assert.True(sawWrap, "one example must cross the uint32 µs wrap");
        Assert.True(sawClip, "one example must hold a clipped sample");
    }

    [Fact]
    public void Rsc_examples_decode_to_the_values_the_notes_state()
    {
        var examples = ReadExamples("rsc-footpods.md");
        Assert.True(examples.Count >= 2);
        foreach (var (id, bytes, expected) in examples)
        {
            Assert.True(RscMeasurement.TryDecode(bytes, out var m), $"{id}: RSC decode failed");
            var actual = new Dictionary<string, string>
            {
                ["speed_mps"] = F(m.SpeedMps),
                ["cadence_spm"] = m.CadenceSpm.ToString(CultureInfo.InvariantCulture),
                ["stride_length_m"] = m.StrideLengthM is { } s ? F(s) : "none",
                ["total_distance_m"] = m.TotalDistanceM is { } d ? F(d) : "none",
                ["is_running"] = m.IsRunning ? "true" : "false",
            };
            AssertMatches(id, expected, actual);
            // The notes' hex was produced by the encoder: re-encoding must give the same bytes.
            var again = new byte[10];
            Assert.Equal(bytes, again.AsSpan(0, m.Encode(again)).ToArray());
        }
    }

    [Fact]
    public void Configuration_examples_decode_to_the_values_the_notes_state()
    {
        var examples = ReadExamples("gatt-profile.md");
        Assert.True(examples.Count >= 1);
        foreach (var (id, bytes, expected) in examples)
        {
            Assert.True(ShoeClipConfig.TryDecode(bytes, out var c), $"{id}: configuration decode failed");
            var actual = new Dictionary<string, string>
            {
                ["sample_rate_hz"] = c.SampleRateHz.ToString(CultureInfo.InvariantCulture),
                ["acc_range"] = c.AccRange.ToString(),
                ["gyro_range"] = c.GyroRange.ToString(),
                ["foot"] = c.Foot?.ToString() ?? "none",
                ["samples_per_packet"] = c.SamplesPerPacket.ToString(CultureInfo.InvariantCulture),
            };
            AssertMatches(id, expected, actual);
            var again = new byte[ShoeClipConfig.Bytes];
            c.Encode(again);
            Assert.Equal(bytes, again);
        }
    }

    private static Dictionary<string, string> DecodeImuPacket(string id, byte[] packet)
    {
        var error = ImuPacket.TryDecodeHeader(packet, out var h);
        Assert.True(error == ImuPacketError.None, $"{id}: {error}");
        var actual = new Dictionary<string, string>
        {
            ["version"] = I(h.Version),
            ["flags"] = h.Flags.ToString(),
            ["sequence"] = I(h.Sequence),
            ["sensor_time_us"] = I(h.SensorTimeUs),
            ["sample_rate_hz"] = I(h.SampleRateHz),
            ["acc_range"] = h.AccRange.ToString(),
            ["gyro_range"] = h.GyroRange.ToString(),
            ["sample_count"] = I(h.SampleCount),
            ["packet_bytes"] = I(packet.Length),
        };
        for (var i = 0; i < h.SampleCount; i++)
        {
            var raw = ImuPacket.ReadSample(packet, i);
            // t_i = t_0 + i × 10⁶ / rate, in 64 bits (packet-format.md): a packet may straddle the 2³² wrap.
            var timeUs = h.SensorTimeUs + (ulong)Math.Round(i * 1e6 / h.SampleRateHz);
            var s = ImuScale.ToSample(raw, timeUs / 1e6, h.AccRange, h.GyroRange);
            var p = $"sample[{i}].";
            actual[p + "counts"] = $"{raw.AccX}, {raw.AccY}, {raw.AccZ}, {raw.GyroX}, {raw.GyroY}, {raw.GyroZ}";
            actual[p + "time_us"] = I(timeUs);
            actual[p + "wire_time_us"] = I((uint)timeUs);
            actual[p + "acc_mps2"] = V(s.AccSensorMps2);
            actual[p + "gyro_dps"] = V(s.GyroSensorDps);
            actual[p + "clipped"] = (s.Flags & (ImuSampleFlags.AccClipped | ImuSampleFlags.GyroClipped)).ToString();
        }

        return actual;
    }

    /// <summary>Every line of the expect block must match; optional keys (wire_time_us) may be left out of the doc.</summary>
    private static void AssertMatches(string id, Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        Assert.NotEmpty(expected);
        foreach (var key in actual.Keys.Where(k => !k.EndsWith("wire_time_us", StringComparison.Ordinal)))
            Assert.True(expected.ContainsKey(key), $"{id}: the notes do not state '{key}' (decoded: {actual[key]})");
        foreach (var (key, want) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"{id}: the notes state '{key}', which the decoder does not produce");
            var wantParts = want.Split(',', StringSplitOptions.TrimEntries);
            var gotParts = got.Split(',', StringSplitOptions.TrimEntries);
            Assert.True(wantParts.Length == gotParts.Length, $"{id}: {key}: notes say '{want}', decoder says '{got}'");
            for (var i = 0; i < wantParts.Length; i++)
            {
                if (double.TryParse(wantParts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                    && double.TryParse(gotParts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var g))
                    Assert.True(Math.Abs(w - g) <= Tolerance, $"{id}: {key}: notes say '{want}', decoder says '{got}'");
                else
                    Assert.True(wantParts[i] == gotParts[i], $"{id}: {key}: notes say '{want}', decoder says '{got}'");
            }
        }
    }

    /// <summary>(id, bytes of the hex block, key = value lines of the expect block with the same id).</summary>
    private static List<(string Id, byte[] Bytes, Dictionary<string, string> Expected)> ReadExamples(string noteFile)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "firmware-notes", noteFile));
        var hex = new Dictionary<string, byte[]>();
        var expect = new Dictionary<string, Dictionary<string, string>>();
        foreach (Match m in FencedBlock().Matches(text))
        {
            var id = m.Groups["id"].Value;
            var body = m.Groups["body"].Value;
            if (m.Groups["kind"].Value == "hex")
            {
                hex.Add(id, Convert.FromHexString(string.Concat(body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
            }
            else
            {
                var lines = new Dictionary<string, string>();
                foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = line.IndexOf('=', StringComparison.Ordinal);
                    Assert.True(eq > 0, $"{noteFile}: expect block {id}: '{line}' is not 'key = value'");
                    lines.Add(line[..eq].Trim(), line[(eq + 1)..].Trim());
                }

                expect.Add(id, lines);
            }
        }

        Assert.Equal(hex.Keys.Order(), expect.Keys.Order());
        return hex.Select(kv => (kv.Key, kv.Value, expect[kv.Key])).ToList();
    }

    [GeneratedRegex(@"^```(?<kind>hex|expect) id=(?<id>[\w-]+)\s*\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GaitGateway.sln"))) return dir.FullName;
        throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }

    private static string I(ulong v) => v.ToString(CultureInfo.InvariantCulture);
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string V(Vector3 v) => string.Create(CultureInfo.InvariantCulture, $"{v.X:F6}, {v.Y:F6}, {v.Z:F6}");

    // ---------------------------------------------------------------- ImuPacket

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(ImuPacket.MaxSamples)]
    public void ImuPacket_round_trips_every_field(int count)
    {
        var rng = new Random(42 + count);
        var samples = Enumerable.Range(0, count).Select(_ => new RawImuCounts(
            (short)rng.Next(-30000, 30000), (short)rng.Next(-30000, 30000), (short)rng.Next(-30000, 30000),
            (short)rng.Next(-30000, 30000), (short)rng.Next(-30000, 30000), (short)rng.Next(-30000, 30000))).ToArray();
        var header = new ImuPacketHeader(1, ImuPacketFlags.TimeSync, 40000, 3_000_000_000, 1600, AccRange.G32, GyroRange.Dps4000, (byte)count);
        var buffer = new byte[ImuPacket.MaxPacketBytes];
        var length = ImuPacket.Encode(header, samples, buffer);
        Assert.Equal(12 + (12 * count), length);
        Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(buffer.AsSpan(0, length), out var decoded));
        Assert.Equal(header, decoded);
        for (var i = 0; i < count; i++) Assert.Equal(samples[i], ImuPacket.ReadSample(buffer.AsSpan(0, length), i));
    }

    [Fact]
    public void ImuPacket_full_packet_fits_one_notification_at_MTU_247()
    {
        Assert.Equal(240, ImuPacket.MaxPacketBytes);
        Assert.True(ImuPacket.MaxPacketBytes <= 247 - 3);
        Assert.True(ImuPacket.MaxPacketBytes <= Notification.MaxBytes);
    }

    [Fact]
    public void ImuPacket_sequence_and_timestamp_survive_their_wrap()
    {
        var buffer = new byte[ImuPacket.MaxPacketBytes];
        RawImuCounts[] one = [new(0, 0, 2048, 0, 0, 0)];
        var a = new ImuPacketHeader(1, ImuPacketFlags.None, ushort.MaxValue, uint.MaxValue - 1000, 400, AccRange.G16, GyroRange.Dps2000, 1);
        var n = ImuPacket.Encode(a, one, buffer);
        ImuPacket.TryDecodeHeader(buffer.AsSpan(0, n), out var da);
        var b = a with { Sequence = unchecked((ushort)(a.Sequence + 1)), SensorTimeUs = unchecked(a.SensorTimeUs + 2500u) };
        n = ImuPacket.Encode(b, one, buffer);
        ImuPacket.TryDecodeHeader(buffer.AsSpan(0, n), out var db);
        Assert.Equal((ushort)0, db.Sequence);
        Assert.Equal(1499u, db.SensorTimeUs);
        // The unwrap rule of clock-sync.md: the difference modulo 2³², read as signed.
        Assert.Equal(1, unchecked((ushort)(db.Sequence - da.Sequence)));
        Assert.Equal(2500, unchecked((int)(db.SensorTimeUs - da.SensorTimeUs)));
    }

    [Fact]
    public void Scale_marks_each_accelerometer_axis_from_80_percent_of_full_scale_on_either_side()
    {
        // A part that saturates ahead of its decimation filter reads just under full scale beside a clip (issue 11).
        static ImuSampleFlags Flags(short x, short y, short z) => ImuScale.ToSample(new RawImuCounts(x, y, z, 0, 0, 0), 0, AccRange.G32, GyroRange.Dps2000).Flags;
        Assert.Equal(ImuSampleFlags.None, Flags(26213, -26213, 2048));
        Assert.Equal(ImuSampleFlags.AccNearFullScaleX, Flags(26215, 0, 0));
        Assert.Equal(ImuSampleFlags.AccNearFullScaleY | ImuSampleFlags.AccNearFullScaleZ, Flags(0, -26215, 30000));
        Assert.Equal(ImuSampleFlags.AccClipped | ImuSampleFlags.AccNearFullScaleZ, Flags(0, 0, short.MaxValue));
    }

    [Fact]
    public void ImuPacket_encoder_sets_clipping_flags_from_the_rails_and_scale_marks_samples()
    {
        var buffer = new byte[ImuPacket.MaxPacketBytes];
        RawImuCounts[] samples = [new(0, 0, 2048, 0, 0, 0), new(short.MinValue, 0, 0, 0, 0, 0), new(0, 0, 0, 0, short.MaxValue, 0)];
        var header = new ImuPacketHeader(1, ImuPacketFlags.None, 1, 0, 400, AccRange.G16, GyroRange.Dps2000, 3);
        var n = ImuPacket.Encode(header, samples, buffer);
        ImuPacket.TryDecodeHeader(buffer.AsSpan(0, n), out var d);
        Assert.Equal(ImuPacketFlags.AccClipped | ImuPacketFlags.GyroClipped, d.Flags);
        Assert.Equal(ImuSampleFlags.None, ImuScale.ToSample(samples[0], 0, AccRange.G16, GyroRange.Dps2000).Flags);
        Assert.Equal(ImuSampleFlags.AccClipped | ImuSampleFlags.AccNearFullScaleX, ImuScale.ToSample(samples[1], 0, AccRange.G16, GyroRange.Dps2000).Flags);
        Assert.Equal(ImuSampleFlags.GyroClipped, ImuScale.ToSample(samples[2], 0, AccRange.G16, GyroRange.Dps2000).Flags);
        // LSB = range / 32768: 2048 counts at ±16 g is exactly 1 g.
        Assert.Equal(Gravity.StandardMps2, ImuScale.ToSample(samples[0], 0, AccRange.G16, GyroRange.Dps2000).AccSensorMps2.Z, 1e-5);
        // Quantising beyond full scale saturates at the rails, so the clip is visible downstream.
        var counts = ImuScale.ToCounts(new Vector3(0, 0, 40 * 9.81f), new Vector3(-2500, 0, 0), AccRange.G16, GyroRange.Dps2000);
        Assert.Equal(short.MaxValue, counts.AccZ);
        Assert.Equal(short.MinValue, counts.GyroX);
    }

    [Fact]
    public void ImuPacket_decoder_rejects_malformed_packets()
    {
        var buffer = new byte[ImuPacket.MaxPacketBytes];
        RawImuCounts[] two = [default, default];
        var n = ImuPacket.Encode(new ImuPacketHeader(1, 0, 0, 0, 400, AccRange.G16, GyroRange.Dps2000, 2), two, buffer);
        byte[] Good() => buffer.AsSpan(0, n).ToArray();
        ImuPacketError Decode(byte[] p) => ImuPacket.TryDecodeHeader(p, out _);

        Assert.Equal(ImuPacketError.None, Decode(Good()));
        Assert.Equal(ImuPacketError.TooShort, Decode(Good()[..11]));
        var p = Good(); p[0] = 2; Assert.Equal(ImuPacketError.UnknownVersion, Decode(p));
        p = Good(); BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(8), 99); Assert.Equal(ImuPacketError.BadSampleRate, Decode(p));
        p = Good(); BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(8), 1601); Assert.Equal(ImuPacketError.BadSampleRate, Decode(p));
        p = Good(); p[10] = 0x02; Assert.Equal(ImuPacketError.BadRange, Decode(p));
        p = Good(); p[10] = 0x20; Assert.Equal(ImuPacketError.BadRange, Decode(p));
        p = Good(); p[11] = 0; Assert.Equal(ImuPacketError.BadSampleCount, Decode(p));
        p = Good(); p[11] = 20; Assert.Equal(ImuPacketError.BadSampleCount, Decode(p));
        Assert.Equal(ImuPacketError.LengthMismatch, Decode(Good()[..^1]));
        Assert.Equal(ImuPacketError.LengthMismatch, Decode([.. Good(), 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImuPacket.Encode(default, new RawImuCounts[20], new byte[300]));
    }

    // ---------------------------------------------------------------- RscMeasurement, ShoeClipConfig

    [Theory]
    [InlineData(0.0, 0, null, null, false)]
    [InlineData(3.5, 172, 1.22, 1234.5, true)]
    [InlineData(5.25, 190, null, 42195.0, true)]
    [InlineData(1.5, 110, 0.75, null, false)]
    public void Rsc_round_trips(double speed, int cadence, double? stride, double? distance, bool running)
    {
        var m = new RscMeasurement(speed, cadence, stride, distance, running);
        var buffer = new byte[10];
        var n = m.Encode(buffer);
        Assert.Equal(4 + (stride.HasValue ? 2 : 0) + (distance.HasValue ? 4 : 0), n);
        Assert.True(RscMeasurement.TryDecode(buffer.AsSpan(0, n), out var d));
        Assert.Equal(m, d);
        Assert.False(RscMeasurement.TryDecode(buffer.AsSpan(0, n - 1), out _));
    }

    [Fact]
    public void Rsc_total_distance_uses_the_full_uint32_range()
    {
        var buffer = new byte[10];
        var n = new RscMeasurement(2, 160, null, uint.MaxValue / 10.0, true).Encode(buffer);
        Assert.True(RscMeasurement.TryDecode(buffer.AsSpan(0, n), out var d));
        Assert.Equal(uint.MaxValue / 10.0, d.TotalDistanceM!.Value, 1);
    }

    [Fact]
    public void ShoeClipConfig_round_trips_and_rejects_invalid_values()
    {
        foreach (var c in new[]
        {
            ShoeClipConfig.RunningDefault(Foot.Left), ShoeClipConfig.RunningDefault(Foot.Right),
            new ShoeClipConfig(1600, AccRange.G32, GyroRange.Dps4000, null, 1),
        })
        {
            var b = new byte[ShoeClipConfig.Bytes];
            Assert.Equal(ShoeClipConfig.Bytes, c.Encode(b));
            Assert.True(ShoeClipConfig.TryDecode(b, out var d));
            Assert.Equal(c, d);
        }

        var good = new byte[ShoeClipConfig.Bytes];
        ShoeClipConfig.RunningDefault(Foot.Left).Encode(good);
        byte[] With(int index, byte value) { var x = (byte[])good.Clone(); x[index] = value; return x; }
        Assert.False(ShoeClipConfig.TryDecode(good.AsSpan(0, 6), out _));
        Assert.False(ShoeClipConfig.TryDecode(With(0, 2), out _));
        Assert.False(ShoeClipConfig.TryDecode(With(1, 0x10).Also(x => x[2] = 0), out _)); // 16 Hz
        Assert.False(ShoeClipConfig.TryDecode(With(3, 2), out _));
        Assert.False(ShoeClipConfig.TryDecode(With(4, 2), out _));
        Assert.False(ShoeClipConfig.TryDecode(With(6, 0), out _));
        Assert.False(ShoeClipConfig.TryDecode(With(6, 20), out _));
    }

    // ---------------------------------------------------------------- recording file

    private static RecordingHeader TwoClipHeader() => new()
    {
        StartUtc = new DateTimeOffset(2025, 5, 4, 7, 30, 0, TimeSpan.Zero),
        Source = "test",
        Sensors =
        [
            new RecordingSensor { Index = 0, Id = "sim-left", Foot = "left", SampleRateHz = 400, AccRangeG = 16, GyroRangeDps = 2000 },
            new RecordingSensor { Index = 1, Id = "sim-right", Foot = "right", SampleRateHz = 400, AccRangeG = 16, GyroRangeDps = 2000 },
        ],
    };

    /// <summary>Writes <paramref name="frames"/> IMU frames alternating between sensors; returns path and frame offsets.</summary>
    private (string Path, List<long> Offsets) WriteRecording(int frames, RecordingHeader? header = null)
    {
        var path = Path.Combine(_tempDir, $"r{Guid.NewGuid():N}.ggwrec");
        var packet = new byte[ImuPacket.MaxPacketBytes];
        var offsets = new List<long>();
        using (var w = new RecordingWriter(path, header ?? TwoClipHeader()))
        {
            for (var i = 0; i < frames; i++)
            {
                var n = ImuPacket.Encode(
                    new ImuPacketHeader(1, 0, (ushort)i, (uint)(i * 47_500), 400, AccRange.G16, GyroRange.Dps2000, 19),
                    Enumerable.Repeat(new RawImuCounts((short)i, 0, 2048, 0, 0, 0), 19).ToArray(), packet);
                w.Append(i % 2, FrameKind.ImuData, i * 47_500L, packet.AsSpan(0, n));
            }
        }

        // Frame sizes are fixed here (12 + 240 + 4), so offsets follow from the header size.
        var first = new FileInfo(path).Length - (frames * 256L);
        for (var i = 0; i < frames; i++) offsets.Add(first + (i * 256L));
        return (path, offsets);
    }

    private static List<RecordingFrame> ReadAll(RecordingReader r)
    {
        var list = new List<RecordingFrame>();
        while (r.TryReadNext(out var f)) list.Add(f with { Payload = f.Payload.ToArray() });
        return list;
    }

    [Fact]
    public void Recording_round_trips_header_and_frames()
    {
        var (path, offsets) = WriteRecording(5);
        using var r = RecordingReader.Open(path);
        Assert.Equal("sim-right", r.Header.Sensors[1].Id);
        Assert.Equal(TwoClipHeader().StartUtc, r.Header.StartUtc);
        var frames = ReadAll(r);
        Assert.Equal(5, frames.Count);
        Assert.Null(r.TornTail);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(offsets[i], frames[i].ByteOffset);
            Assert.Equal(i % 2, frames[i].SensorIndex);
            Assert.Equal(i * 47_500L, frames[i].HostTimeUs);
            Assert.Equal(ImuPacketError.None, ImuPacket.TryDecodeHeader(frames[i].Payload.Span, out var h));
            Assert.Equal((ushort)i, h.Sequence);
        }

        // Magic and header CRC are where recording-format.md says.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("GGWREC\r\n"u8.ToArray(), bytes[..8]);
        var jsonLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        Assert.Equal(Crc32.HashToUInt32(bytes.AsSpan(12, jsonLength)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12 + jsonLength)));
        Assert.Equal(offsets[0], 16 + jsonLength);
    }

    [Theory]
    [InlineData(1)]    // ends inside the CRC
    [InlineData(100)]  // ends inside the payload
    [InlineData(250)]  // ends inside the frame header
    public void Recording_torn_final_frame_is_skipped_and_reported(int cut)
    {
        var (path, offsets) = WriteRecording(4);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(fs.Length - cut);
        using var r = RecordingReader.Open(path);
        Assert.Equal(3, ReadAll(r).Count);
        Assert.Equal(offsets[3], r.TornTail);
        Assert.False(string.IsNullOrEmpty(r.TornTailReason));
    }

    [Fact]
    public void Recording_last_frame_with_bad_crc_is_a_torn_tail()
    {
        var (path, offsets) = WriteRecording(3);
        FlipByte(path, offsets[2] + 20);
        using var r = RecordingReader.Open(path);
        Assert.Equal(2, ReadAll(r).Count);
        Assert.Equal(offsets[2], r.TornTail);
    }

    [Fact]
    public void Recording_corruption_before_the_end_throws_naming_the_byte_offset()
    {
        var (path, offsets) = WriteRecording(4);
        FlipByte(path, offsets[1] + 40);
        using var r = RecordingReader.Open(path);
        Assert.True(r.TryReadNext(out _));
        var e = Assert.Throws<RecordingFormatException>(() => r.TryReadNext(out _));
        Assert.Equal(offsets[1], e.ByteOffset);
        Assert.Contains($"byte {offsets[1]}:", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Recording_truncated_header_throws()
    {
        var (path, _) = WriteRecording(0);
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(40);
        var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Open(path));
        Assert.Contains("byte 8", e.Message, StringComparison.Ordinal); // header length no longer plausible
    }

    [Fact]
    public void Recording_header_crc_mismatch_throws()
    {
        var (path, _) = WriteRecording(1);
        FlipByte(path, 20);
        var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Open(path));
        Assert.Equal(12, e.ByteOffset);
    }

    [Fact]
    public void Not_a_recording_throws_at_byte_0()
    {
        var path = Path.Combine(_tempDir, "left.csv");
        File.WriteAllText(path, "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n0,0,0,9.81,0,0,0\n");
        var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Open(path));
        Assert.Equal(0, e.ByteOffset);
        Assert.Contains("not a GaitGateway recording", e.Message, StringComparison.Ordinal);
        var empty = Path.Combine(_tempDir, "empty.ggwrec");
        File.WriteAllBytes(empty, []);
        Assert.Equal(0, Assert.Throws<RecordingFormatException>(() => RecordingReader.Open(empty)).ByteOffset);
    }

    [Fact]
    public void Recording_from_a_newer_format_version_is_refused()
    {
        var (path, _) = WriteRecording(1, TwoClipHeader() with { Version = RecordingHeader.CurrentVersion + 1 });
        var e = Assert.Throws<RecordingFormatException>(() => RecordingReader.Open(path));
        Assert.Contains("newer", e.Message, StringComparison.Ordinal);
    }

    private static void FlipByte(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open);
        fs.Position = offset;
        var b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)(b ^ 0x5A));
    }
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
