using System.Globalization;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Samples;

namespace GaitGateway.Bluetooth.Links;

/// <summary>
/// What a runner's configuration asks of a shoe clip. Every field is optional: null keeps what the clip has.
/// </summary>
/// <param name="SampleRateHz">Output data rate, Hz (100..1600); null keeps the clip's. A clip whose IMU cannot do it
/// exactly rejects the write (gatt-profile.md); the gateway then keeps the clip's own rate and says so.</param>
/// <param name="AccRange">Accelerometer range; null keeps the clip's. The runner default asks ±32 g (ranges-and-rates.md,
/// "Why ≥ ±16 g"); a ±16 g-only clip rejects it and streams at ±16 g, which is said.</param>
/// <param name="GyroRange">Gyroscope range; null keeps the clip's.</param>
/// <param name="Foot">The foot the allow-list binds the clip to. It decides where the data goes; it is written to the
/// clip only when the clip is unassigned (foot byte 0xFF), and a clip assigned to the other foot is reported, not
/// overwritten (README, "Which foot").</param>
public sealed record ShoeClipRequest(ushort? SampleRateHz = null, AccRange? AccRange = null, GyroRange? GyroRange = null, Foot? Foot = null)
{
    /// <summary>
    /// The runner default: 400 Hz, ±32 g, ±2000 °/s. ±32 g rather than the clips' own ±16 g (ShoeClipConfig.RunningDefault):
    /// landings reach 20–40 g and more (foot impacts to 70 g, Bailey &amp; Harle 2014), and at ≤ 400 Hz a ±16 g part that
    /// saturates ahead of its decimation filter hides the clip inside one averaged sample below the rail, where nothing can
    /// measure what was lost (simulated 20–40-g impacts: strides up to 1.5 % off at 400 Hz, 2.1 % at 200 Hz; README,
    /// "Clipped impacts"). The cost, 0.98 mg per count instead of 0.49, is far below any IMU's noise. A clip that cannot
    /// do ±32 g keeps its range and still gets the rate (<see cref="ShoeClipNegotiation.Candidates"/>).
    /// </summary>
    public static ShoeClipRequest RunningDefault(Foot? foot) => new(400, Core.Protocol.AccRange.G32, Core.Protocol.GyroRange.Dps2000, foot);
}

/// <summary>The outcome of negotiating a clip's configuration at connection.</summary>
/// <param name="Configuration">What the clip streams with (read back after any write).</param>
/// <param name="Notes">What differs from the request and why, in words ("rejected 400 Hz, now 416 Hz"); empty when all was granted.</param>
/// <param name="Wrote">Whether a configuration was written (false: the clip already had what was asked).</param>
public sealed record ShoeClipNegotiation(ShoeClipConfig Configuration, IReadOnlyList<string> Notes, bool Wrote)
{
    /// <summary>ATT header of a notification, bytes (opcode + handle).</summary>
    public const int AttNotificationHeaderBytes = 3;

    /// <summary>
    /// Samples per packet that fit one notification at <paramref name="mtu"/>: floor((MTU − 3 − 12) / 12), at most
    /// 19 (gatt-profile.md). 0 when not even one sample fits (MTU ≤ 26, e.g. the default 23): unsupported.
    /// </summary>
    public static int SamplesPerPacketFor(int mtu)
        => Math.Clamp((mtu - AttNotificationHeaderBytes - ImuPacket.HeaderBytes) / ImuPacket.SampleBytes, 0, ImuPacket.MaxSamples);

    /// <summary>
    /// The longest stretch of samples one packet should hold, s: 0.05 s, about the running default's (19 samples at
    /// 400 Hz = 47.5 ms). A lost packet takes its samples with it, and the pipeline bridges a short gap but not a lost
    /// stance: 19 samples at 100 Hz are 190 ms, a whole running stance, and such a gap cost one or two strides (simulated
    /// 100 Hz running at 0.5 % packet loss, 300 s: 98.7–98.8 % of strides found in 19-sample packets, 100 % in 5-sample
    /// ones; at 200 Hz 99.7 % in 19, 100 % in 10; README, "Packets below 400 Hz"). Below 400 Hz the packets are then
    /// smaller and as frequent as the default's (~20 per second), so the radio carries no more than at 400 Hz, and a
    /// sample waits at most 50 ms for its packet to fill (190 ms at 100 Hz before; live latency).
    /// </summary>
    public const double MaxPacketSpanS = 0.05;

