using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Csv;

/// <summary>The CSV layouts the importer reads.</summary>
public enum CsvLayout
{
    /// <summary>One file per foot: <c>time_s, acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z</c>, units m/s² and °/s unless a
    /// header names one in brackets (<c>acc_x [g]</c>). Column order follows the header.</summary>
    PerFoot,
    /// <summary>gaitmap's example data: header rows <c>sensor,…</c> and <c>axis,…</c>, columns interleaving
    /// <c>left_sensor</c>/<c>right_sensor</c>, first column the sample index, m/s² and deg/s. Both feet.</summary>
    GaitmapBothFeet,
    /// <summary>x-io Technologies export: <c>Time (s), Gyroscope X (deg/s), …, Accelerometer X (g), …</c>, one sensor.</summary>
    Xio,
}

/// <summary>One imported sample and the foot it belongs to.</summary>
public readonly record struct FootSample(Foot Foot, ImuSample Sample);

/// <summary>
/// One foot's imported data. <see cref="Samples"/> are in the gateway's sensor frame (after the axis map) and units,
/// with <see cref="ImuSample.TimeS"/> on the file's own time base.
/// </summary>
/// <param name="Path">The file as named by the caller.</param>
/// <param name="Foot">Which foot.</param>
/// <param name="Layout">The layout detected.</param>
/// <param name="SampleRateHz">Rate estimated from the median time step (or the given rate for the gaitmap layout).</param>
/// <param name="RowCount">Data rows read, duplicates included.</param>
/// <param name="DuplicateCount">Rows skipped because their time equalled the previous row's.</param>
/// <param name="Samples">The samples, in time order, duplicates removed.</param>
public sealed record CsvFootData(
    string Path, Foot Foot, CsvLayout Layout, double SampleRateHz, long RowCount, long DuplicateCount, IReadOnlyList<ImuSample> Samples);
