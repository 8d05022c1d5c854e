using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GaitGateway.Core.Samples;

namespace GaitGateway.Dsp.Segmentation;

/// <summary>
/// Preallocated history of bias-corrected samples, addressed by absolute sample number. Struct-of-arrays so that the
/// per-stride passes walk contiguous memory; sized once from the maximum sample rate and stride duration so that
/// nothing is allocated per sample.
/// </summary>
public sealed class SampleRing
{
    private readonly double[] _timeS;
    private readonly Vector3[] _accMps2;
    private readonly Vector3[] _gyroRps;
    private readonly float[] _energyRps;
    private readonly byte[] _flags;

    private readonly long _mask;

    /// <summary>Holds at least <paramref name="minCapacity"/> samples; rounded up to a power of two so that the
    /// absolute-to-slot mapping is a mask, not a division (this runs several times per sample per pass).</summary>
    public SampleRing(int minCapacity)
    {
        var capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, minCapacity));
        Capacity = capacity;
        _mask = capacity - 1;
        _timeS = new double[capacity];
        _accMps2 = new Vector3[capacity];
        _gyroRps = new Vector3[capacity];
        _energyRps = new float[capacity];
        _flags = new byte[capacity];
    }

    public int Capacity { get; }
    /// <summary>Absolute number of the next sample to be written.</summary>
    public long Next { get; private set; }
    /// <summary>Oldest absolute sample number still held.</summary>
    public long Oldest => Math.Max(0, Next - Capacity);

    public void Add(double timeS, Vector3 accMps2, Vector3 gyroRps, float energyRps, byte flags)
    {
        var i = (int)(Next & _mask);
        _timeS[i] = timeS;
        _accMps2[i] = accMps2;
        _gyroRps[i] = gyroRps;
        _energyRps[i] = energyRps;
        _flags[i] = flags;
        Next++;
    }

    public bool Holds(long n) => n >= Oldest && n < Next;

    /// <summary>Replaces a held sample's angular rate (a saturated stretch reconstructed, <see cref="Calibration.GyroFlatTopRepair"/>).</summary>
    public void SetGyroRps(long n, Vector3 gyroRps) => _gyroRps[(int)(n & _mask)] = gyroRps;

    // The accessors run several times per sample per pass, inside large loops whose inlining budget the JIT had spent
    // (TimeS stayed a call, ~1 % of a replay): inlined by request.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double TimeS(long n) => _timeS[(int)(n & _mask)];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector3 AccMps2(long n) => _accMps2[(int)(n & _mask)];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector3 GyroRps(long n) => _gyroRps[(int)(n & _mask)];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float EnergyRps(long n) => _energyRps[(int)(n & _mask)];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Flags(long n) => _flags[(int)(n & _mask)];

    /// <summary>Samples were lost between sample <paramref name="n"/> − 1 and <paramref name="n"/>.</summary>
    public bool GapBefore(long n) => (Flags(n) & (byte)ImuSampleFlags.GapBefore) != 0;

    /// <summary>Samples were lost just before any of samples <paramref name="first"/>…<paramref name="last"/>.</summary>
    public bool AnyGap(long first, long last)
    {
        for (var n = first; n <= last; n++)
        {
            if (GapBefore(n)) return true;
        }

        return false;
    }

    /// <summary>The ring's arrays for one pass: a loop that reads them through this view keeps them in registers, where
    /// the accessors above reload each array from the ring on every use (the JIT cannot prove the loop's own stores
    /// leave the ring's fields alone).</summary>
    public View Read() => new(_timeS, _accMps2, _gyroRps, _energyRps, _flags, _mask);

    /// <summary>See <see cref="Read"/>; the same accessors by absolute sample number.</summary>
    /// <remarks>Unchecked: every array is exactly <c>mask + 1</c> long (the constructor makes them so), so <c>n &amp; mask</c>
    /// is always an index inside them; the bounds checks the JIT could not remove were a compare and a branch per
    /// array read in every per-stride pass.</remarks>
    public readonly ref struct View(double[] timeS, Vector3[] accMps2, Vector3[] gyroRps, float[] energyRps, byte[] flags, long mask)
    {
        private readonly ref double _timeS = ref MemoryMarshal.GetArrayDataReference(timeS);
        private readonly ref Vector3 _accMps2 = ref MemoryMarshal.GetArrayDataReference(accMps2);
        private readonly ref Vector3 _gyroRps = ref MemoryMarshal.GetArrayDataReference(gyroRps);
        private readonly ref float _energyRps = ref MemoryMarshal.GetArrayDataReference(energyRps);
        private readonly ref byte _flags = ref MemoryMarshal.GetArrayDataReference(flags);
        private readonly nint _mask = (nint)mask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double TimeS(long n) => Unsafe.Add(ref _timeS, (nint)n & _mask);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector3 AccMps2(long n) => Unsafe.Add(ref _accMps2, (nint)n & _mask);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector3 GyroRps(long n) => Unsafe.Add(ref _gyroRps, (nint)n & _mask);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte Flags(long n) => Unsafe.Add(ref _flags, (nint)n & _mask);

        /// <summary>As <see cref="SampleRing.GapBefore"/>.</summary>
        public bool GapBefore(long n) => (Flags(n) & (byte)ImuSampleFlags.GapBefore) != 0;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float EnergyRps(long n) => Unsafe.Add(ref _energyRps, (nint)n & _mask);
    }

    /// <summary>Sample rate around sample <paramref name="n"/> from the last 16 intervals, Hz (400 with no history):
    /// windows given in seconds become sample counts with it, whatever the clip's rate.</summary>
    /// <remarks>Intervals across lost samples are left out: a lost 19-sample packet among 16 intervals read a 200-Hz
    /// clip as 89 Hz right after it, and a 60-ms window sized with that rate was 25 ms long. The swing level measured
    /// with it took a landing's impact for a swing's sustained motion, and the stance threshold it set locked out every
    /// later swing of that foot (simulated overstriding at 200 Hz: 75 s of one foot's strides lost).</remarks>
    public double RateHzAt(long n)
    {
        var back = Math.Min(16, n - Oldest);
        if (back < 1) return 400;
        var span = 0.0;
        var intervals = 0;
        for (var i = n - back + 1; i <= n; i++)
        {
            if (GapBefore(i)) continue;
            span += TimeS(i) - TimeS(i - 1);
            intervals++;
        }

        // Every interval across a gap (samples one packet apart, each lost packet after the last): the whole span then.
        if (intervals == 0) (span, intervals) = (TimeS(n) - TimeS(n - back), (int)back);
        var dt = span / intervals;
        return dt > 0 ? 1.0 / dt : 400;
    }
}
