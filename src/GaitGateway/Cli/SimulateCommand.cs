using System.CommandLine;
using System.Globalization;
using GaitGateway.Core.Strides;
using GaitGateway.Pipeline;
using GaitGateway.Sensors.Simulation;

namespace GaitGateway.Cli;

public static partial class GaitGatewayCli
{
    private static Command SimulateCommand()
    {
        var plan = new Option<string>("--plan") { Description = "Session plan: " + string.Join(", ", SessionPlans.Names), Required = true };
        var output = new Option<string>("--out") { Description = "Recording to write; truth goes beside it (<out>.truth.csv, <out>.bouts.csv)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var rate = new Option<int>("--rate") { Description = "Sample rate, Hz (100–1600)", DefaultValueFactory = _ => 400 };
        var strike = new Option<string?>("--strike") { Description = "Runner's strike pattern: rearfoot, midfoot or forefoot" };
        var speed = new Option<double?>("--speed") { Description = "Running speed of plain run segments, m/s" };
        var mounting = new Option<double?>("--mounting-deg") { Description = "Largest clip misalignment about any axis, degrees" };
        var loss = new Option<double?>("--loss") { Description = "Packet loss probability, 0..1" };
        var duration = new Option<double?>("--duration-s") { Description = "Length of run-steady and standing, s (10 s..24 h; default 300 s and 600 s)" };
        // Shapes beyond the default runner (issue 11); unset, the output is byte-identical to before they existed.
        var impactHz = new Option<double?>("--impact-hz") { Description = "Ring frequency of the impact transient, Hz (20–150; default 60)" };
        var impactDamping = new Option<double?>("--impact-damping-ms") { Description = "Time constant of the impact's envelope, ms (1–6; default 2.5; longer rings longer)" };
        var impactScale = new Option<double?>("--impact-scale") { Description = "Scales every impact (0–5; default 1)" };
        var slap = new Option<double?>("--double-impact") { Description = "Heel strikes get a forefoot slap at foot flat, this fraction of the heel impact (0–1.5; default 0)" };
        var shoe = new Option<string?>("--shoe") { Description = "Shoe preset: soft (30 Hz, 4 ms, 0.8 x impact) or hard (90 Hz, 1.5 ms, 1.3 x); applied before --impact-*" };
        var swing = new Option<string?>("--swing") { Description = "Swing preset: planar (pitch only, 10-ms quiet moment where the pitch rate reverses) or 3d (3 x the roll/yaw/lateral wobble)" };
        var wobble = new Option<double?>("--swing-wobble") { Description = "Scales the swing's roll, yaw and lateral wobble (0–4; default 1; 0 = planar)" };
        var quiet = new Option<double?>("--swing-quiet-ms") { Description = "Quiet moment (1 g, pitch rate through zero) in every swing, ms (0–40; default 0)" };
        var quietShare = new Option<double?>("--swing-quiet-share") { Description = "Share of swings with the quiet moment, 0–1 (default 1)" };
        var mountDeg = new Option<string?>("--mount-deg") { Description = "Both clips mounted at roll,pitch,yaw degrees (e.g. 0,35,0 or 30,0,0); overrides --mounting-deg" };
        var gyroSat = new Option<double?>("--gyro-saturation-dps") { Description = "Gyroscope flat-tops each axis at this rate, deg/s (e.g. 500; default: the range's rail)" };
        var twist = new Option<double?>("--stance-twist-deg") { Description = "Residual roll and yaw through every stance, degrees (0–10; default 0: a still foot flat; 2.5 reads like real jogging, 20–50 °/s at its quietest)" };
        var contactTwist = new Option<double?>("--walking-contact-twist-deg") { Description = "Roll and yaw of a walking foot around its heel contact, degrees (0–10; default 2.5: 1.3 rad/s near the contact, as the real walks read 1.0–2.0)" };
        var joltDelay = new Option<double?>("--walking-jolt-delay-ms") { Description = "Latest start of a walking heel's jolt after its contact, ms; each step's is drawn uniformly from 0 to this (0–40; default 27, as the real walks' 11–21-ms medians)" };
        var sway = new Option<double?>("--standing-sway-deg") { Description = "Sway of the foot standing before the first step, degrees (0–5; default 0: perfectly still; 1 peaks at 1.6 °/s, as real standing turns gravity at 0.05–1.4 °/s)" };
        var clipAt = new Option<string?>("--clip-at") { Description = "Where the clips sit on the shoe: instep (default), heel, lateral-heel or toe-box" };
        var cmd = new Command("simulate", "Write a recording of simulated shoe clips and its ground truth")
        {
            plan, output, seed, rate, strike, speed, mounting, loss, duration,
            impactHz, impactDamping, impactScale, slap, shoe, swing, wobble, quiet, quietShare, mountDeg, gyroSat, clipAt, twist, contactTwist, joltDelay, sway,
        };
        cmd.SetAction(p =>
        {
            var s = new SimulationSettings { Seed = p.GetValue(seed), SampleRateHz = p.GetValue(rate) };
            if (p.GetValue(strike) is { } st)
            {
                var pattern = StrideCsv.ParsePattern(st);
                if (pattern == StrikePattern.Unknown) throw new InputException($"--strike '{st}': use rearfoot, midfoot or forefoot");
                s = s with { StrikePattern = pattern };
            }

            if (p.GetValue(speed) is { } v) s = s with { RunSpeedMps = v };
            if (p.GetValue(mounting) is { } m) s = s with { MountingMaxDeg = m };
            if (p.GetValue(loss) is { } l) s = s with { PacketLossProbability = l };
            if (p.GetValue(duration) is { } d) s = s with { PlanDurationS = d };
            if (p.GetValue(shoe) is { } sh)
            {
                s = s.WithShoe(sh switch
                {
                    "soft" => ShoeKind.Soft,
                    "hard" => ShoeKind.Hard,
                    "default" => ShoeKind.Default,
                    _ => throw new InputException($"--shoe '{sh}': use soft, hard or default"),
                });
            }

            if (p.GetValue(swing) is { } sw)
            {
                s = s.WithSwing(sw switch
                {
                    "planar" => SwingKind.Planar,
                    "3d" => SwingKind.ThreeD,
                    "default" => SwingKind.Default,
                    _ => throw new InputException($"--swing '{sw}': use planar, 3d or default"),
                });
            }

            if (p.GetValue(impactHz) is { } ih) s = s with { ImpactFrequencyHz = ih };
            if (p.GetValue(impactDamping) is { } idm) s = s with { ImpactDampingMs = idm };
            if (p.GetValue(impactScale) is { } isc) s = s with { ImpactScale = isc };
            if (p.GetValue(slap) is { } sl) s = s with { ForefootSlapFraction = sl };
            if (p.GetValue(wobble) is { } wb) s = s with { SwingWobbleScale = wb };
            if (p.GetValue(quiet) is { } q) s = s with { SwingQuietMomentMs = q };
            if (p.GetValue(quietShare) is { } qs) s = s with { SwingQuietMomentShare = qs };
            if (p.GetValue(gyroSat) is { } gs) s = s with { GyroSaturationDps = gs };
            if (p.GetValue(twist) is { } tw) s = s with { StanceTwistDeg = tw };
            if (p.GetValue(contactTwist) is { } ct) s = s with { WalkingContactTwistDeg = ct };
            if (p.GetValue(joltDelay) is { } jd) s = s with { WalkingJoltDelayMaxMs = jd };
            if (p.GetValue(sway) is { } swayDeg) s = s with { StandingSwayDeg = swayDeg };
            if (p.GetValue(clipAt) is { } at)
            {
                if (!ClipPlaces.TryParse(at, out var place)) throw new InputException($"--clip-at '{at}': use {ClipPlaces.Names}");
                s = s with { ClipPositionFootM = place };
            }
            if (p.GetValue(mountDeg) is { } md)
            {
                var parts = md.Split(',');
                var angles = new float[3];
                if (parts.Length != 3 || !parts.Select((x, i) => float.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out angles[i])).All(ok => ok)
                    || angles.Any(x => !float.IsFinite(x) || MathF.Abs(x) > 90))
                    throw new InputException($"--mount-deg '{md}': give roll,pitch,yaw in degrees, each within ±90 (e.g. 0,35,0)");
                var mount = new System.Numerics.Vector3(angles[0], angles[1], angles[2]);
                s = s with { MountingLeftDeg = mount, MountingRightDeg = mount };
            }

            try
            {
                s.Validate();
            }
            catch (ArgumentException e)
            {
                // The setting's own words, without .NET's " (Parameter '…')" suffix: the line names what and where already.
                var message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
                throw new InputException($"simulate: {message}");
            }

            var r = SimulationRecorder.Write(p.GetValue(plan)!, s, p.GetValue(output)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.RecordingPath} ({r.Frames} notifications, {r.DurationS / 60:F1} min, {r.Strides} true strides), truth {r.TruthPath}, bouts {r.BoutsPath}"));
            return 0;
        });
        return cmd;
    }
}
