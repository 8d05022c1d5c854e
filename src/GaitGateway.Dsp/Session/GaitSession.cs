using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Dsp.BothFeet;
using GaitGateway.Dsp.Ingest;

namespace GaitGateway.Dsp.Session;

/// <summary>Receives a session's results. Called synchronously on the pipeline's thread: hand off, don't block.</summary>
public interface IGaitSink
{
    void OnStride(in StrideMetrics stride);
    void OnBout(in BoutSummary bout);
}

/// <summary>Settings of <see cref="GaitSession"/>.</summary>
/// <param name="FlightWaitS">How long a stride waits for the other foot's next contact to compute flight time, s of
/// data. Default 1.0 s; after that flight time is left empty rather than holding the stride back.</param>
public sealed record GaitSessionSettings(double FlightWaitS = 1.0)
{
    public FootPipelineSettings Pipeline { get; init; } = new();
    /// <summary>Overstriding judged over both feet (<see cref="Overstride.OverstrideAssessor"/>).</summary>
    public Overstride.OverstrideAssessorSettings Overstride { get; init; } = new();
    /// <summary>The runner's speed-matched baseline from her stored sessions; null = learn from this session only.
    /// The session keeps adding its steady running to it.</summary>
    public Overstride.OverstrideBaseline? OverstrideHistory { get; init; }
    public BoutSettings Bouts { get; init; } = new();
    public SensorClockSettings Clock { get; init; } = new();
}

/// <summary>
/// One runner's session: notifications (live or replayed) or samples (CSV) in, strides and bouts out. Both feet are
/// combined here: flight time (this foot's toe-off to the other foot's next contact; negative = double support) and
/// walk/run bouts. Pure and synchronous — the same object runs behind BlueZ, the simulator and replay.
/// </summary>
public sealed class GaitSession
{
    private const int MaxPending = 8;
    private readonly GaitSessionSettings _settings;
    private readonly IGaitSink _sink;
    private readonly FootChannel?[] _bySensor;
    private readonly FootChannel?[] _byFoot = new FootChannel?[2];
    private readonly BoutTracker _bouts;
    private readonly Overstride.OverstrideAssessor _overstride;
    private readonly ImuSample[] _scratch = new ImuSample[ImuPacket.MaxSamples];
    private double _dataTimeS = double.NegativeInfinity;
    private bool _completing;
    // ResolvePending's answer changes only when a contact or a stride arrives, or when the data time passes the earliest
    // pending stride's wait: it runs then, not on every sample (it scanned the other foot's contacts per sample while a
    // stride waited, half of all samples).
    private bool _resolveDue;
    private double _earliestWaitFromS = double.PositiveInfinity;

    public GaitSession(IReadOnlyList<RecordingSensor> sensors, IGaitSink sink, GaitSessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        _settings = settings ?? new GaitSessionSettings();
        _sink = sink;
        _bouts = new BoutTracker(_settings.Bouts);
        _overstride = new Overstride.OverstrideAssessor(_settings.Overstride, _settings.OverstrideHistory, _settings.Pipeline.Overstride.ReferenceBrakingShare);
        _bySensor = new FootChannel?[sensors.Count == 0 ? 0 : sensors.Max(s => s.Index) + 1];
        foreach (var s in sensors)
        {
            if (s.Kind != "imu" || !FootNames.TryParse(s.Foot, out var foot)) continue;
            if (_byFoot[(int)foot] is not null) continue; // one clip per foot; a second one is ignored
            var ch = new FootChannel(foot, new FootPipeline(foot, _settings.Pipeline), new ImuStreamDecoder(_settings.Clock));
            _bySensor[s.Index] = ch;
            _byFoot[(int)foot] = ch;
        }

        // A Running Speed and Cadence footpod stands in for the clips only when the runner has none.
        if (_byFoot[0] is null && _byFoot[1] is null && sensors.FirstOrDefault(s => s.Kind == "rsc") is { } pod)
            _footpodFoot = FootNames.TryParse(pod.Foot, out var pf) ? pf : Foot.Left;
    }

    /// <summary>For sample sources without packets (CSV import): one channel per foot present.</summary>
    public static GaitSession ForFeet(IEnumerable<Foot> feet, IGaitSink sink, GaitSessionSettings? settings = null)
    {
        var sensors = feet.Distinct().Select((f, i) => new RecordingSensor { Index = i, Id = f.ToWord(), Foot = f.ToWord() }).ToList();
        return new GaitSession(sensors, sink, settings);
    }

    private readonly Foot? _footpodFoot;
    private double _footpodLastS = double.NaN;

    public long RscMeasurements { get; private set; }
    public RscMeasurement? LastRsc { get; private set; }
    public long StridesEmitted { get; private set; }