    /// <summary>Samples per packet at <paramref name="sampleRateHz"/> within <paramref name="maxSamplesPerPacket"/>
    /// (the MTU's limit): at most <see cref="MaxPacketSpanS"/> of samples, and at least one.</summary>
    public static byte SamplesPerPacketAt(int sampleRateHz, int maxSamplesPerPacket)
        => (byte)Math.Clamp(Math.Min((int)(sampleRateHz * MaxPacketSpanS), maxSamplesPerPacket), 1, ImuPacket.MaxSamples);

    /// <summary>
    /// Configurations to try, best first: what was asked; then with the clip's own ranges (a clip that cannot do
    /// ±32 g still gets the rate); then with the clip's own rate (a 416-Hz-only clip still gets the range); then
    /// with both its own; then the clip's configuration with only the packet size fixed. Each is written only if
    /// the one before was rejected, so a clip that refuses a rate or a range streams anyway, never loops.
    /// </summary>
    /// <param name="current">What the clip reported before anything was written.</param>
    /// <param name="request">The runner's request.</param>
    /// <param name="maxSamplesPerPacket">From the ATT MTU (<see cref="SamplesPerPacketFor"/>); ≥ 1.</param>
    public static IReadOnlyList<ShoeClipConfig> Candidates(ShoeClipConfig current, ShoeClipRequest request, int maxSamplesPerPacket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamplesPerPacket, 1);
        var foot = current.Foot ?? request.Foot;
        var wanted = new ShoeClipConfig(
            request.SampleRateHz ?? current.SampleRateHz, request.AccRange ?? current.AccRange, request.GyroRange ?? current.GyroRange, foot, 0);
        var list = new List<ShoeClipConfig>();
        // Packets as full as the MTU lets them and MaxPacketSpanS allows at each candidate's own rate: more samples than
        // fit are cut by the stack, and a longer packet loses more at once.
        void Add(ShoeClipConfig c)
        {
            c = c with { SamplesPerPacket = SamplesPerPacketAt(c.SampleRateHz, maxSamplesPerPacket) };
            if (!list.Contains(c)) list.Add(c);
        }

        Add(wanted);
        Add(wanted with { AccRange = current.AccRange, GyroRange = current.GyroRange });
        Add(wanted with { SampleRateHz = current.SampleRateHz });
        Add(wanted with { SampleRateHz = current.SampleRateHz, AccRange = current.AccRange, GyroRange = current.GyroRange });
        Add(current with { Foot = foot });
        Add(current);
        return list;
    }

    /// <summary>What differs between what was asked and what the clip streams with, in words.</summary>
    public static List<string> Explain(ShoeClipConfig current, ShoeClipRequest request, ShoeClipConfig granted, bool rejectedFirst)
    {
        var notes = new List<string>();
        var ic = CultureInfo.InvariantCulture;
        if (request.SampleRateHz is { } r && r != granted.SampleRateHz)
            notes.Add(string.Create(ic, $"rejected {r} Hz, now {granted.SampleRateHz} Hz"));
        if (request.AccRange is { } a && a != granted.AccRange)
            notes.Add(string.Create(ic, $"rejected ±{ImuScale.AccFullScaleG(a)} g, now ±{ImuScale.AccFullScaleG(granted.AccRange)} g"));
        if (request.GyroRange is { } g && g != granted.GyroRange)
            notes.Add(string.Create(ic, $"rejected ±{ImuScale.GyroFullScaleDps(g)} °/s, now ±{ImuScale.GyroFullScaleDps(granted.GyroRange)} °/s"));
        if (request.Foot is { } f && current.Foot is { } cf && cf != f)
            notes.Add($"clip is assigned to the {cf.ToWord()} foot, the allow-list says {f.ToWord()}: its data is used as the {f.ToWord()} foot (check the clip)");
        if (rejectedFirst && notes.Count == 0) notes.Add("the clip rejected the requested configuration; streaming with its own");
        return notes;
    }
}
