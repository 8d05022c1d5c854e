using System.Numerics;
using GaitGateway.Core.Protocol;
using GaitGateway.Core.Recording;
using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Simulation;

/// <summary>
/// One simulated shoe clip: samples the foot model at the sensor's own clock, adds the sensor's errors, quantises
/// with <see cref="ImuScale.ToCounts"/> and batches samples into IMU data notifications exactly as the firmware
/// would (firmware-notes/packet-format.md), then delivers them with BLE latency, jitter and loss.
/// </summary>
/// <remarks>
/// Sensor model, per sample: f_sensor = Rmᵀ·Rᵀ(a_world + g·ẑ) + bias + noise and ω_sensor = Rmᵀ·ω_foot + bias + noise,
/// with R the foot-to-world rotation and Rm the sensor-to-foot mounting rotation. The sensor's µs counter starts at
/// <see cref="SensorClockStartUs"/> and runs <see cref="ClockDriftPpm"/> fast; samples fall on its ticks, so true
/// sample spacing is 1/rate/(1 + drift). Host receive time = true time of a packet's last sample + latency.
/// Diagnostics (the drawn bias, mounting, clock) are exposed so tests can undo them.
/// </remarks>
public sealed class SimulatedShoeClip
{
    private readonly PlanTimeline _timeline;
    private readonly SimulationSettings _settings;
    private readonly M3 _mount;

    internal SimulatedShoeClip(Foot foot, PlanTimeline timeline, SimulationSettings settings)
    {
        Foot = foot;
        _timeline = timeline;
        _settings = settings;
        var f = (int)foot;
        var cal = SimRandom.Stream(settings.Seed, SimRandom.PurposeCalibration, f);
        // Draw everything in a fixed order whether or not it is overridden, so one override never shifts the others.
        var clock = (uint)cal.NextInt64(0, 1L << 32);
        var seq = (ushort)cal.Next(0, 65536);
        var drift = cal.Uniform(-1, 1) * settings.ClockDriftMaxPpm;
        var m = settings.MountingMaxDeg;
        var mount = new Vector3((float)cal.Uniform(-m, m), (float)cal.Uniform(-m, m), (float)cal.Uniform(-m, m));
        var ab = settings.AccBiasMaxMps2;
        var gb = settings.GyroBiasMaxDps;
        AccBiasMps2 = new Vector3((float)cal.Uniform(-ab, ab), (float)cal.Uniform(-ab, ab), (float)cal.Uniform(-ab, ab));
        GyroBiasDps = new Vector3((float)cal.Uniform(-gb, gb), (float)cal.Uniform(-gb, gb), (float)cal.Uniform(-gb, gb));
        FirstSamplePhaseUs = cal.Next(0, (int)(1e6 / settings.SampleRateHz));

        SensorClockStartUs = settings.SensorClockStartUs ?? clock;
        SequenceStart = settings.SequenceStart ?? seq;
        ClockDriftPpm = (foot == Foot.Left ? settings.ClockDriftLeftPpm : settings.ClockDriftRightPpm) ?? drift;
        MountingDeg = (foot == Foot.Left ? settings.MountingLeftDeg : settings.MountingRightDeg) ?? mount;
        const double d2r = Math.PI / 180;
        _mount = M3.FromZyx(MountingDeg.Z * d2r, MountingDeg.Y * d2r, MountingDeg.X * d2r);
    }

    public Foot Foot { get; }

    /// <summary>Sensor byte of every frame: 0 = left, 1 = right.</summary>
    public int SensorIndex => (int)Foot;

    public string Id => Foot == Foot.Left ? "sim-left" : "sim-right";

    /// <summary>Sensor µs counter at session start (true time 0).</summary>
    public uint SensorClockStartUs { get; }

    /// <summary>Sequence number of the first packet.</summary>
    public ushort SequenceStart { get; }

    /// <summary>Sensor clock rate error, ppm (positive = the sensor's µs are short, its clock runs fast).</summary>
    public double ClockDriftPpm { get; }

    /// <summary>µs of sensor time from the session start to the first sample.</summary>
    public int FirstSamplePhaseUs { get; }

    /// <summary>Mounting: sensor-to-foot rotation as z-y-x angles about the sensor axes (X roll, Y about y, Z yaw), degrees.</summary>
    public Vector3 MountingDeg { get; }

    public Vector3 AccBiasMps2 { get; }

    public Vector3 GyroBiasDps { get; }

    /// <summary>Session length, s (true time).</summary>
    public double DurationS => _timeline.EndS;

    /// <summary>True time (s since session start) of an unwrapped sensor counter value.</summary>
    public double TrueTimeS(long sensorTimeUnwrappedUs) =>
        (sensorTimeUnwrappedUs - (long)SensorClockStartUs) / (1e6 * (1 + (ClockDriftPpm * 1e-6)));

    /// <summary>Specific force as the sensing element sees it (sensor frame, bias included), clipped at ±full scale on
    /// each axis: what reaches the decimation filter of a part that saturates ahead of it
    /// (<see cref="SimulationSettings.AccSaturatesBeforeFilter"/>).</summary>
    private V3 SaturatedSensorForce(V3 specificForceFoot, double fullScaleMps2)
    {
        var f = _mount.TransposeMul(specificForceFoot);
        return new V3(
            Math.Clamp(f.X + AccBiasMps2.X, -fullScaleMps2, fullScaleMps2),
            Math.Clamp(f.Y + AccBiasMps2.Y, -fullScaleMps2, fullScaleMps2),
            Math.Clamp(f.Z + AccBiasMps2.Z, -fullScaleMps2, fullScaleMps2));
    }

