using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>Keeps every stride and bout of a session in memory (replay, tests), and forwards them if asked.</summary>
/// <param name="keepStrides">False: keep only the bouts (a few per session), so memory stays flat over any length.</param>
public sealed class CollectingSink(IGaitSink? next = null, bool keepStrides = true) : IGaitSink
{
    public List<StrideMetrics> Strides { get; } = [];
    public List<BoutSummary> Bouts { get; } = [];

    public void OnStride(in StrideMetrics stride)
    {
        if (keepStrides) Strides.Add(stride);
        next?.OnStride(stride);
    }

    public void OnBout(in BoutSummary bout)
    {
        Bouts.Add(bout);
        next?.OnBout(bout);
    }
}
