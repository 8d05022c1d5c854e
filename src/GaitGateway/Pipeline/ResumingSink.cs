using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>
/// Replaying an input whose session is already in the store (a replay killed half-way, or the same file again):
/// replay is deterministic, so the session's stored strides are the first ones this replay produces, per foot, and its
/// stored bouts the first bouts. Those are checked against the stored ones (initial-contact time, exactly) and
/// dropped; only what follows them reaches <paramref name="next"/>. Nothing is stored twice and nothing is deleted.
/// </summary>
public sealed class ResumingSink(IGaitSink next, long sessionId, IReadOnlyList<StrideMetrics> stored, int storedBouts) : IGaitSink
{
    private readonly Queue<double>[] _storedIc =
    [
        new(stored.Where(s => s.Foot == Foot.Left).Select(s => s.IcTimeS)),
        new(stored.Where(s => s.Foot == Foot.Right).Select(s => s.IcTimeS)),
    ];
    private int _boutsToSkip = storedBouts;

    public long StoredStrides { get; } = stored.Count;
    public long AddedStrides { get; private set; }

    /// <summary>The line the CLI prints: which session, and whether anything was added.</summary>
    public string Describe(string input) => AddedStrides == 0
        ? $"session {sessionId} already held this {input} ({StoredStrides} strides): nothing added"
        : $"resumed session {sessionId} of this {input}: {StoredStrides} strides were stored, {AddedStrides} added";

    public void OnStride(in StrideMetrics stride)
    {
        var queue = _storedIc[(int)stride.Foot];
        if (queue.TryDequeue(out var ic))
        {
            if (!ic.Equals(stride.IcTimeS))
            {
                throw new InputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"session {sessionId} holds this input with other strides ({stride.Foot.ToWord()} contact at {ic:0.######} s, this replay {stride.IcTimeS:0.######} s; stored by another gaitgw version?): not resumed"));
            }

            return;
        }

        AddedStrides++;
        next.OnStride(stride);
    }

    public void OnBout(in BoutSummary bout)
    {
        if (_boutsToSkip > 0) { _boutsToSkip--; return; }
        next.OnBout(bout);
    }
}
