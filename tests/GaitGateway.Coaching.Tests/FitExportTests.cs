using System.Buffers.Binary;
using System.Text;
using GaitGateway.Coaching.Export;
using GaitGateway.Coaching.Export.Fit;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;

namespace GaitGateway.Coaching.Tests;

public class FitExportTests
{
    // A start with milliseconds: records fall on whole UTC seconds, not on whole session seconds.
    private static readonly DateTimeOffset Start = new(2025, 6, 2, 6, 30, 0, 250, TimeSpan.Zero);

    private static readonly FitClip[] Clips =
    [
        new(0, Foot.Left, "AA:BB:CC:00:00:01", "bluez", "1.2.0", "Acme Sensors", "SC-2"),
        new(1, Foot.Right, "AA:BB:CC:00:00:02", "bluez", null),
    ];

    private static readonly ExpectedClip[] ExpectedClips =
        [new(0, Foot.Left, "AA:BB:CC:00:00:01", "1.2.0", "Acme Sensors", "SC-2"), new(1, Foot.Right, "AA:BB:CC:00:00:02", null)];

    private static string WriteTemp(byte[] bytes)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("gaitgw-fit-").FullName, "a.fit");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Crc_is_the_fit_crc16()
    {
        // CRC-16/ARC (poly 0x8005 reflected = 0xA001, init 0): the catalogue check value of "123456789" is 0xBB3D.
        Assert.Equal(0xBB3D, FitCrc.Compute("123456789"u8));
        Assert.Equal(0, FitCrc.Compute([]));
    }

    [Fact]
    public void Header_is_14_bytes_with_its_crc_and_the_file_ends_with_the_crc_of_everything_before()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var fit = FitExport.Write(new FitActivity(Start, sim.Strides, sim.Bouts, Clips));
        Assert.Equal(14, fit[0]);
        Assert.Equal(0x20, fit[1]); // protocol 2.0 (developer fields)
        Assert.Equal(21217, BinaryPrimitives.ReadUInt16LittleEndian(fit.AsSpan(2)));
        Assert.Equal(fit.Length - 16, (int)BinaryPrimitives.ReadUInt32LittleEndian(fit.AsSpan(4)));
        Assert.Equal(".FIT", Encoding.ASCII.GetString(fit, 8, 4));
        Assert.Equal(FitCrc.Compute(fit.AsSpan(0, 12)), BinaryPrimitives.ReadUInt16LittleEndian(fit.AsSpan(12)));
        Assert.Equal(FitCrc.Compute(fit.AsSpan(0, fit.Length - 2)), BinaryPrimitives.ReadUInt16LittleEndian(fit.AsSpan(fit.Length - 2)));
        // The first record after the header is a definition (0x40) of local message 0 for file_id (global 0).
        Assert.Equal(0x40, fit[14]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(fit.AsSpan(17)));
    }

    [Theory]
    [InlineData(170.0, 85, 0)]       // 85 strides/min exactly
    [InlineData(171.0, 85, 64)]      // 85.5 = 85 + 64/128
    [InlineData(158.3, 79, 19)]      // 79.15: 0.15 × 128 = 19.2 → 19
    [InlineData(255.99, 127, 127)]   // 127.995: 0.995 × 128 = 127.36 → 127
    [InlineData(255.999, 128, 0)]    // 127.9995 rounds up to the next whole stride
    public void Cadence_is_strides_per_minute_with_the_fraction_in_128ths(double stepsPerMin, int whole, int fraction)
    {
        var (w, f) = FitExport.Cadence(stepsPerMin);
        Assert.Equal((byte)whole, w);
        Assert.Equal((byte)fraction, f);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-2.0)]
    [InlineData(600.0)]
    public void Cadence_that_fit_cannot_hold_is_left_invalid(double stepsPerMin)
    {
        Assert.Equal((null, null), FitExport.Cadence(stepsPerMin));
    }

    [Theory]
    [InlineData("1.2.0", 1.02)]
    [InlineData("sim-1.0", 1.0)]
    [InlineData("v2.15", 2.15)]
    [InlineData("0.9.0-sim", 0.09)]
    [InlineData("2.345", double.NaN)]
    [InlineData("build 7", double.NaN)]
    [InlineData(null, double.NaN)]
    public void Firmware_reads_as_a_software_version_where_it_is_major_dot_minor(string? firmware, double expected)
    {
        Assert.Equal(expected, FitExport.SoftwareVersion(firmware), 9);
    }

    [Fact]
    public void A_simulated_session_reads_back_in_garmins_sdk_and_fit_file_parser_with_every_value()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var path = WriteTemp(FitExport.Write(new FitActivity(Start, sim.Strides, sim.Bouts, Clips)));
        var (garmin, parser) = FitDecoders.Decode(path).Single();
        var expected = new ExpectedSession(Start, sim.Strides, sim.Bouts, ExpectedClips, double.NaN);
        FitExpectations.AssertReadsBack(garmin, expected);
        FitExpectations.AssertReadsBack(parser, expected);
        FitExpectations.AssertAgree(garmin, parser);
        // Running dynamics are there, not only allowed to be absent.
        var records = garmin.Of("record");
        Assert.True(records.Count(r => FitExpectations.Num(r, "stance_time") is not null) > 100);
        Assert.True(records.Count(r => FitExpectations.Num(r, "stance_time_balance") is not null) > 100);
        Assert.Contains(records, r => r.TryGetProperty("developer", out var dev) && dev.TryGetProperty("overstride", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.Number && o.GetDouble() == 1);
        Assert.Equal(3, sim.Bouts.Count);
        // The clips: Bluetooth LE footpods; firmware 1.2.0 as software_version 1.02.
        var left = garmin.Of("device_info").Single(d => FitExpectations.Num(d, "device_index") == 1);
        Assert.Equal(1.02, FitExpectations.Num(left, "software_version")!.Value, 9);
        Assert.Equal("bluetoothLowEnergy", FitExpectations.Str(left, "source_type"));
        Assert.Equal("footpod", FitExpectations.Str(left, "ble_device_type"));
    }

    [Fact]
    public void One_foot_no_bouts_and_no_strides_still_make_files_both_decoders_read()
    {
        var sim = TestData.Simulate("sample-walk-run");
        var leftOnly = sim.Strides.Where(s => s.Foot == Foot.Left).ToArray();
        var noBouts = sim.Strides;
        BoutSummary[] none = [];
        var files = new[]
        {
            WriteTemp(FitExport.Write(new FitActivity(Start, leftOnly, sim.Bouts, [Clips[0]]))),
            WriteTemp(FitExport.Write(new FitActivity(Start, noBouts, none, Clips))),
            WriteTemp(FitExport.Write(new FitActivity(Start, [], none, []))),
        };
        var decoded = FitDecoders.Decode(files);

        // One foot: no balance anywhere; distance is that foot's strides (not halved).
        foreach (var d in new[] { decoded[0].Garmin, decoded[0].Parser })
        {
            FitExpectations.AssertReadsBack(d, new ExpectedSession(Start, leftOnly, sim.Bouts, [ExpectedClips[0]], double.NaN));
            Assert.All(d.Of("record"), r => Assert.Null(FitExpectations.Num(r, "stance_time_balance")));
        }

        // No bouts: one lap over all strides.
        Assert.Single(decoded[1].Garmin.Of("lap"));
        Assert.Single(decoded[1].Parser.Of("lap"));
        // total_cycles is a whole number: strides per foot, an odd total rounded half away from zero (FitExport).
        Assert.Equal(Math.Round(noBouts.Count / 2.0, MidpointRounding.AwayFromZero), FitExpectations.Num(decoded[1].Garmin.Of("lap")[0], "total_cycles")!.Value);

        // Nothing at all: still a valid activity with one record at the start and no laps.
        foreach (var d in new[] { decoded[2].Garmin, decoded[2].Parser })
        {
            FitExpectations.AssertReadsBack(d, new ExpectedSession(Start, [], none, [], double.NaN));
            Assert.Empty(d.Of("lap"));
        }

        FitExpectations.AssertAgree(decoded[0].Garmin, decoded[0].Parser);
        FitExpectations.AssertAgree(decoded[1].Garmin, decoded[1].Parser);
    }

    [Fact]
    public void A_corrupted_byte_is_caught_by_both_decoders()
    {
        // The check is real: flip one bit in a record and the CRC no longer holds for either decoder.
        var sim = TestData.Simulate("sample-walk-run");
        var fit = FitExport.Write(new FitActivity(Start, sim.Strides, sim.Bouts, Clips));
        fit[fit.Length / 2] ^= 0x10;
        var (garmin, parser) = FitDecoders.Decode(WriteTemp(fit)).Single();
        Assert.False(garmin.Integrity && garmin.Errors.Count == 0);
        Assert.False(parser.Integrity && parser.Errors.Count == 0);
    }
}
