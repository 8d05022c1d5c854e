namespace GaitGateway.Dsp.Ingest;

/// <summary>Settings of <see cref="SensorClock"/>.</summary>
/// <param name="BinS">Width of the bins whose minimum delay is kept, s. Default 2 s: several BLE connection events
/// per bin, so each bin's minimum is close to the true minimum latency.</param>
/// <param name="BinCount">How many bins the offset/drift line is fitted over. Default 30 (one minute).</param>
public sealed record SensorClockSettings(double BinS = 2.0, int BinCount = 30);

/// <summary>
/// Maps a sensor's microsecond clock to session (host) time: offset and drift from the lower envelope of
/// (host receive time − sensor time). Latency is always positive and jitters with the connection interval, so the
/// envelope's minimum is the best estimate of the true offset; a line fitted through per-bin minima gives the drift
/// (crystal error, ±50 ppm) — see firmware-notes/clock-sync.md. Allocation-free; deterministic given the packets, so
/// replay maps exactly as live did.
/// </summary>
public sealed class SensorClock
{
    private readonly SensorClockSettings _settings;
    private readonly double[] _binT;
    private readonly double[] _binMin;
    private int _bins;
    private double _curBinStart = double.NaN, _curMin = double.PositiveInfinity, _curT;

    public SensorClock(SensorClockSettings? settings = null)
    {
        _settings = settings ?? new SensorClockSettings();
        _binT = new double[_settings.BinCount];
        _binMin = new double[_settings.BinCount];
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
        // Least squares through the bin minima.
        double st = 0, sm = 0, stt = 0, stm = 0;
        for (var i = 0; i < _bins; i++)
        {
            st += _binT[i]; sm += _binMin[i]; stt += _binT[i] * _binT[i]; stm += _binT[i] * _binMin[i];
        }

        var n = (double)_bins;
        var den = (n * stt) - (st * st);
        var slope = den > 1e-9 ? ((n * stm) - (st * sm)) / den : 0;
        slope = Math.Clamp(slope, -500e-6, 500e-6); // no real crystal is worse than ±500 ppm
        OffsetS = (sm - (slope * st)) / n;
        DriftPpm = slope * 1e6;
    }
}
