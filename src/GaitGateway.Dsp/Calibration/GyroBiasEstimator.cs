using System.Numerics;
using System.Runtime.CompilerServices;

namespace GaitGateway.Dsp.Calibration;

/// <summary>Settings of <see cref="GyroBiasEstimator"/>.</summary>
/// <param name="BlockS">Length of a rest-test block, s. Default 0.25 s: long enough to average noise, short enough to
/// catch the pauses at traffic lights and walk breaks.</param>
/// <param name="MaxGyroSpreadDps">A block is "at rest" when every gyro axis stays within this of the block mean, °/s.
/// Default 3 °/s: above MEMS noise at 1.6 kHz (~0.5 °/s rms), below any foot motion.</param>
/// <param name="MaxAccSpreadMps2">…and every accelerometer axis within this, m/s². Default 0.4 m/s².</param>
/// <param name="MaxBiasDps">Means larger than this are motion, not bias, °/s. Default 5 °/s (consumer MEMS spec).</param>
/// <param name="TimeConstantS">Once settled, the bias follows rest with this time constant, s (until then it is the
/// plain mean of the rest seen). Default 8 s — xio Fusion's offset filter (0.02 Hz cutoff): a bias moves with
/// temperature over minutes, while the foot's slow settling before a run (tenths of a °/s for a second or two) would
/// pull a fast filter off by more than the bias itself (xio loop walks: 0.7 °/s wrong → 2 % end-point error).</param>
/// <param name="ZeroVelocityWeight">Weight of one mid-stance residual, 0..1. Default 0.1: ~10 strides to follow a
/// bias that drifts with temperature, while the noise of one short still window barely moves it.</param>
/// <param name="MaxZeroVelocityResidualDps">Mid-stance residuals larger than this are motion, °/s. Default 2 °/s.</param>
public sealed record GyroBiasSettings(
    double BlockS = 0.25,
    double MaxGyroSpreadDps = 3.0,
    double MaxAccSpreadMps2 = 0.4,
    double MaxBiasDps = 5.0,
    double TimeConstantS = 8.0,
    double ZeroVelocityWeight = 0.1,
    double MaxZeroVelocityResidualDps = 2.0);

/// <summary>
/// Estimates the gyroscope bias while the shoe is still (standing, walk breaks), as xio Fusion's offset algorithm
/// does: blocks whose signals stay inside a small band are rest; their mean gyro is the bias. Allocation-free.
/// </summary>
/// <remarks>
/// A block counts only inside sustained rest — its neighbours on both sides at rest too (≥ 0.75 s still) — because the
/// block next to a motion holds its slow beginning or end (a foot settling, a heel easing down), whose mean is a
/// rotation, not a bias; and a walking mid-stance (≤ 0.3 s, the foot rolling over) never qualifies. Fusion waits 5 s
/// for the same reason; a runner's pauses are shorter, so we wait for the next block instead (0.25 s of latency).
/// A standing foot still sways, and its gyro reads the sway: what gravity shows of it is taken out of the block's mean
/// (<see cref="SwayDps"/>).
/// </remarks>
public sealed class GyroBiasEstimator
{
    private readonly GyroBiasSettings _settings;
    // Per-sample accumulators as Vector4 (w = 0): a Vector3 field is read and written as 8 + 4 bytes (two instructions
    // each way), a Vector4 as one; eleven per sample while a block may still be rest. The x, y, z arithmetic is the same.
    private Vector4 _gyroSum, _accSum, _gyroMin, _gyroMax, _accMin, _accMax;
    private double _blockStartS = double.NaN;
    private int _count;
    private bool _blockMoved;
    private const int SpreadCheckEvery = 8;
    private bool _previousRest;
    private Vector3 _pendingMeanDps;
    private bool _pending;
    // Gravity's direction (unit, sensor frame) and the middle time of the last rest block, and of the block before the
    // pending one: the sway correction (Take) reads how gravity turned from the one to the block after the pending.
    private Vector3 _previousUp;
    private double _previousMidS;
    private Vector3 _upBeforePending;
    private double _midBeforePendingS;

    public GyroBiasEstimator(GyroBiasSettings settings) => _settings = settings;

    /// <summary>Current bias estimate, °/s, sensor frame.</summary>
    public Vector3 BiasDps { get; private set; }
    /// <summary>Number of rest blocks taken into the estimate (diagnostics).</summary>
    public int RestBlocks { get; private set; }

    // Inlined into the per-sample loop: in motion a sample costs a flag test and a time test; the accumulating and the
    // block's end are out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(double timeS, Vector3 accMps2, Vector3 gyroDps)
    {
        if (!_blockMoved || double.IsNaN(_blockStartS)) Accumulate(timeS, accMps2, gyroDps);
        if (timeS - _blockStartS >= _settings.BlockS) EndBlock();
    }