    /// <summary>
    /// Session time (s, the sensors' clocks mapped to host time) of the newest sample when the last stride was
    /// emitted: the moment its metrics were final. The live gateway measures stride latency from here to the commit.
    /// NaN for strides released by <see cref="Complete"/> (closed by the end of input, not by a sample).
    /// </summary>
    public double LastStrideClosedAtS { get; private set; } = double.NaN;

    public SensorStreamStats? StatsFor(int sensorIndex) =>
        sensorIndex < _bySensor.Length && _bySensor[sensorIndex] is { } ch ? ch.Decoder.Stats : null;

    public FootPipeline? PipelineFor(Foot foot) => _byFoot[(int)foot]?.Pipeline;

    /// <summary>The overstriding judgement over both feet (its baseline and diagnostics).</summary>
    public Overstride.OverstrideAssessor Overstride => _overstride;

    public void OnNotification(in Notification n)
    {
        if (n.Kind == FrameKind.RscMeasurement)
        {
            if (RscMeasurement.TryDecode(n.Payload, out var m))
            {
                RscMeasurements++;
                LastRsc = m;
                if (_footpodFoot is { } foot) OnFootpod(foot, n.HostTimeUs / 1e6, m);
            }

            return;
        }

        if (n.Kind != FrameKind.ImuData || n.SensorIndex >= _bySensor.Length || _bySensor[n.SensorIndex] is not { } ch) return;
        var count = ch.Decoder.Decode(n.Payload, n.HostTimeUs, _scratch);
        for (var i = 0; i < count; i++) Feed(ch, _scratch[i]);
    }

    public void OnSample(Foot foot, in ImuSample sample)
    {
        if (_byFoot[(int)foot] is { } ch) Feed(ch, sample);
    }

    /// <summary>End of input: releases held strides and closes the open bout.</summary>
    public void Complete()
    {
        _completing = true;
        foreach (var ch in _byFoot)
        {
            if (ch is null) continue;
            // Until it has nothing left: a held stride (the second of two across a stance lost in a gap) comes first.
            var addedIc = double.NaN;
            while (ch.Pipeline.Flush(out var last))
            {
                var ic = ch.Pipeline.LastIcTimeS;
                if (double.IsFinite(ic) && !ic.Equals(addedIc)) ch.AddIc(ch.Decoder.ToSessionS(addedIc = ic));
                Enqueue(ch, last);
            }
        }

        ResolvePending();
        foreach (var ch in _byFoot)
        {
            if (ch is null) continue;
            while (ch.PendingCount > 0) EmitPending(ch, double.NaN);
        }

        if (_bouts.Complete(out var bout)) _sink.OnBout(bout);
    }

    /// <summary>
    /// Footpod-only runners: one stride record per stride time from the latest measurement, with what a footpod knows
    /// (speed, cadence, stride length; contact, strike and events stay empty). Cadence is steps/min as the RSC spec
    /// says; stride time = 120 / cadence. Stride length is the pod's value, else speed × stride time.
    /// </summary>
    private void OnFootpod(Foot foot, double timeS, in RscMeasurement m)
    {
        if (m.CadenceSpm <= 0 || !(m.SpeedMps > 0)) { _footpodLastS = double.NaN; return; }
        var strideTime = 120.0 / m.CadenceSpm;
        if (double.IsNaN(_footpodLastS)) { _footpodLastS = timeS; return; }
        while (timeS - _footpodLastS >= strideTime)
        {
            var length = m.StrideLengthM is { } l && l > 0 ? l : m.SpeedMps * strideTime;
            var s = new StrideMetrics
            {
                Foot = foot,
                IcTimeS = _footpodLastS,
                NextIcTimeS = _footpodLastS + strideTime,
                ToTimeS = double.NaN,
                StrideTimeS = strideTime,
                StrideLengthM = length,
                SpeedMps = m.SpeedMps,
                CadenceSpm = m.CadenceSpm,
                ContactTimeS = double.NaN,
                FlightTimeS = double.NaN,
                SwingTimeS = double.NaN,
                StepTimeS = double.NaN,
                DutyFactor = double.NaN,
                StrikeAngleDeg = double.NaN,
                PeakImpactG = double.NaN,
                FootClearanceM = double.NaN,
                PeakSwingSpeedMps = double.NaN,
                OverstrideIndex = double.NaN,
                CalfLoad = double.NaN,
                Gait = m.IsRunning ? Gait.Run : Gait.Walk,
            };
            _footpodLastS += strideTime;
            StridesEmitted++;
            LastStrideClosedAtS = timeS;
            _sink.OnStride(s);
            if (_bouts.Add(s, out var bout)) _sink.OnBout(bout);
        }
    }

