using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;
using GaitGateway.Storage;
using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Pipeline;

/// <summary>
/// Commits strides and bouts to the embedded store in small batches: at most <see cref="BatchSize"/> strides or one
/// second of data are ever uncommitted, so a crash loses at most that.
/// </summary>
public sealed class StoreSink(SqliteStore store, long sessionId) : IGaitSink, IDisposable
{
    public const int BatchSize = 256;
    private readonly List<StrideMetrics> _strides = new(BatchSize);
    private readonly List<BoutSummary> _bouts = [];
    private double _firstPendingS = double.NaN;

    public long Committed { get; private set; }

    public void OnStride(in StrideMetrics stride)
    {
        _strides.Add(stride);
        if (double.IsNaN(_firstPendingS)) _firstPendingS = stride.IcTimeS;
        if (_strides.Count >= BatchSize || stride.IcTimeS - _firstPendingS >= 1.0) Flush();
    }

    public void OnBout(in BoutSummary bout)
    {
        _bouts.Add(bout);
        Flush();
    }

    public void Flush()
    {
        if (_strides.Count > 0)
        {
            store.AppendStrides(sessionId, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_strides));
            Committed += _strides.Count;
            _strides.Clear();
        }

        if (_bouts.Count > 0)
        {
            store.AppendBouts(sessionId, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bouts));
            _bouts.Clear();
        }

        _firstPendingS = double.NaN;
    }

    public void Dispose() => Flush();
}
