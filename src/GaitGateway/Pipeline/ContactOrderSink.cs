using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>
/// Hands strides on in contact-time order across both feet, holding only a few. Each foot's strides arrive in its own
/// time order, but the two feet interleave by when a stride closes, not by when it began; the cue analysis reads them
/// in contact-time order (as <see cref="Coaching.Cues.SessionAnalysis.Run"/> sorts them), so this merges the two
/// ordered streams. A foot that falls silent (one-foot sessions, a lost clip) would hold the other back without limit:
/// past <see cref="MaxHeld"/> held strides the oldest goes on regardless, so memory stays bounded.
/// </summary>
public sealed class ContactOrderSink(Action<StrideMetrics> next) : IGaitSink
{
    /// <summary>Strides held per foot before the oldest is handed on without its partner; ~2 min of running.</summary>
    public const int MaxHeld = 256;

    private readonly Queue<StrideMetrics> _left = new();
    private readonly Queue<StrideMetrics> _right = new();

    public void OnStride(in StrideMetrics stride)
    {
        if (!double.IsFinite(stride.IcTimeS)) return; // never placed in time: the analysis skips these too
        (stride.Foot == Foot.Left ? _left : _right).Enqueue(stride);
        while (_left.Count > 0 && _right.Count > 0) next(Earlier().Dequeue());
        if (_left.Count > MaxHeld) next(_left.Dequeue());
        if (_right.Count > MaxHeld) next(_right.Dequeue());
    }

    public void OnBout(in BoutSummary bout) { }

    /// <summary>Hands on what is held, in order (the end of the input).</summary>
    public void Complete()
    {
        while (_left.Count > 0 || _right.Count > 0)
            next((_left.Count == 0 ? _right : _right.Count == 0 ? _left : Earlier()).Dequeue());
    }

    // Equal contact times on both feet (practically never) go left first.
    private Queue<StrideMetrics> Earlier() => _right.Peek().IcTimeS < _left.Peek().IcTimeS ? _right : _left;
}