    private void Accumulate(double timeS, Vector3 accMps2, Vector3 gyroDps)
    {
        var gyro = new Vector4(gyroDps, 0);
        var acc = new Vector4(accMps2, 0);
        if (double.IsNaN(_blockStartS)) StartBlock(timeS, acc, gyro);
        _gyroSum += gyro;
        _accSum += acc;
        _gyroMin = Vector4.Min(_gyroMin, gyro);
        _gyroMax = Vector4.Max(_gyroMax, gyro);
        _accMin = Vector4.Min(_accMin, acc);
        _accMax = Vector4.Max(_accMax, acc);
        _count++;
        // A spread only grows within a block: once past the limit the block is motion whatever follows, and the rest of
        // it needs no accumulating (a running foot's blocks fail within their first samples).
        if ((_count & (SpreadCheckEvery - 1)) == 0 && !WithinSpread()) _blockMoved = true;
    }

    private void EndBlock()
    {
        var mean = Xyz(_gyroSum) / _count;
        var rest = !_blockMoved
                   && WithinSpread()
                   && MaxComponent(Vector3.Abs(mean)) <= _settings.MaxBiasDps
                   && _count >= 8;
        if (rest)
        {
            // Gravity's direction, or none where the block holds no specific force to speak of (no accelerometer data).
            var accMean = Xyz(_accSum) / _count;
            var up = accMean.LengthSquared() > 1f ? Vector3.Normalize(accMean) : Vector3.Zero;
            var midS = _blockStartS + (0.5 * _settings.BlockS);
            // The pending block had rest before it and has rest after it now: it is inside a sustained rest. Its mean
            // rate is the bias plus whatever the foot still turned (the sway correction, SwayDps, says what).
            if (_pending) Take(_pendingMeanDps - SwayDps(_upBeforePending, up, midS - _midBeforePendingS));
            _pending = _previousRest;
            _pendingMeanDps = mean;
            _upBeforePending = _previousUp;
            _midBeforePendingS = _previousMidS;
            _previousUp = up;
            _previousMidS = midS;
        }
        else
        {
            _pending = false;
        }

        _previousRest = rest;
        _blockStartS = double.NaN;
    }

    /// <summary>
    /// Refines the bias from a zero-velocity moment (the foot flat and still at mid-stance): the residual angular rate
    /// there is bias error. Only small residuals are trusted, so a foot still rolling is not mistaken for bias.
    /// </summary>
    /// <param name="residualDps">Mean bias-corrected gyro over the still window, °/s.</param>
    public void UpdateFromZeroVelocity(Vector3 residualDps)
    {
        if (MaxComponent(Vector3.Abs(residualDps)) > _settings.MaxZeroVelocityResidualDps) return;
        BiasDps += residualDps * (float)_settings.ZeroVelocityWeight;
    }

    public void Reset()
    {
        BiasDps = Vector3.Zero;
        RestBlocks = 0;
        _blockStartS = double.NaN;
        _previousRest = false;
        _pending = false;
    }

    /// <summary>
    /// The foot's own rotation about the horizontal axes while it "rests", °/s, sensor frame: gravity's direction turned
    /// from <paramref name="upBefore"/> to <paramref name="upAfter"/> in <paramref name="dtS"/>, and a bias turns no
    /// gravity. A world-fixed direction u seen from a sensor turning at ω moves as du/dt = −ω × u, so the part of ω across
    /// u is du/dt × u. A standing foot sways: on the shared real sets gravity turns at 0.05–1.4 °/s between the rest
    /// blocks the estimator takes (gyro means of 0.2–1.2 °/s where the parts' own bias is ~0.1 °/s), and a swaying foot
    /// whose sway stays inside the rest band for three blocks gave a bias of 2.3 °/s (footprints exp33 turned by
    /// 30°/20°/90° as another mounting would: walking bias −0.6 → +2.4 cm; +1.0 cm with this). Turning about gravity
    /// itself (yaw) stays unseen: no accelerometer measures it.
    /// </summary>
    internal static Vector3 SwayDps(Vector3 upBefore, Vector3 upAfter, double dtS)
    {
        if (!(dtS > 0) || upBefore == Vector3.Zero || upAfter == Vector3.Zero) return Vector3.Zero;
        var rateRps = Vector3.Cross((upAfter - upBefore) / (float)dtS, Vector3.Normalize(upBefore + upAfter));
        return rateRps * (180f / MathF.PI);
    }

    private void Take(Vector3 meanDps)
    {
        // The plain mean of the first rest seen, then an exponential average with the settings' time constant.
        var w = (float)Math.Max(1.0 / (RestBlocks + 1), Math.Min(1.0, _settings.BlockS / _settings.TimeConstantS));
        BiasDps += (meanDps - BiasDps) * w;
        RestBlocks++;
    }

    private bool WithinSpread() =>
        MaxComponent(Xyz(_gyroMax - _gyroMin)) <= 2 * _settings.MaxGyroSpreadDps
        && MaxComponent(Xyz(_accMax - _accMin)) <= 2 * _settings.MaxAccSpreadMps2;

    private void StartBlock(double timeS, Vector4 acc, Vector4 gyro)
    {
        _blockStartS = timeS;
        _blockMoved = false;
        _gyroSum = Vector4.Zero;
        _accSum = Vector4.Zero;
        _gyroMin = _gyroMax = gyro;
        _accMin = _accMax = acc;
        _count = 0;
    }

    private static Vector3 Xyz(Vector4 v) => new(v.X, v.Y, v.Z);

    private static float MaxComponent(Vector3 v) => MathF.Max(v.X, MathF.Max(v.Y, v.Z));
}
