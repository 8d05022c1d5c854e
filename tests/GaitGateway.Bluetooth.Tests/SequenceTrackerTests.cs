using GaitGateway.Bluetooth.Links;
using GaitGateway.Core.Protocol;

namespace GaitGateway.Bluetooth.Tests;

public sealed class SequenceTrackerTests
{
    private const uint PacketUs = 19 * 2500; // 19 samples at 400 Hz

    private static ImuPacketHeader H(ushort seq, uint timeUs, ImuPacketFlags flags = ImuPacketFlags.None)
        => new(1, flags, seq, timeUs, 400, AccRange.G16, GyroRange.Dps2000, 19);

    [Fact]
    public void Contiguous_packets_across_the_uint16_wrap_have_no_gap()
    {
        var t = new SequenceTracker();
        Assert.Equal(0, t.Observe(H(65534, 0)));
        Assert.Equal(0, t.Observe(H(65535, PacketUs)));
        Assert.Equal(0, t.Observe(H(0, 2 * PacketUs)));
        Assert.Equal(0, t.Observe(H(1, 3 * PacketUs)));
    }

    [Fact]
    public void A_jump_across_the_wrap_counts_the_missing_packets()
    {
        var t = new SequenceTracker();
        t.Observe(H(65530, 0));
        Assert.Equal(10, t.Observe(H(5, 11 * PacketUs)));
    }

    [Fact]
    public void A_backwards_sequence_is_out_of_order_not_a_huge_gap()
    {
        var t = new SequenceTracker();
        t.Observe(H(100, 0));
        Assert.Equal(-1, t.Observe(H(99, 0)));
    }

    [Fact]
    public void A_restarted_stream_counts_the_gap_only_when_the_sensor_clock_agrees()
    {
        var t = new SequenceTracker();
        t.Observe(H(10, 1_000_000));
        Assert.Equal(40, t.Observe(H(51, 1_000_000 + (41 * PacketUs), ImuPacketFlags.StreamStart)));
        // The clip rebooted: sequence and clock restarted, continuity unknown.
        Assert.Equal(-1, t.Observe(H(100, 5, ImuPacketFlags.StreamStart)));
    }
}
