using System.Numerics;
using GaitGateway.Core.Samples;
using GaitGateway.Dsp.Segmentation;
using Xunit;

namespace GaitGateway.Dsp.Tests;

/// <summary>The sample history every stage reads: what it says about the clip's rate.</summary>
public sealed class SampleRingTests
{
    [Theory]
    [InlineData(200, 19)]
    [InlineData(400, 19)]
    [InlineData(1000, 19)]
    [InlineData(400, 3)]
    public void A_lost_packet_does_not_read_as_a_slower_clip(int rateHz, int lost)
    {
        // Windows given in seconds become sample counts with this rate. Read across a lost 19-sample packet, a 200-Hz
        // clip looked like 89 Hz, and a 60-ms window shrank to 25 ms (README, "Stops, lost packets and the swing level").
        var ring = new SampleRing(256);
        var tick = 0;
        for (var i = 0; i < 40; i++, tick++)
        {
            var gap = i == 30;
            if (gap) tick += lost;
            ring.Add(tick / (double)rateHz, new Vector3(0, 0, 9.81f), Vector3.Zero, 0, gap ? (byte)ImuSampleFlags.GapBefore : (byte)0);
        }

        for (var n = ring.Next - 1; n >= 20; n--)
            Assert.InRange(ring.RateHzAt(n), rateHz * 0.999, rateHz * 1.001);
    }
}
