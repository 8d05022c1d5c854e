using GaitGateway.Core.Samples;
using GaitGateway.Core.Strides;
using GaitGateway.Storage;

namespace GaitGateway.Storage.Tests;

/// <summary>A temp directory removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gaitgw-storage-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Synthetic strides with every field set to a distinct, non-round value (fixed seed).</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Start = new(2025, 5, 1, 6, 30, 0, 123, TimeSpan.Zero);

    public static SessionInfo Session(string runner = "alice", DateTimeOffset? start = null) => new(
        runner, "C25K W3D2", "simulate", start ?? Start, "/tmp/rec.gaitrec", "c25k",
        [
            new SensorInfo(0, "AA:BB:CC:00:00:01", Foot.Left, "simulated", "1.2.3", 97, 104),
            new SensorInfo(1, "AA:BB:CC:00:00:02", Foot.Right, "simulated", null),
        ]);

    /// <summary>n strides alternating feet, ~0.36 s apart, starting at t0.</summary>
    public static StrideMetrics[] Strides(int n, int seed = 1, double t0 = 1.0)
    {
        var rng = new Random(seed);
        var result = new StrideMetrics[n];
        for (var i = 0; i < n; i++)
        {
            double R(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
            var ic = t0 + i * 0.36 + R(0, 0.01);
            result[i] = new StrideMetrics
            {
                Foot = i % 2 == 0 ? Foot.Left : Foot.Right,
                IcTimeS = ic,
                ToTimeS = ic + R(0.2, 0.3),
                NextIcTimeS = ic + R(0.7, 0.75),
                StrideTimeS = R(0.7, 0.75),
                StrideLengthM = R(1.8, 2.4),
                SpeedMps = R(2.5, 3.3),
                ContactTimeS = R(0.2, 0.3),
                FlightTimeS = R(-0.02, 0.1),
                SwingTimeS = R(0.4, 0.5),
                DutyFactor = R(0.3, 0.4),
                StrikeAngleDeg = R(-5, 20),
                StrikePattern = (StrikePattern)(1 + i % 3),
                CadenceSpm = R(150, 180),
                PeakImpactG = R(3, 12),
                FootClearanceM = R(0.1, 0.3),
                PeakSwingSpeedMps = R(6, 9),
                OverstrideIndex = R(0.7, 1.4),
                Overstride = i % 5 == 0,
                CalfLoad = R(1, 3),
                Gait = i % 7 == 0 ? Gait.Walk : Gait.Run,
                Flags = (StrideFlags)(i % 16),
            };
        }
        return result;
    }

    /// <summary>A stride with every optional value missing.</summary>
    public static StrideMetrics Empty(Foot foot, double ic) => new()
    {
        Foot = foot, IcTimeS = ic, ToTimeS = double.NaN, NextIcTimeS = double.NaN, StrideTimeS = double.NaN,
        StrideLengthM = double.NaN, SpeedMps = double.NaN, ContactTimeS = double.NaN, FlightTimeS = double.NaN,
        SwingTimeS = double.NaN, DutyFactor = double.NaN, StrikeAngleDeg = double.NaN, CadenceSpm = double.NaN,
        PeakImpactG = double.NaN, FootClearanceM = double.NaN, PeakSwingSpeedMps = double.NaN,
        OverstrideIndex = double.NaN, CalfLoad = double.NaN,
    };

    public static BoutSummary[] Bouts() =>
    [
        new() { Gait = Gait.Walk, StartTimeS = 0, EndTimeS = 300, Strides = 250, CadenceSpm = 110.4, StrideLengthM = 1.41,
                SpeedMps = 1.3, DistanceM = 390, ContactTimeS = 0.61, StrikeAngleDeg = 14.2, StrikePattern = StrikePattern.Rearfoot,
                OverstrideFraction = 0.02, CalfLoad = 310.5 },
        new() { Gait = Gait.Run, StartTimeS = 300, EndTimeS = 390, Strides = 130, CadenceSpm = 164.25, StrideLengthM = 2.2,
                SpeedMps = 3.01, DistanceM = double.NaN, ContactTimeS = 0.25, StrikeAngleDeg = double.NaN,
                StrikePattern = StrikePattern.Unknown, OverstrideFraction = 0.15, CalfLoad = 250 },
    ];
}
