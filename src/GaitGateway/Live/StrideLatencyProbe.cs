using GaitGateway.Storage.Sqlite;

namespace GaitGateway.Live;

/// <summary>
/// End-to-end stride latency of the live gateway, as issue 5 defines it: from the sensor timestamp of the sample that
/// closed a stride (the clip's clock mapped to host time by the session's clock estimator) to the commit that made
/// the stride durable in the store.
/// </summary>
/// <remarks>
/// <para>Strides are handed to the <see cref="StoreWriter"/> on the pipeline thread and committed in that order on the
/// writer's thread, so a FIFO of "closed at" times, popped by <see cref="StoreWriter.Committed"/>, pairs each commit
/// with its strides without touching the stride records. The FIFO is bounded by what the writer can hold (channel +
/// batches); should it ever overflow, measuring stops (the pairing would be wrong) rather than growing.</para>
/// <para>What the figure includes: packetisation (a notification leaves the clip only when its last sample is taken),
/// the radio and BlueZ, the notification channel, the pipeline and the store's commit. What it cannot include: the
/// smallest transport delay, which the clock estimator folds into the offset (it tracks the lower envelope of
/// receipt − sensor time; no receiver can separate a constant delay from a clock offset without a round trip).</para>
/// </remarks>
public sealed class StrideLatencyProbe
{
    private readonly Lock _gate = new();
    private readonly double[] _closedAtS;
    private readonly Func<double> _nowS;
    private readonly double _timeScale;
    private int _head, _count;
    private bool _overflowed;

    /// <param name="capacity">Strides that can be between hand-over and commit at once.</param>
    /// <param name="nowS">Now on the clock of the session times (the notification source's clock), s.</param>
    /// <param name="timeScale">How much faster than real time that clock runs (simulated sources); 1 for BlueZ.</param>
    /// <param name="maxSamples">Latencies kept for the percentiles (fixed memory; later ones are not kept).</param>
    public StrideLatencyProbe(int capacity, Func<double> nowS, double timeScale = 1, int maxSamples = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _closedAtS = new double[capacity];
        _nowS = nowS;
        _timeScale = timeScale > 0 ? timeScale : 1;
        ToStored = new LatencyRecorder(maxSamples);
    }

    /// <summary>Closing sample's sensor time → stride committed, real seconds.</summary>
    public LatencyRecorder ToStored { get; }

    /// <summary>True when the FIFO overflowed and measuring stopped.</summary>
    public bool Overflowed { get { lock (_gate) return _overflowed; } }

    /// <summary>A stride closed at <paramref name="closedAtS"/> (session time) is about to be queued for the store.</summary>
    public void HandedOver(double closedAtS)
    {
        lock (_gate)
        {
            if (_count == _closedAtS.Length) { _overflowed = true; return; }
            _closedAtS[(_head + _count) % _closedAtS.Length] = closedAtS;
            _count++;
        }
    }

    /// <summary>The writer committed (or failed) the oldest strides handed over: subscribe to <see cref="StoreWriter.Committed"/>.</summary>
    public void OnCommitted(StoreCommit commit)
    {
        var now = _nowS();
        lock (_gate)
        {
            for (var i = 0; i < commit.Strides + commit.FailedStrides && _count > 0; i++)
            {
                var closed = _closedAtS[_head];
                _head = (_head + 1) % _closedAtS.Length;
                _count--;
                if (i < commit.Strides && !_overflowed && double.IsFinite(closed)) ToStored.Add((now - closed) / _timeScale);
            }
        }
    }
}

/// <summary>Fixed-size latency sample for percentiles (no allocation while running; thread-safe).</summary>
public sealed class LatencyRecorder(int capacity)
{
    private readonly Lock _gate = new();
    private readonly double[] _s = new double[capacity];
    private int _n;

    public int Count { get { lock (_gate) return _n; } }

    public void Add(double seconds)
    {
        lock (_gate)
            if (_n < _s.Length) _s[_n++] = seconds;
    }

    /// <summary>The p-quantile (0–1) of what was added, s; NaN when empty.</summary>
    public double Percentile(double p)
    {
        double[] copy;
        lock (_gate)
        {
            if (_n == 0) return double.NaN;
            copy = _s.AsSpan(0, _n).ToArray();
        }

        Array.Sort(copy);
        return copy[Math.Clamp((int)Math.Ceiling(p * copy.Length) - 1, 0, copy.Length - 1)];
    }
}