    private void Feed(FootChannel ch, in ImuSample sample)
    {
        var hadIc = ch.Pipeline.LastIcTimeS;
        var done = ch.Pipeline.Update(sample, out var stride);
        var ic = ch.Pipeline.LastIcTimeS;
        var now = ch.Decoder.ToSessionS(sample.TimeS);
        if (double.IsFinite(now) && now > _dataTimeS) _dataTimeS = now;
        if (!ic.Equals(hadIc) && double.IsFinite(ic))
        {
            ch.AddIc(ch.Decoder.ToSessionS(ic));
            _resolveDue = true;
        }

        if (done)
        {
            // Two strides across a stance lost in a gap: the contact between them is not the pipeline's latest, and
            // the other foot's flight times need it.
            if ((stride.Flags & StrideFlags.GapBridged) != 0 && double.IsFinite(stride.NextIcTimeS) && !stride.NextIcTimeS.Equals(ic))
                ch.AddIc(ch.Decoder.ToSessionS(stride.NextIcTimeS));
            Enqueue(ch, stride);
            _resolveDue = true;
        }

        // The same test as ResolvePending's on the stride that waits longest (a difference is monotonic in its operand,
        // so no other stride can be due when this one is not).
        if (_resolveDue || _dataTimeS - _earliestWaitFromS > _settings.FlightWaitS) ResolvePending();
    }

    private void Enqueue(FootChannel ch, in StrideMetrics stride)
    {
        var mapped = stride with
        {
            IcTimeS = ch.Decoder.ToSessionS(stride.IcTimeS),
            ToTimeS = ch.Decoder.ToSessionS(stride.ToTimeS),
            NextIcTimeS = ch.Decoder.ToSessionS(stride.NextIcTimeS),
        };
        if (ch.PendingCount == MaxPending) EmitPending(ch, double.NaN);
        ch.Pending[ch.PendingCount++] = mapped;
    }

    private void ResolvePending()
    {
        for (var f = 0; f < 2; f++)
        {
            var ch = _byFoot[f];
            if (ch is null) continue;
            var other = _byFoot[1 - f];
            while (ch.PendingCount > 0)
            {
                ref readonly var s = ref ch.Pending[0];
                if (other is null) { EmitPending(ch, double.NaN); continue; }
                var next = other.FirstIcAfter(s.IcTimeS + 0.02);
                if (double.IsFinite(next) && next < s.NextIcTimeS + 0.02)
                {
                    EmitPending(ch, next - s.ToTimeS);
                    continue;
                }

                if (_dataTimeS - s.NextIcTimeS > _settings.FlightWaitS) { EmitPending(ch, double.NaN); continue; }
                break;
            }
        }

        _resolveDue = false;
        _earliestWaitFromS = double.PositiveInfinity;
        foreach (var ch in _byFoot)
        {
            // A NaN next contact never times out above, and never compares smaller here.
            if (ch is { PendingCount: > 0 } && ch.Pending[0].NextIcTimeS < _earliestWaitFromS) _earliestWaitFromS = ch.Pending[0].NextIcTimeS;
        }
    }

    private void EmitPending(FootChannel ch, double flightS)
    {
        var other = _byFoot[1 - (int)ch.Foot];
        var lastOther = other?.LastIcBefore(ch.Pending[0].IcTimeS - 0.02) ?? double.NaN;
        var step = ch.Pending[0].IcTimeS - lastOther;
        var s = ch.Pending[0] with { FlightTimeS = flightS, StepTimeS = step > 0 && step < ch.Pending[0].StrideTimeS ? step : double.NaN };
        // Overstriding is judged over both feet and several strides, so the per-foot flag is replaced here.
        s = _overstride.Assess(s);
        Array.Copy(ch.Pending, 1, ch.Pending, 0, ch.PendingCount - 1);
        ch.PendingCount--;
        StridesEmitted++;
        LastStrideClosedAtS = _completing ? double.NaN : _dataTimeS;
        _sink.OnStride(s);
        if (_bouts.Add(s, out var bout)) _sink.OnBout(bout);
    }

    private sealed class FootChannel(Foot foot, FootPipeline pipeline, ImuStreamDecoder decoder)
    {
        private readonly double[] _ics = new double[16];
        private int _icCount;

        public Foot Foot { get; } = foot;
        public FootPipeline Pipeline { get; } = pipeline;
        public ImuStreamDecoder Decoder { get; } = decoder;
        public StrideMetrics[] Pending { get; } = new StrideMetrics[MaxPending];
        public int PendingCount { get; set; }

        public void AddIc(double t)
        {
            _ics[_icCount % _ics.Length] = t;
            _icCount++;
        }

        public double LastIcBefore(double t)
        {
            var best = double.NegativeInfinity;
            var n = Math.Min(_icCount, _ics.Length);
            for (var i = 0; i < n; i++)
                if (_ics[i] < t && _ics[i] > best) best = _ics[i];
            return double.IsNegativeInfinity(best) ? double.NaN : best;
        }

        public double FirstIcAfter(double t)
        {
            var best = double.PositiveInfinity;
            var n = Math.Min(_icCount, _ics.Length);
            for (var i = 0; i < n; i++)
                if (_ics[i] > t && _ics[i] < best) best = _ics[i];
            return best;
        }
    }
}
