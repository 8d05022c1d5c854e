using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Csv;

/// <summary>
/// Entry points for importing foot-IMU CSV files (<c>gaitgw replay --left L.csv --right R.csv --axes …</c>).
/// For files too large to hold in memory use <see cref="CsvImuReader"/> directly, which streams.
/// </summary>
public static class CsvImport
{
    /// <inheritdoc cref="CsvImuReader.DetectLayout"/>
    public static CsvLayout DetectLayout(string path) => CsvImuReader.DetectLayout(path);

    /// <summary>Opens a streaming reader (any layout).</summary>
    public static CsvImuReader Open(string path, CsvImportOptions? options = null) => CsvImuReader.Open(path, options);

    /// <summary>
    /// Reads a one-sensor file (<see cref="CsvLayout.PerFoot"/> or <see cref="CsvLayout.Xio"/>) for
    /// <paramref name="foot"/>, mapping its axes with <paramref name="axes"/> (null: the file is in the gateway frame);
    /// <paramref name="accRangeG"/>: the accelerometer's full scale, if known (<see cref="CsvImportOptions.AccRangeG"/>).
    /// </summary>
    public static CsvFootData ReadFootFile(string path, Foot foot, AxisMap? axes = null, double? accRangeG = null)
    {
        using var reader = CsvImuReader.Open(path, new CsvImportOptions { Foot = foot, Axes = axes, AccRangeG = accRangeG });
        if (reader.Layout == CsvLayout.GaitmapBothFeet)
            throw new CsvFormatException(path, 1, null, "this file holds both feet (gaitmap layout); import it with ReadGaitmapBothFeet / --both");
        var samples = new List<ImuSample>();
        foreach (var s in reader.ReadSamples()) samples.Add(s.Sample);
        return new CsvFootData(path, foot, reader.Layout, reader.SampleRateHz, reader.RowCount, reader.DuplicateCount, samples);
    }

    /// <summary>Reads gaitmap's two-foot layout (time = sample index / <paramref name="sampleRateHz"/>).</summary>
    public static (CsvFootData Left, CsvFootData Right) ReadGaitmapBothFeet(string path, double sampleRateHz = 204.8, AxisMap? axes = null, double? accRangeG = null)
    {
        using var reader = CsvImuReader.Open(path, new CsvImportOptions { GaitmapSampleRateHz = sampleRateHz, Axes = axes, AccRangeG = accRangeG });
        if (reader.Layout != CsvLayout.GaitmapBothFeet)
            throw new CsvFormatException(path, 1, null, $"expected gaitmap's two-foot layout ('sensor,…' header rows), found {reader.Layout}");
        var left = new List<ImuSample>();
        var right = new List<ImuSample>();
        foreach (var s in reader.ReadSamples()) (s.Foot == Foot.Left ? left : right).Add(s.Sample);
        return (
            new CsvFootData(path, Foot.Left, reader.Layout, reader.SampleRateHz, reader.RowCount, reader.DuplicateCount, left),
            new CsvFootData(path, Foot.Right, reader.Layout, reader.SampleRateHz, reader.RowCount, reader.DuplicateCount, right));
    }
}
