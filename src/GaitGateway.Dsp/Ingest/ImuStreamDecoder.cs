using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;

namespace GaitGateway.Dsp.Ingest;

/// <summary>Per-sensor packet counters (reported in logs, the store and InfluxDB's sensor_status).</summary>
public readonly record struct SensorStreamStats(long Packets, long LostPackets, long Malformed, long Samples, long ClockResets, double OffsetS, double DriftPpm);

/// <summary>
/// Turns one sensor's IMU data notifications into SI samples: validates the header, unwraps the uint16 sequence and
/// uint32 µs timestamp, counts lost packets, maps the sensor clock to session time and flags clipping and gaps.
/// Samples are timed on the sensor's own clock (uniform, jitter-free) shifted by the first offset; the DSP runs on
/// that, and event times are mapped to session time afterwards with <see cref="ToSessionS"/>, which follows the
/// offset and drift estimate. Allocation-free per packet.
/// </summary>
public sealed class ImuStreamDecoder
{
    private readonly SensorClock _clock;
    private bool _started;
    private ushort _lastSeq;
    private uint _lastRawUs;
    private long _unwrappedUs;
    private long _epochBaseUs;
    private double _dspOffsetS = double.NaN;
    private double _expectedNextS = double.NaN;
    private long _packets, _lost, _malformed, _samples, _clockResets;
    // i / rate for each sample of a packet, computed when the rate changes: the same doubles as dividing per sample,
    // without a division per sample.
    private readonly double[] _sampleOffsetS = new double[ImuPacket.MaxSamples];
    private double _offsetsRateHz = double.NaN;

    public ImuStreamDecoder(SensorClockSettings? clock = null) => _clock = new SensorClock(clock);

    public SensorStreamStats Stats => new(_packets, _lost, _malformed, _samples, _clockResets, _clock.OffsetS, _clock.DriftPpm);

    /// <summary>The most recent packet's header error, for logging.</summary>
    public ImuPacketError LastError { get; private set; }

    /// <summary>Decodes one notification into <paramref name="destination"/>; returns the number of samples (0 if rejected).</summary>
    public int Decode(ReadOnlySpan<byte> payload, long hostTimeUs, Span<ImuSample> destination)
    {
        LastError = ImuPacket.TryDecodeHeader(payload, out var h);
        if (LastError != ImuPacketError.None)
        {
            _malformed++;
            return 0;
        }

        var gap = false;
        if (!_started)
        {
            _started = true;
            _unwrappedUs = h.SensorTimeUs;
            _epochBaseUs = h.SensorTimeUs;
        }
        else
        {
            var seqStep = (ushort)(h.Sequence - _lastSeq);
            if (seqStep != 1)
            {
                // A sequence that jumps back (or anything ≥ half the range) is a restart, not 65 000 lost packets.
                if (seqStep is 0 or > 32768) { gap = true; }
                else { _lost += seqStep - 1; gap = true; }
            }

            var step = h.SensorTimeUs - _lastRawUs; // uint arithmetic: wrap-around at 2^32 µs (~71.6 min) is free
            if (step > int.MaxValue || (h.Flags & ImuPacketFlags.StreamStart) != 0 && step > 60_000_000u)
            {
                // Sensor clock went backwards: the clip rebooted. Start a new epoch on the host's word.
                _clockResets++;
                _clock.Reset();
                _epochBaseUs = h.SensorTimeUs;
                _unwrappedUs = h.SensorTimeUs;
                _dspOffsetS = double.NaN;
                gap = true;
            }
            else
            {
                _unwrappedUs += step;
            }
        }

        _lastSeq = h.Sequence;
        _lastRawUs = h.SensorTimeUs;
        _packets++;

        var rate = (double)h.SampleRateHz;
        var t0SensorS = (_unwrappedUs - _epochBaseUs) / 1e6;
        var lastSampleS = t0SensorS + ((h.SampleCount - 1) / rate);
        var hostS = hostTimeUs / 1e6;
        _clock.Observe(lastSampleS, hostS);
        if (double.IsNaN(_dspOffsetS)) _dspOffsetS = _clock.OffsetS;

        if (!double.IsNaN(_expectedNextS) && t0SensorS - _expectedNextS > 1.5 / rate) gap = true;
        _expectedNextS = t0SensorS + (h.SampleCount / rate);

        var n = Math.Min(h.SampleCount, destination.Length); // the header check holds SampleCount to MaxSamples
        var scale = CountScale.For(h.AccRange, h.GyroRange);
        if (rate != _offsetsRateHz)
        {
            for (var i = 0; i < _sampleOffsetS.Length; i++) _sampleOffsetS[i] = i / rate;
            _offsetsRateHz = rate;
        }

        var offsets = _sampleOffsetS.AsSpan(0, n);
        for (var i = 0; i < offsets.Length; i++)
        {
            var raw = ImuPacket.ReadSample(payload, i);
            destination[i] = ImuScale.ToSample(raw, t0SensorS + offsets[i] + _dspOffsetS, scale);
        }

        if (gap && n > 0) destination[0] = destination[0] with { Flags = destination[0].Flags | ImuSampleFlags.GapBefore };

        _samples += n;
        return n;
    }

    /// <summary>Maps a time produced by the DSP (sample time base) to session time with the current clock estimate.</summary>
    public double ToSessionS(double dspTimeS)
    {
        if (!double.IsFinite(dspTimeS) || double.IsNaN(_dspOffsetS)) return dspTimeS;
        return _clock.ToHostS(dspTimeS - _dspOffsetS);
    }
}
