using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Dsp.Tests;

public sealed class FootpodTests
{
    private sealed class Sink : IGaitSink
    {
        public List<StrideMetrics> Strides { get; } = [];
        public void OnStride(in StrideMetrics stride) => Strides.Add(stride);
        public void OnBout(in BoutSummary bout) { }
    }

    private static Notification Rsc(double t, double speed, int cadence, double? stride)
    {
        Span<byte> b = stackalloc byte[10];
        var n = new RscMeasurement(speed, cadence, stride, null, true).Encode(b);
        return Notification.Create(0, FrameKind.RscMeasurement, (long)(t * 1e6), b[..n]);
    }

    [Fact]
    public void A_footpod_alone_gives_strides_at_its_cadence_in_steps_per_minute()
    {
        var sink = new Sink();
        var s = new GaitSession([new RecordingSensor { Index = 0, Id = "pod", Kind = "rsc", Foot = "right" }], sink);
        for (var t = 0.0; t < 60; t += 0.5) s.OnNotification(Rsc(t, 3.0, 170, 2.1));
        s.Complete();
        // 170 steps/min = 85 strides/min: ~84 strides in the 59.5 s between the first and last measurement.
        Assert.InRange(sink.Strides.Count, 82, 86);
        Assert.All(sink.Strides, x => Assert.Equal(170, x.CadenceSpm));
        Assert.All(sink.Strides, x => Assert.Equal(2.1, x.StrideLengthM, 6));
        Assert.All(sink.Strides, x => Assert.True(double.IsNaN(x.ContactTimeS)));
    }

    [Fact]
    public void A_footpod_beside_shoe_clips_adds_no_strides()
    {
        var sink = new Sink();
        var s = new GaitSession([
            new RecordingSensor { Index = 0, Id = "l", Foot = "left" },
            new RecordingSensor { Index = 1, Id = "r", Foot = "right" },
            new RecordingSensor { Index = 2, Id = "pod", Kind = "rsc" }], sink);
        for (var t = 0.0; t < 20; t += 0.5) s.OnNotification(Rsc(t, 3.0, 170, null));
        s.Complete();
        Assert.Empty(sink.Strides);
        Assert.Equal(40, s.RscMeasurements);
    }
}
