namespace GaitGateway.Dsp.Ingest;

/// <summary>Settings of <see cref="SensorClock"/>.</summary>
/// <param name="BinS">Width of the bins whose minimum delay is kept, s. Default 2 s: several BLE connection events
/// per bin, so each bin's minimum is close to the true minimum latency.</param>
/// <param name="BinCount">How many bins the offset/drift line is fitted over. Default 60 (two minutes): a host busy for
/// tens of seconds leaves no fast delivery in that stretch, and the longer the quiet stretches around it, the less the
/// line's slope leans on it (synthetic deliveries late in 30 % of 3-s spells: 90th percentile of the worst error over a
/// run 0.55 → 0.47 ms against one minute; in 50 %: 6.6 → 2.1 ms). A crystal's drift wandering by ±5 ppm over five
/// minutes costs nothing measurable at two minutes (<c>SensorClockTests</c>).</param>
public sealed record SensorClockSettings(double BinS = 2.0, int BinCount = 60);

/// <summary>
/// Maps a sensor's microsecond clock to session (host) time: offset and drift from the lower envelope of
/// (host receive time − sensor time). Latency is always positive and jitters with the connection interval, so the
/// envelope's minimum is the best estimate of the true offset; a line under the per-bin minima gives the drift
/// (crystal error, ±50 ppm) — see firmware-notes/clock-sync.md. Allocation-free; deterministic given the packets, so
/// replay maps exactly as live did.
/// </summary>
public sealed class SensorClock
{
    private readonly SensorClockSettings _settings;
    private readonly double[] _binT;
    private readonly double[] _binMin;
    private readonly int[] _hull;
    private int _bins;
    private double _curBinStart = double.NaN, _curMin = double.PositiveInfinity, _curT;

    public SensorClock(SensorClockSettings? settings = null)
    {
        _settings = settings ?? new SensorClockSettings();
        _binT = new double[_settings.BinCount];
        _binMin = new double[_settings.BinCount];
        _hull = new int[_settings.BinCount];
    }

    /// <summary>Current offset estimate: host − sensor, s, at sensor time 0.</summary>
    public double OffsetS { get; private set; } = double.NaN;
    /// <summary>Current drift estimate, parts per million (host seconds per sensor second − 1).</summary>
    public double DriftPpm { get; private set; }

    /// <summary>Adds one observation: a sample taken at <paramref name="sensorS"/> arrived at <paramref name="hostS"/>.</summary>
    public void Observe(double sensorS, double hostS)
    {
        var delay = hostS - sensorS;
        if (double.IsNaN(_curBinStart)) { _curBinStart = sensorS; }
        if (sensorS - _curBinStart >= _settings.BinS)
        {
            PushBin();
            _curBinStart = sensorS;
            _curMin = double.PositiveInfinity;
        }

        if (delay < _curMin) { _curMin = delay; _curT = sensorS; }
        if (_bins < 2)
        {
            // Too little history for a line: the running minimum is the estimate.
            OffsetS = double.IsNaN(OffsetS) ? delay : Math.Min(OffsetS, delay);
        }
    }

    public double ToHostS(double sensorS) => sensorS + OffsetS + (DriftPpm * 1e-6 * sensorS);

    public void Reset()
    {
        _bins = 0;
        _curBinStart = double.NaN;
        _curMin = double.PositiveInfinity;
        OffsetS = double.NaN;
        DriftPpm = 0;
    }

    private void PushBin()
    {
        if (double.IsInfinity(_curMin)) return;
        if (_bins == _binT.Length)
        {
            Array.Copy(_binT, 1, _binT, 0, _bins - 1);
            Array.Copy(_binMin, 1, _binMin, 0, _bins - 1);
            _bins--;
        }

        _binT[_bins] = _curT;
        _binMin[_bins] = _curMin;
        _bins++;
        if (_bins < 2) return;
        FitLowerEnvelope();
    }

    /// <summary>
    /// The line under every bin minimum that lies highest at the bins' mean time: the edge of their lower convex hull
    /// that spans that time. It minimises the summed distance from the line up to the minima under the constraint that
    /// none lies below it (Moon, Skelly &amp; Towsley 1999, "Estimation and removal of clock skew from network delay
    /// measurements", IEEE INFOCOM, 227–234 — the linear-programming skew estimator; its optimum is that hull edge, as
    /// Zhang, Liu &amp; Xia 2002, "Clock synchronization algorithms for network measurements", INFOCOM, show). A
    /// least-squares line through the minima, used before, is pulled up by every bin whose fastest packet was still
    /// late (a busy host: BlueZ, D-Bus or the gateway scheduled late for a whole bin); the hull edge rests only on the
    /// lowest ones.
    /// </summary>
    private void FitLowerEnvelope()
    {
        // Monotone chain over the bins (already in time order): keep a point only while the hull turns left.
        var h = 0;
        var meanT = 0.0;
        for (var i = 0; i < _bins; i++)
        {
            meanT += _binT[i];
            while (h >= 2 && Cross(_hull[h - 2], _hull[h - 1], i) <= 0) h--;
            _hull[h++] = i;
        }

        meanT /= _bins;
        var e = 0;
        while (e < h - 2 && _binT[_hull[e + 1]] < meanT) e++;
        int i0 = _hull[e], i1 = _hull[e + 1];
        var dt = _binT[i1] - _binT[i0];
        var slope = dt > 1e-9 ? (_binMin[i1] - _binMin[i0]) / dt : 0;
        slope = Math.Clamp(slope, -500e-6, 500e-6); // no real crystal is worse than ±500 ppm
        // Through the lowest point for that slope (the edge's own ends unless the slope was clamped).
        var offset = double.PositiveInfinity;
        for (var i = 0; i < _bins; i++) offset = Math.Min(offset, _binMin[i] - (slope * _binT[i]));
        OffsetS = offset;
        DriftPpm = slope * 1e6;
    }

    /// <summary>&gt; 0 when bin <paramref name="c"/> lies above the line from bin <paramref name="a"/> to <paramref name="b"/>
    /// (a left turn: b stays on the lower hull).</summary>
    private double Cross(int a, int b, int c) =>
        ((_binT[b] - _binT[a]) * (_binMin[c] - _binMin[a])) - ((_binMin[b] - _binMin[a]) * (_binT[c] - _binT[a]));
}
