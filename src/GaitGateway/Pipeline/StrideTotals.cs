using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>
/// Running totals of a session's strides: what the replay summary line and the session's end need. Kept instead of
/// the strides themselves when nobody reads them (`gaitgw replay`), so a replay's memory does not grow with its length.
/// </summary>
public sealed class StrideTotals : IGaitSink
{
    public long Strides { get; private set; }
    public long Left { get; private set; }
    public long Right { get; private set; }
    public long Running { get; private set; }
    public long Overstriding { get; private set; }
    /// <summary>Sum of the finite per-stride calf-load indices.</summary>
    public double CalfLoad { get; private set; }
    /// <summary>Session time (s) where the data of the last stride ends (its next contact, else its contact); 0 if none.</summary>
    public double LastS { get; private set; }

    public void OnStride(in StrideMetrics stride)
    {
        Strides++;
        if (stride.Foot == Foot.Left) Left++;
        else if (stride.Foot == Foot.Right) Right++;
        if (stride.Gait == Gait.Run) Running++;
        if (stride.Overstride) Overstriding++;
        if (double.IsFinite(stride.CalfLoad)) CalfLoad += stride.CalfLoad;
        var end = double.IsFinite(stride.NextIcTimeS) ? stride.NextIcTimeS : stride.IcTimeS;
        if (Strides == 1 || end > LastS || double.IsNaN(LastS)) LastS = end; // NaN ranks lowest, as in Enumerable.Max
    }

    public void OnBout(in BoutSummary bout) { }
}