    /// <summary>The clip's notifications in delivery order, generated lazily; each enumeration replays identically.</summary>
    public IEnumerable<Notification> Notifications()
    {
        var s = _settings;
        var foot = new FootTrajectory(Foot, _timeline, s);
        var noise = SimRandom.Stream(s.Seed, SimRandom.PurposeNoise, (int)Foot);
        var link = SimRandom.Stream(s.Seed, SimRandom.PurposeLink, (int)Foot);
        var rate = s.SampleRateHz;
        var periodUs = 1e6 / rate;
        var clockScale = 1e6 * (1 + (ClockDriftPpm * 1e-6));
        // White noise σ over the Nyquist band: density·√(rate/2).
        var accSigma = s.AccNoiseDensityUgPerSqrtHz * 1e-6 * Gravity.StandardMps2 * Math.Sqrt(rate / 2.0);
        var gyroSigma = s.GyroNoiseDensityDpsPerSqrtHz * Math.Sqrt(rate / 2.0);
        var denseSubsamples = (int)Math.Ceiling(1e4 / rate);
        var saturateFirst = s.AccSaturatesBeforeFilter;
        var accFullScale = ImuScale.AccFullScaleG(s.AccRange) * Gravity.StandardMps2;
        var counts = new RawImuCounts[s.SamplesPerPacket];
        var bytes = new byte[ImuPacket.MaxPacketBytes];
        var pose = default(Pose);
        var seq = SequenceStart;
        long n = 0;
        var firstPacket = true;
        var lastHostUs = long.MinValue;
        var end = _timeline.EndS;
        var sensorStart = (long)SensorClockStartUs + FirstSamplePhaseUs;
        while (true)
        {
            var k = 0;
            long firstTick = 0;
            var lastT = 0.0;
            for (; k < counts.Length; k++, n++)
            {
                var tick = sensorStart + (long)Math.Round(n * periodUs);
                var t = (tick - (long)SensorClockStartUs) / clockScale;
                if (t >= end) break;
                if (k == 0) firstTick = tick;
                lastT = t;
                // Anti-alias filter: each sample is the mean of the continuous signal over its sample period (what a
                // decimating sigma-delta front end approximates). It keeps the integral of the signal exact, so
                // integration closes, and a 400 Hz sensor does not see the sharpest part of an impact. The model is
                // evaluated at ≥ 10 kHz while an impact rings, at 4 points per period elsewhere (smooth motion).
                var t0 = t - (periodUs / clockScale);
                var m = foot.ImpactOverlaps(t0, t) ? denseSubsamples : 4;
                var f = default(V3);
                var w = default(V3);
                for (var j = 0; j < m; j++)
                {
                    foot.Evaluate(t0 + ((j + 0.5) / m * (t - t0)), ref pose);
                    f += saturateFirst ? SaturatedSensorForce(pose.SpecificForceFoot, accFullScale) : pose.SpecificForceFoot;
                    w += pose.AngularRateFoot;
                }

                // Saturating ahead of the filter: f is already in the sensor frame with the bias in it.
                f = saturateFirst ? (1.0 / m) * f : _mount.TransposeMul((1.0 / m) * f);
                w = _mount.TransposeMul((1.0 / m) * w);
                const double r2d = 180 / Math.PI;
                var bias = saturateFirst ? default : AccBiasMps2;
                var acc = new Vector3(
                    (float)(f.X + bias.X + (accSigma * noise.Gauss())),
                    (float)(f.Y + bias.Y + (accSigma * noise.Gauss())),
                    (float)(f.Z + bias.Z + (accSigma * noise.Gauss())));
                var gyro = new Vector3(
                    (float)((w.X * r2d) + GyroBiasDps.X + (gyroSigma * noise.Gauss())),
                    (float)((w.Y * r2d) + GyroBiasDps.Y + (gyroSigma * noise.Gauss())),
                    (float)((w.Z * r2d) + GyroBiasDps.Z + (gyroSigma * noise.Gauss())));
                if (s.GyroSaturationDps is { } sat)
                {
                    // A smaller part's rail: each axis flat-tops there, as a real MEMS gyroscope's output does.
                    var rail = (float)sat;
                    gyro = Vector3.Clamp(gyro, new Vector3(-rail), new Vector3(rail));
                }

                counts[k] = ImuScale.ToCounts(acc, gyro, s.AccRange, s.GyroRange);
            }

            if (k == 0) yield break;
            // Draw both link numbers for every packet so loss never shifts the latency sequence.
            var lost = link.NextDouble() < s.PacketLossProbability;
            var latencyMs = link.Uniform(s.LatencyMinMs, s.LatencyMaxMs);
            var header = new ImuPacketHeader(
                ImuPacket.FormatVersion,
                firstPacket ? ImuPacketFlags.StreamStart : ImuPacketFlags.None,
                seq,
                unchecked((uint)firstTick),
                (ushort)rate,
                s.AccRange,
                s.GyroRange,
                (byte)k);
            seq = unchecked((ushort)(seq + 1));
            // The stream-start packet is never dropped: a real gateway would re-request the start anyway, and tests
            // and pipelines can rely on seeing the flag once.
            if (lost && !firstPacket) continue;
            firstPacket = false;
            var length = ImuPacket.Encode(header, counts.AsSpan(0, k), bytes);
            // BLE delivers one connection's notifications in order: jitter never reorders a clip's packets.
            var hostUs = Math.Max((long)Math.Round((lastT + (latencyMs / 1000)) * 1e6), lastHostUs + 1);
            lastHostUs = hostUs;
            yield return Notification.Create(SensorIndex, FrameKind.ImuData, hostUs, bytes.AsSpan(0, length));
        }
    }
}
