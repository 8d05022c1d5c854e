using System.Globalization;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Pipeline;

/// <summary>
/// Replaying an input whose session is already in the store (a replay killed half-way, or the same file again):
/// replay is deterministic, so the session's stored strides are the first ones this replay produces, per foot, and its
/// stored bouts the first bouts. Those are checked against the stored ones (initial-contact time, exactly) and
/// dropped; only what follows them reaches <paramref name="next"/>. Nothing is stored twice and nothing is deleted.
/// Until every stored stride has been matched, new strides and bouts are held back, so a session that turns out not to
/// match (stored by a gaitgw whose DSP differs) gets nothing added: <see cref="Complete"/> throws
/// <see cref="InputException"/> and the store is untouched. (It does not throw from inside the pipeline.)
/// </summary>
/// <param name="input">The replayed file(s), for the error line.</param>
public sealed class ResumingSink(IGaitSink next, long sessionId, IReadOnlyList<StrideMetrics> stored, int storedBouts, string input) : IGaitSink
{
    private readonly Queue<double>[] _storedIc =
    [
        new(stored.Where(s => s.Foot == Foot.Left).Select(s => s.IcTimeS)),
        new(stored.Where(s => s.Foot == Foot.Right).Select(s => s.IcTimeS)),
    ];
    private readonly List<(StrideMetrics? Stride, BoutSummary Bout)> _held = [];
    private int _boutsToSkip = storedBouts;
    private string? _mismatch;

    public long StoredStrides { get; } = stored.Count;
    public long AddedStrides { get; private set; }

    private bool Matched => _storedIc[0].Count == 0 && _storedIc[1].Count == 0;

    public void OnStride(in StrideMetrics stride)
    {
        if (_mismatch is not null) return;
        var queue = _storedIc[(int)stride.Foot];
        if (queue.TryDequeue(out var ic))
        {
            if (!ic.Equals(stride.IcTimeS))
            {
                _mismatch = string.Create(CultureInfo.InvariantCulture, $"{stride.Foot.ToWord()} contact at {ic:0.######} s stored, {stride.IcTimeS:0.######} s replayed");
                _held.Clear();
                return;
            }

            Release();
            return;
        }

        AddedStrides++;
        if (Matched) next.OnStride(stride);
        else _held.Add((stride, default));
    }

    public void OnBout(in BoutSummary bout)
    {
        if (_mismatch is not null) return;
        if (_boutsToSkip > 0) { _boutsToSkip--; return; }
        if (Matched) next.OnBout(bout);
        else _held.Add((null, bout));
    }

    /// <summary>End of the replay: every stored stride must have been produced again.</summary>
    public void Complete()
    {
        if (_mismatch is not null) throw Mismatch(_mismatch);
        if (!Matched) throw Mismatch($"{_storedIc[0].Count + _storedIc[1].Count} stored strides more than this replay makes");
        Release();
    }

    /// <summary>The line the CLI prints: which session, and whether anything was added.</summary>
    public string Describe(string input) => AddedStrides == 0
        ? $"session {sessionId} already held this {input} ({StoredStrides} strides): nothing added"
        : $"resumed session {sessionId} of this {input}: {StoredStrides} strides were stored, {AddedStrides} added";

    private void Release()
    {
        if (!Matched || _held.Count == 0) return;
        foreach (var (stride, bout) in _held)
        {
            if (stride is { } s) next.OnStride(s);
            else next.OnBout(bout);
        }

        _held.Clear();
    }

    private InputException Mismatch(string detail) =>
        new($"{input}: session {sessionId} holds this input with other strides ({detail}; stored by another gaitgw version?): nothing added");
}
