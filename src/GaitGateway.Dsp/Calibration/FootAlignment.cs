using System.Numerics;
using GaitGateway.Dsp.Segmentation;

namespace GaitGateway.Dsp.Calibration;

/// <summary>Settings of <see cref="FootAlignment"/>.</summary>
/// <param name="AxisUpdateWeight">Weight of one stride's swing axis in the running estimate, 0..1. Default 0.2: a few
/// strides to settle after the clip is clipped on, one twisted stride (a turn, a stumble) moves it little.</param>
public sealed record AlignmentSettings(float AxisUpdateWeight = 0.2f);

/// <summary>
/// Sensor-to-foot alignment estimated from the data, so a clip mounted ±15° off (or backwards, or upside down) costs
/// nothing: "up" is gravity at mid-stance; the foot's left (pitch) axis is the principal axis of the swing's angular
/// rate, signed so that forward = left × up points along the travel.
/// </summary>
public sealed class FootAlignment
{
    private readonly AlignmentSettings _s;
    private readonly SampleRing _ring;
    private Vector3 _leftAxisSensor;
    private bool _haveAxis;

    public FootAlignment(AlignmentSettings settings, SampleRing ring)
    {
        _s = settings;
        _ring = ring;
    }

    /// <summary>The foot's left axis in the sensor frame (zero before the first stride).</summary>
    public Vector3 LeftAxisSensor => _leftAxisSensor;
    public bool HasAxis => _haveAxis;

    /// <summary>
    /// The principal axis of the angular rate over the swing samples of [a, b] (energy above
    /// <paramref name="swingRps"/>), unsigned: power iteration on Σ ω ωᵀ (3×3, no allocation), started from the current
    /// estimate. False when the segment has no swing sample; <paramref name="axis"/> is then the current estimate.
    /// </summary>
    public bool SwingAxis(long a, long b, float swingRps, out Vector3 axis)
    {
        Matrix4x4 cov = default;
        var any = false;
        for (var i = a; i <= b; i++)
        {
            if (_ring.EnergyRps(i) <= swingRps) continue;
            var w = _ring.GyroRps(i);
            cov.M11 += w.X * w.X; cov.M12 += w.X * w.Y; cov.M13 += w.X * w.Z;
            cov.M22 += w.Y * w.Y; cov.M23 += w.Y * w.Z; cov.M33 += w.Z * w.Z;
            any = true;
        }

        axis = _haveAxis ? _leftAxisSensor : Vector3.UnitY;
        if (!any) return false;
        for (var it = 0; it < 24; it++)
        {
            var next = new Vector3(
                (cov.M11 * axis.X) + (cov.M12 * axis.Y) + (cov.M13 * axis.Z),
                (cov.M12 * axis.X) + (cov.M22 * axis.Y) + (cov.M23 * axis.Z),
                (cov.M13 * axis.X) + (cov.M23 * axis.Y) + (cov.M33 * axis.Z));
            if (next.LengthSquared() < 1e-20f) break;
            axis = Vector3.Normalize(next);
        }

        return true;
    }

    /// <summary>
    /// Signs a stride's swing axis by its direction of travel and folds it into the estimate; returns the foot's left
    /// and forward axes in the sensor frame at MS_b (left levelled against <paramref name="upB"/>).
    /// </summary>
    /// <param name="axis">The stride's swing axis, either sign.</param>
    /// <param name="upA">Gravity direction at MS_a, sensor frame.</param>
    /// <param name="orientationA">Sensor-to-world attitude at MS_a.</param>
    /// <param name="displacementWorldM">The stride's displacement, world frame.</param>
    /// <param name="realStride">Whether the stride travelled far enough to be a witness of the sign.</param>
    /// <param name="upB">Gravity direction at MS_b, sensor frame.</param>
    public (Vector3 Left, Vector3 Forward) Update(Vector3 axis, Vector3 upA, Quaternion orientationA, Vector3 displacementWorldM, bool realStride, Vector3 upB)
    {
        var fwdWorldA = Vector3.Transform(Vector3.Cross(axis, upA), orientationA);
        if ((fwdWorldA.X * displacementWorldM.X) + (fwdWorldA.Y * displacementWorldM.Y) < 0) axis = -axis;
        if (_haveAxis && Vector3.Dot(axis, _leftAxisSensor) < 0)
        {
            // A real stride's travel is the better witness: start over from it (averaging opposite vectors would
            // swing the axis through zero over many strides). A shuffle's travel says little: keep the old sign.
            if (realStride) _haveAxis = false;
            else axis = -axis;
        }

        _leftAxisSensor = _haveAxis ? Vector3.Normalize(((1f - _s.AxisUpdateWeight) * _leftAxisSensor) + (_s.AxisUpdateWeight * axis)) : axis;
        _haveAxis = true;
        var left = Vector3.Normalize(_leftAxisSensor - (Vector3.Dot(_leftAxisSensor, upB) * upB));
        return (left, Vector3.Cross(left, upB));
    }

    /// <summary>The axis estimate, to undo one update (<see cref="Restore"/>).</summary>
    public (Vector3, bool) State => (_leftAxisSensor, _haveAxis);

    public void Restore((Vector3 Axis, bool HaveAxis) state) => (_leftAxisSensor, _haveAxis) = state;

    public void Reset()
    {
        _haveAxis = false;
        _leftAxisSensor = Vector3.Zero;
    }
}
