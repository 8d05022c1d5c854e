using System.Buffers.Binary;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.BlueZSim;

/// <summary>
/// Who wears a simulated clip: the runner's plan and settings (seed = base seed + runner index) and which foot.
/// The sensor fields of <see cref="Settings"/> (rate, ranges, samples per packet) are replaced by the clip's
/// configuration characteristic when a session starts.
/// </summary>
internal sealed record ClipSimulation(string PlanName, SimulationSettings Settings, Foot Foot);

/// <summary>
/// One clip's IMU notifications from <see cref="SimulatedShoeClip.Notifications"/>, with their host times as pacing,
/// repeated forever: when the plan (lead-in, segments, lead-out, all from one <see cref="SimulatedRun"/>) ends it
/// starts again from the top.
/// </summary>
/// <remarks>
/// The first pass is byte-for-byte what the simulator emits. Later passes are the same packets with the header
/// moved on so the stream stays one continuous session, as real firmware would send it: sequence numbers and sensor
/// time continue from where the previous pass ended (the next sample is one sample period after the last), the
/// <see cref="ImuPacketFlags.StreamStart"/> flag of the plan's first packet is cleared, and host times are shifted by
/// the pass length in true time (sensor span ÷ (1 + drift)). The pass boundary is standing still (lead-out, then
/// lead-in), so the signal is continuous enough; the noise repeats, which nothing downstream can tell. If the last
/// packet of a pass was lost on air (only with --loss), the next pass joins on to the last delivered one instead.
/// </remarks>
internal sealed class ShoeClipFeed
{
    private readonly SimulatedShoeClip _clip;
    private readonly byte[] _packet = new byte[ImuPacket.MaxPacketBytes];
    private IEnumerator<Notification> _pass;
    private int _passes;

    // Measured on the first pass (unpatched headers): where it starts and how its last delivered packet ends.
    private bool _haveFirst;
    private ushort _firstSequence;
    private uint _firstTimeUs;
    private ushort _lastSequence;
    private uint _lastTimeUs;
    private int _lastSampleCount;
    private int _rateHz;

    // What each pass adds to the first pass's headers and host times.
    private ushort _sequenceSpan;
    private uint _sensorSpanUs;
    private long _hostSpanUs;

    private readonly SimulatedRun _run;

    private ShoeClipFeed(SimulatedRun run, SimulatedShoeClip clip, ShoeClipConfig config)
    {
        _run = run;
        _clip = clip;
        Config = config;
        _pass = clip.Notifications().GetEnumerator();
    }

    /// <summary>The configuration this feed's packets were generated with.</summary>
    public ShoeClipConfig Config { get; }

    /// <summary>When the current packet reaches the host, µs of true time since the session started.</summary>
    public long HostTimeUs { get; private set; }

    /// <summary>The current packet (valid after <see cref="MoveNext"/>); it may be changed in place (flags).</summary>
    public Span<byte> Packet => _packet.AsSpan(0, Length);

    public int Length { get; private set; }

    /// <summary>Builds the clip's run; rate, ranges and samples per packet come from <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The plan or a setting is invalid.</exception>
    public static ShoeClipFeed Create(ClipSimulation who, ShoeClipConfig config)
    {
        var settings = who.Settings with
        {
            SampleRateHz = config.SampleRateHz,
            AccRange = config.AccRange,
            GyroRange = config.GyroRange,
            SamplesPerPacket = config.SamplesPerPacket,
        };
        settings.Validate();
        var plan = SessionPlans.Get(who.PlanName, settings);
        plan.Validate();
        var run = SimulatedRun.Create(plan, settings);
        return new ShoeClipFeed(run, who.Foot == Foot.Left ? run.Left : run.Right, config);
    }

    /// <summary>True initial-contact times of this clip's foot in the first pass, s since the session started.</summary>
    public double[] TruthIcTimesS() => _run.Truth.Where(t => t.Foot == _clip.Foot).Select(t => t.IcTimeS).ToArray();

    /// <summary>Advances to the next packet; the feed never ends.</summary>
    public void MoveNext()
    {
        if (!_pass.MoveNext())
        {
            if (!_haveFirst) throw new InvalidOperationException("the simulated plan produced no packets");
            if (_passes == 0) MeasureFirstPass();
            _passes++;
            _pass.Dispose();
            _pass = _clip.Notifications().GetEnumerator();
            if (!_pass.MoveNext()) throw new InvalidOperationException("the simulated plan produced no packets");
        }

        var n = _pass.Current;
        var payload = n.Payload;
        payload.CopyTo(_packet);
        Length = payload.Length;
        HostTimeUs = n.HostTimeUs;
        if (_passes == 0)
        {
            Observe(payload);
            return;
        }

        // Offsets (ushort, uint) wrap exactly as the firmware's counters do.
        var p = _packet.AsSpan();
        p[1] &= unchecked((byte)~ImuPacketFlags.StreamStart);
        var k = (uint)_passes;
        var sequence = BinaryPrimitives.ReadUInt16LittleEndian(p[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(p[2..], unchecked((ushort)(sequence + (k * _sequenceSpan))));
        var timeUs = BinaryPrimitives.ReadUInt32LittleEndian(p[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], unchecked(timeUs + (k * _sensorSpanUs)));
        HostTimeUs += _passes * _hostSpanUs;
    }

    private void Observe(ReadOnlySpan<byte> payload)
    {
        if (ImuPacket.TryDecodeHeader(payload, out var h) != ImuPacketError.None) return;
        if (!_haveFirst)
        {
            _haveFirst = true;
            _firstSequence = h.Sequence;
            _firstTimeUs = h.SensorTimeUs;
            _rateHz = h.SampleRateHz;
        }

        _lastSequence = h.Sequence;
        _lastTimeUs = h.SensorTimeUs;
        _lastSampleCount = h.SampleCount;
    }

    private void MeasureFirstPass()
    {
        var periodUs = 1e6 / _rateHz;
        // Samples from the first to one past the last: the simulator puts sample n at round(n × period) µs.
        var samples = Math.Round(unchecked(_lastTimeUs - _firstTimeUs) / periodUs) + _lastSampleCount;
        _sensorSpanUs = (uint)Math.Round(samples * periodUs);
        _sequenceSpan = unchecked((ushort)(_lastSequence + 1 - _firstSequence));
        _hostSpanUs = (long)Math.Round(_sensorSpanUs / (1 + (_clip.ClockDriftPpm * 1e-6)));
    }
}
