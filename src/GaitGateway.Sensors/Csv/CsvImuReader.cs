using System.Globalization;
using System.Numerics;
using System.Text;
using GaitGateway.Core.Samples;

namespace GaitGateway.Sensors.Csv;

/// <summary>Import settings. Every field has a default that reads the shared example datasets as they are.</summary>
public sealed record CsvImportOptions
{
    /// <summary>The foot of a one-sensor file (<see cref="CsvLayout.PerFoot"/>, <see cref="CsvLayout.Xio"/>). Default left.</summary>
    public Foot Foot { get; init; } = Foot.Left;

    /// <summary>File axes → gateway axes, applied to accelerometer and gyroscope. Default: identity.</summary>
    public AxisMap? Axes { get; init; }

    /// <summary>Sample rate of the gaitmap layout, whose time column is a sample index, Hz. Default 204.8.</summary>
    public double GaitmapSampleRateHz { get; init; } = 204.8;

    /// <summary>Data rows read ahead to estimate the rate from the median time step. Default 4096 (10 s at 400 Hz).</summary>
    public int RateWindowRows { get; init; } = 4096;

    /// <summary>Slowest file accepted, Hz. Default 50. The clips stream at 100–1600 Hz, but other devices' files may
    /// be slower or read just under a nominal 100 Hz from their own clock (an x-io part at a nominal 400 Hz reads
    /// 398): the shared real walks decimated to 50 Hz still give every stride (footprints 2.1 cm, xio loops
    /// 0.17 / 0.80 %; README), though running stances merge there. Below it a time column is more likely in the wrong
    /// unit (ms read as s: 1000× too slow) than the rate real.</summary>
    public double MinSampleRateHz { get; init; } = 50;

    /// <summary>Fastest rate handed on, Hz. Default 1600: the clips' maximum, which the pipeline's history is sized for
    /// (<c>FootPipelineSettings.MaxSampleRateHz</c>). A faster file (up to <see cref="MaxFileSampleRateHz"/>) is
    /// decimated by the smallest whole factor that brings it to this or below, each output sample the mean of that
    /// many rows (<see cref="CsvImuReader.DecimationFactor"/>).</summary>
    public double MaxSampleRateHz { get; init; } = Core.Protocol.ImuPacket.MaxSampleRateHz;

    /// <summary>A time step longer than this many sample steps is a gap: rows were lost there (a logger's dropped
    /// packet), and the row after it is marked <see cref="ImuSampleFlags.GapBefore"/>, as the packet decoder marks the
    /// first sample after a lost packet, so the pipeline bridges it as it bridges a lost packet. Default 2.5 (two rows or
    /// more; one lost row costs a trapezoid's width). Measured on the shared real sets: footprint trials with 2 % of
    /// 19-row packets removed, walking strides that lost one read 4.74 % from the same strides unbroken when the gaps
    /// went unmarked (integrated straight across) and 3.29 % marked (jogging, 12 strides: 3.56 → 5.76 %: the step at a
    /// gap, README's Open list); xio's own 2–7-step gaps: loops 0.16/0.68 → 0.23/0.31 %. Infinity: never.</summary>
    public double GapStepFactor { get; init; } = 2.5;

    /// <summary>Fastest file accepted, Hz. Default 10 000: above it a time column is more likely in the wrong unit
    /// (s written where ms were meant: 1000× too fast) than the rate real.</summary>
    public double MaxFileSampleRateHz { get; init; } = 10_000;

    /// <summary>Full scale of the accelerometer that recorded the file, g (e.g. 16). Default null: unknown, and no sample
    /// is marked saturated. Given, each axis at or near full scale is marked as a clip's packets mark it
    /// (<see cref="Core.Protocol.ImuScale.AccSaturation"/>), so a clipped impact's velocity loss is removed as a step
    /// (issue 11: a CSV carries no range of its own).</summary>
    public double? AccRangeG { get; init; }
}

/// <summary>
/// Streams IMU samples from a CSV file in one pass. <see cref="Open"/> reads the header and the first
/// <see cref="CsvImportOptions.RateWindowRows"/> rows (to estimate the rate from the median time step, which jitter
/// and the odd long gap do not move); <see cref="ReadSamples"/> yields those and then the rest of the file as it reads
/// it, so a long recording is never held in memory. Rows whose time equals the previous row's (duplicated rows, as in
/// x-io exports) are skipped and counted; time going backwards is an error.
/// Every problem is a <see cref="CsvFormatException"/> naming the file, line and column.
/// </summary>
public sealed class CsvImuReader : IDisposable
{
    /// <summary>Longest line read, characters: a data row is ~100, a wide header a few thousand. A file with a longer
    /// line (or none: a device, a binary file) is refused at that line instead of being read into memory whole.</summary>
    public const int MaxLineChars = 64 * 1024;

    /// <summary>Largest |time| accepted, s (2^32 s ≈ 136 years): Unix-epoch seconds fit; what is beyond cannot be a
    /// sample time, and would overflow the store's int64-ns times.</summary>
    public const double MaxAbsTimeS = 4_294_967_296.0;

    private readonly BoundedLineReader _text;
    private readonly CsvImportOptions _options;
    private readonly AxisMap _axes;
    private readonly double _accFullScaleMps2 = double.NaN;
    private readonly List<Channel> _channels;
    private readonly Column _time;
    private readonly bool _timeIsIndex;
    private readonly int _minCells;
    private readonly Queue<Row> _ahead = new();
    // Per channel, for CheckAngularRateScale: the largest |ω| read, °/s, and how many samples showed the foot moving.
    private readonly double[] _peakRateDps;
    private readonly long[] _moving;
    private bool _rateScaleChecked;
    private readonly Range[] _cells;
    private int _lineNumber;
    private double _lastTime = double.NaN;
    private int _lastTimeLine;
    private bool _enumerated;

    public string Path { get; }
    public CsvLayout Layout { get; }
    /// <summary>The feet this file holds, in the order their samples are yielded within a row.</summary>
    public IReadOnlyList<Foot> Feet { get; }
    /// <summary>The file's rate, estimated from the median time step of the first rows (gaitmap layout: the given
    /// rate), Hz.</summary>
    public double SampleRateHz { get; }
    /// <summary>Rows averaged into each sample yielded: 1, or more for a file faster than
    /// <see cref="CsvImportOptions.MaxSampleRateHz"/>.</summary>
    public int DecimationFactor { get; }
    /// <summary>The rate of the samples yielded: <see cref="SampleRateHz"/> / <see cref="DecimationFactor"/>, Hz.</summary>
    public double OutputSampleRateHz => SampleRateHz / DecimationFactor;
    /// <summary>Data rows read so far, duplicates included; final once <see cref="ReadSamples"/> has finished.</summary>
    public long RowCount { get; private set; }
    /// <summary>Rows skipped so far because their time equalled the previous row's.</summary>
    public long DuplicateCount { get; private set; }

    /// <summary>Opens <paramref name="path"/>, detects its layout, reads the header and estimates the rate.</summary>
    public static CsvImuReader Open(string path, CsvImportOptions? options = null)
    {
        options ??= new CsvImportOptions();
        var text = OpenText(path);
        try
        {
            return new CsvImuReader(path, text, options);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    internal static StreamReader OpenText(string path)
    {
        try
        {
            return new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 64 * 1024 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CsvFormatException(path, null, null, $"cannot open: {e.Message}", e);
        }
    }

    private CsvImuReader(string path, TextReader text, CsvImportOptions options)
    {
        Path = path;
        _text = new BoundedLineReader(text, MaxLineChars);
        _options = options;
        _axes = options.Axes ?? AxisMap.Identity;
        if (options.AccRangeG is { } range)
        {
            if (!(range > 0 && range < 1000)) throw Error(null, null, string.Create(CultureInfo.InvariantCulture, $"accelerometer range {range} g is not a positive number below 1000"));
            _accFullScaleMps2 = range * Gravity.StandardMps2;
        }
        var header = NextLine() ?? throw Error(1, null, "file is empty (no header line)");
        var headerCells = SplitHeader(header);
        _cells = new Range[Math.Max(headerCells.Count, 1) + 1];
        Layout = DetectLayout(headerCells);
        _channels = [];
        switch (Layout)
        {
            case CsvLayout.GaitmapBothFeet:
                {
                    var axisLine = NextLine() ?? throw Error(2, null, "file ends after the 'sensor' header row; expected the 'axis' row");
                    var axisCells = SplitHeader(axisLine);
                    if (axisCells.Count == 0 || !axisCells[0].Equals("axis", StringComparison.OrdinalIgnoreCase))
                        throw Error(2, null, "expected the second header row to start with 'axis'");
                    if (axisCells.Count != headerCells.Count)
                        throw Error(2, null, $"the 'axis' row has {axisCells.Count} cells, the 'sensor' row {headerCells.Count}");
                    if (options.GaitmapSampleRateHz is not (> 0 and < double.PositiveInfinity))
                        throw Error(null, null, $"gaitmap sample rate {options.GaitmapSampleRateHz} Hz is not a positive number");
                    _time = new Column(0, headerCells[0], 1.0 / options.GaitmapSampleRateHz);
                    _timeIsIndex = true;
                    foreach (var (foot, word) in new[] { (Foot.Left, "left"), (Foot.Right, "right") })
                    {
                        var sensor = headerCells.Skip(1).FirstOrDefault(c => c.Contains(word, StringComparison.OrdinalIgnoreCase));
                        if (sensor is null) throw Error(1, null, $"no {word} sensor column (expected e.g. {word}_sensor)");
                        int Find(string axis)
                        {
                            for (var i = 1; i < headerCells.Count; i++)
                                if (headerCells[i] == sensor && axisCells[i].Equals(axis, StringComparison.OrdinalIgnoreCase)) return i;
                            throw Error(2, $"{sensor}/{axis}", "missing column");
                        }

                        // gaitmap stores m/s² and deg/s (datasets/README.md); its headers carry no units.
                        _channels.Add(new Channel(foot,
                            [new(Find("acc_x"), $"{sensor}/acc_x", 1), new(Find("acc_y"), $"{sensor}/acc_y", 1), new(Find("acc_z"), $"{sensor}/acc_z", 1)],
                            [new(Find("gyr_x"), $"{sensor}/gyr_x", 1), new(Find("gyr_y"), $"{sensor}/gyr_y", 1), new(Find("gyr_z"), $"{sensor}/gyr_z", 1)]));
                    }

                    break;
                }

            case CsvLayout.PerFoot:
            case CsvLayout.Xio:
                {
                    var columns = ParseNamedColumns(headerCells, Layout);
                    Column Need(string name, Quantity q) =>
                        columns.TryGetValue(name, out var c) ? c with { Factor = UnitFactor(c, q) } : throw Error(1, name, "missing column");
                    _time = Need("time_s", Quantity.Time);
                    _channels.Add(new Channel(options.Foot,
                        [Need("acc_x", Quantity.Acceleration), Need("acc_y", Quantity.Acceleration), Need("acc_z", Quantity.Acceleration)],
                        [Need("gyr_x", Quantity.AngularRate), Need("gyr_y", Quantity.AngularRate), Need("gyr_z", Quantity.AngularRate)]));
                    break;
                }

            default:
                throw new InvalidOperationException($"layout {Layout}");
        }

        Feet = _channels.Select(c => c.Foot).ToArray();
        _peakRateDps = new double[_channels.Count];
        _moving = new long[_channels.Count];
        _minCells = 1 + _channels.SelectMany(c => c.Acc.Concat(c.Gyro)).Append(_time).Max(c => c.Index);

        // Read ahead to estimate the rate; these rows are yielded first by ReadSamples.
        var window = Math.Max(options.RateWindowRows, 2);
        while (_ahead.Count < window && TryReadRow(out var row)) _ahead.Enqueue(row);
        if (_ahead.Count == 0) throw Error(_lineNumber + 1, null, "no data rows after the header");
        if (_ahead.Count < 2)
            throw Error(_ahead.Peek().Line, null, "only one distinct time value; at least two rows are needed to estimate the sample rate");
        var steps = new double[_ahead.Count - 1];
        var k = 0;
        double? previous = null;
        foreach (var row in _ahead)
        {
            if (previous is { } p) steps[k++] = row.Time - p;
            previous = row.Time;
        }

        Array.Sort(steps);
        var median = steps.Length % 2 == 1 ? steps[steps.Length / 2] : 0.5 * (steps[(steps.Length / 2) - 1] + steps[steps.Length / 2]);
        SampleRateHz = _timeIsIndex ? options.GaitmapSampleRateHz : 1.0 / median;
        var slack = 1 + RateClockTolerance;
        if (!(SampleRateHz * slack >= options.MinSampleRateHz && SampleRateHz <= options.MaxFileSampleRateHz * slack))
            throw Error(_ahead.Peek().Line, _time.Name,
                string.Create(CultureInfo.InvariantCulture, $"sample rate {SampleRateHz:0.###} Hz (median time step {median * 1000:0.####} ms) is outside {options.MinSampleRateHz:0.#}–{options.MaxFileSampleRateHz:0.#} Hz; check the time unit"));
        DecimationFactor = SampleRateHz <= options.MaxSampleRateHz * slack ? 1 : (int)Math.Ceiling(SampleRateHz / options.MaxSampleRateHz);
        CheckAccelerationScale();
    }

    /// <summary>How far a file's measured rate may stray past a rate bound and still count as that rate: 2 %. A MEMS
    /// part's output rate comes from its own oscillator, typically within ±1–2 % of nominal, and the rate is measured
    /// from printed times (a 50-Hz file can read 49.99999 Hz).</summary>
    private const double RateClockTolerance = 0.02;

    /// <summary>Least rows the unit checks need before they judge.</summary>
    private const int UnitCheckMinRows = 20;

    /// <summary>A foot-worn accelerometer's median |a| over any stretch of standing, walking or running lies within
    /// this band, m/s²: gravity (9.81) dominates — swings and impacts pull the median to 10–25 at most. In g a file
    /// reads ~1, in mg ~1000: both fall outside.</summary>
    private const double MinMedianAccMps2 = 4, MaxMedianAccMps2 = 60;

    /// <summary>A foot that walks or runs turns at hundreds of °/s in every swing (REFERENCES.md: a ±500 °/s part
    /// flat-tops in jogging); a file whose rate never passes this while the accelerometer shows the foot moving is in
    /// rad/s, not °/s.</summary>
    private const double MinPeakRateWhenMovingDps = 30;

    /// <summary>Moving: |a| at least half a g away from gravity (walking and running do this on a third of their
    /// samples or more, standing never).</summary>
    private const double MovingAccDeviationMps2 = 0.5 * Gravity.StandardMps2;

    /// <summary>
    /// A header without units promises m/s² (and °/s); a file in g would be read 9.81 times too small and measured as
    /// nonsense. The median |a| of the first rows tells (gravity), so such a file is refused with the fix named —
    /// unless the header states the unit, which is then trusted.
    /// </summary>
    private void CheckAccelerationScale()
    {
        if (_ahead.Count < UnitCheckMinRows) return;
        for (var c = 0; c < _channels.Count; c++)
        {
            var ch = _channels[c];
            if (ch.Acc.Any(col => col.Unit is not null)) continue;
            var norms = new double[_ahead.Count];
            var k = 0;
            foreach (var row in _ahead) norms[k++] = row.Samples[c].Sample.AccSensorMps2.Length();
            Array.Sort(norms);
            var median = norms[norms.Length / 2];
            if (median is >= MinMedianAccMps2 and <= MaxMedianAccMps2) continue;
            var names = string.Join(", ", ch.Acc.Select(col => col.Name));
            throw Error(_ahead.Peek().Line, ch.Acc[0].Name, string.Create(CultureInfo.InvariantCulture,
                $"median |acceleration| over the first {norms.Length} rows is {median:0.###} (read as m/s²), where a foot-worn accelerometer in m/s² (a header without units) reads about 9.81 (gravity): name the unit in the header ({names} → e.g. {ch.Acc[0].Name}[g]; accepted: {CsvUnits.Accepted(Quantity.Acceleration)})"));
        }
    }

    /// <summary>
    /// The same for the gyroscope, judged at the end of the file (a recording may begin standing): a header without
    /// units promises °/s, and a file in rad/s would be read 57 times too slow.
    /// </summary>
    private void CheckAngularRateScale()
    {
        for (var c = 0; c < _channels.Count; c++)
        {
            var ch = _channels[c];
            if (ch.Gyro.Any(col => col.Unit is not null)) continue;
            if (_moving[c] < UnitCheckMinRows || _moving[c] < 0.05 * RowCount || _peakRateDps[c] >= MinPeakRateWhenMovingDps) continue;
            var names = string.Join(", ", ch.Gyro.Select(col => col.Name));
            throw Error(_lineNumber, ch.Gyro[0].Name, string.Create(CultureInfo.InvariantCulture,
                $"the angular rate never passes {_peakRateDps[c]:0.###} (read as °/s) while the accelerometer shows the foot moving ({_moving[c]} of {RowCount} rows), where a walking or running foot turns at hundreds of °/s (a header without units): name the unit in the header ({names} → e.g. {ch.Gyro[0].Name}[rad/s]; accepted: {CsvUnits.Accepted(Quantity.AngularRate)})"));
        }
    }

    /// <summary>Which layout a file has, from its first line. Throws <see cref="CsvFormatException"/> if none fits.</summary>
    public static CsvLayout DetectLayout(string path)
    {
        using var text = new BoundedLineReader(OpenText(path), MaxLineChars);
        string? first;
        try
        {
            first = text.ReadLine();
        }
        catch (IOException e)
        {
            throw new CsvFormatException(path, 1, null, $"cannot read: {e.Message}", e);
        }
        catch (LineTooLongException e)
        {
            throw new CsvFormatException(path, 1, null, $"{e.Message}: not a CSV file", e);
        }

        if (first is null) throw new CsvFormatException(path, 1, null, "file is empty (no header line)");
        var cells = SplitHeader(first);
        return TryDetect(cells) ?? throw new CsvFormatException(path, 1, null, UnknownLayoutProblem(cells));
    }

    /// <summary>
    /// The samples, in file order; for a two-foot file each row yields the left then the right sample. The axis map
    /// is applied and units are converted. Enumerate once.
    /// </summary>
    public IEnumerable<FootSample> ReadSamples()
    {
        if (_enumerated) throw new InvalidOperationException("CsvImuReader.ReadSamples can be enumerated once");
        _enumerated = true;
        return Enumerate();
    }

    private IEnumerable<FootSample> Enumerate()
    {
        if (DecimationFactor == 1)
        {
            foreach (var row in Rows())
                foreach (var s in row.Samples) yield return s;
            yield break;
        }

        // Each output sample is the mean of DecimationFactor rows, timed at their mean time: a moving-average
        // anti-alias filter (as a MEMS part's own decimation stage), so an impact's energy is kept rather than picked
        // up or missed by every n-th row. A clip on any of the rows marks the mean. A tail shorter than the factor is
        // dropped.
        var q = DecimationFactor;
        var acc = new Vector3[_channels.Count];
        var gyro = new Vector3[_channels.Count];
        var flags = new ImuSampleFlags[_channels.Count];
        var timeSum = 0.0;
        var n = 0;
        foreach (var row in Rows())
        {
            timeSum += row.Time;
            for (var c = 0; c < _channels.Count; c++)
            {
                var s = row.Samples[c].Sample;
                acc[c] += s.AccSensorMps2;
                gyro[c] += s.GyroSensorDps;
                flags[c] |= s.Flags;
            }

            if (++n < q) continue;
            for (var c = 0; c < _channels.Count; c++)
            {
                yield return new FootSample(_channels[c].Foot, new ImuSample(timeSum / q, acc[c] / q, gyro[c] / q, flags[c]));
                acc[c] = gyro[c] = Vector3.Zero;
                flags[c] = ImuSampleFlags.None;
            }

            timeSum = 0;
            n = 0;
        }
    }

    /// <summary>The rows read ahead for the rate estimate, then the rest of the file, each row after a gap
    /// (<see cref="CsvImportOptions.GapStepFactor"/>) marked.</summary>
    private IEnumerable<Row> Rows()
    {
        var gapS = _options.GapStepFactor / SampleRateHz;
        var previous = double.NaN;
        foreach (var row in RawRows())
        {
            if (row.Time - previous > gapS)
                for (var c = 0; c < row.Samples.Length; c++)
                {
                    var s = row.Samples[c];
                    row.Samples[c] = s with { Sample = s.Sample with { Flags = s.Sample.Flags | ImuSampleFlags.GapBefore } };
                }

            previous = row.Time;
            yield return row;
        }
    }

    private IEnumerable<Row> RawRows()
    {
        while (_ahead.Count > 0) yield return _ahead.Dequeue();
        while (TryReadRow(out var row)) yield return row;
    }

    /// <summary>Reads the next data row that is not a duplicate; false at the end of the file.</summary>
    private bool TryReadRow(out Row row)
    {
        row = default;
        while (NextLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var span = line.AsSpan();
            var count = Split(span, _cells);
            if (count < _minCells)
                throw Error(_lineNumber, null, $"expected at least {_minCells} cells, found {count}");
            RowCount++;
            var time = Number(span, _time) * _time.Factor;
            if (!(Math.Abs(time) <= MaxAbsTimeS))
                throw Error(_lineNumber, _time.Name, string.Create(CultureInfo.InvariantCulture, $"time {time:G6} s is beyond ±{MaxAbsTimeS:0} s"));
            if (time == _lastTime)
            {
                DuplicateCount++;
                continue;
            }

            if (time < _lastTime)
                throw Error(_lineNumber, _time.Name, string.Create(CultureInfo.InvariantCulture,
                    $"time goes backwards ({time:0.######} s after {_lastTime:0.######} s on line {_lastTimeLine})"));
            _lastTime = time;
            _lastTimeLine = _lineNumber;
            var samples = new FootSample[_channels.Count];
            for (var c = 0; c < _channels.Count; c++)
            {
                var ch = _channels[c];
                var acc = new Vector3(
                    (float)(Number(span, ch.Acc[0]) * ch.Acc[0].Factor),
                    (float)(Number(span, ch.Acc[1]) * ch.Acc[1].Factor),
                    (float)(Number(span, ch.Acc[2]) * ch.Acc[2].Factor));
                var gyro = new Vector3(
                    (float)(Number(span, ch.Gyro[0]) * ch.Gyro[0].Factor),
                    (float)(Number(span, ch.Gyro[1]) * ch.Gyro[1].Factor),
                    (float)(Number(span, ch.Gyro[2]) * ch.Gyro[2].Factor));
                var accMapped = _axes.Apply(acc);
                var flags = double.IsNaN(_accFullScaleMps2) ? ImuSampleFlags.None : Core.Protocol.ImuScale.AccSaturation(accMapped, _accFullScaleMps2);
                _peakRateDps[c] = Math.Max(_peakRateDps[c], gyro.Length());
                if (Math.Abs(acc.Length() - Gravity.StandardMps2) >= MovingAccDeviationMps2) _moving[c]++;
                samples[c] = new FootSample(ch.Foot, new ImuSample(time, accMapped, _axes.Apply(gyro), flags));
            }

            row = new Row(_lineNumber, time, samples);
            return true;
        }

        if (!_rateScaleChecked)
        {
            _rateScaleChecked = true;
            CheckAngularRateScale();
        }

        return false;
    }

    private double Number(ReadOnlySpan<char> line, Column column)
    {
        var cell = Unquote(line[_cells[column.Index]]);
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw Error(_lineNumber, column.Name, $"{CsvFormatException.Quote(cell)} is not a number");
        if (!double.IsFinite(v))
            throw Error(_lineNumber, column.Name, $"{CsvFormatException.Quote(cell)} is not a finite number");
        return v;
    }

    private string? NextLine()
    {
        try
        {
            var line = _text.ReadLine();
            if (line is not null) _lineNumber++;
            return line;
        }
        catch (IOException e)
        {
            throw new CsvFormatException(Path, _lineNumber + 1, null, $"cannot read: {e.Message}", e);
        }
        catch (LineTooLongException e)
        {
            throw new CsvFormatException(Path, _lineNumber + 1, null, $"{e.Message}: not a CSV file, or a broken one", e);
        }
    }

    private CsvFormatException Error(int? line, string? column, string problem) => new(Path, line, column, problem);

    private double UnitFactor(Column c, Quantity q)
    {
        if (c.Unit is null) return 1.0; // header without a unit: m/s², °/s, s
        return CsvUnits.Factor(q, c.Unit)
            ?? throw Error(1, c.Name, $"unknown unit '{c.Unit}' (accepted: {CsvUnits.Accepted(q)})");
    }

    /// <summary>Header cells → canonical name (time_s, acc_x, …, gyr_z) → column with its unit text.</summary>
    private Dictionary<string, Column> ParseNamedColumns(List<string> cells, CsvLayout layout)
    {
        var map = new Dictionary<string, Column>(StringComparer.Ordinal);
        for (var i = 0; i < cells.Count; i++)
        {
            var (name, unit) = SplitUnit(cells[i], layout == CsvLayout.Xio ? ('(', ')') : ('[', ']'));
            var canonical = Canonical(name, layout);
            if (canonical is null) continue; // other columns (magnetometer, labels) are ignored
            if (map.ContainsKey(canonical)) throw Error(1, cells[i], $"column {canonical} appears twice");
            map[canonical] = new Column(i, cells[i], 1.0, unit);
        }

        return map;
    }

    private static (string Name, string? Unit) SplitUnit(string cell, (char Open, char Close) brackets)
    {
        var open = cell.IndexOf(brackets.Open, StringComparison.Ordinal);
        if (open < 0) return (cell.Trim(), null);
        var close = cell.IndexOf(brackets.Close, open + 1);
        var unit = close < 0 ? cell[(open + 1)..] : cell[(open + 1)..close];
        return (cell[..open].Trim(), unit.Trim());
    }

    private static string? Canonical(string name, CsvLayout layout)
    {
        var n = name.Trim().ToUpperInvariant();
        if (layout == CsvLayout.Xio)
        {
            return n switch
            {
                "TIME" => "time_s",
                "ACCELEROMETER X" => "acc_x", "ACCELEROMETER Y" => "acc_y", "ACCELEROMETER Z" => "acc_z",
                "GYROSCOPE X" => "gyr_x", "GYROSCOPE Y" => "gyr_y", "GYROSCOPE Z" => "gyr_z",
                _ => null,
            };
        }

        return n switch
        {
            "TIME_S" or "TIME" => "time_s",
            "ACC_X" or "ACC_Y" or "ACC_Z" or "GYR_X" or "GYR_Y" or "GYR_Z" => n.ToLowerInvariant(),
            _ => null,
        };
    }

    private CsvLayout DetectLayout(List<string> cells) => TryDetect(cells) ?? throw Error(1, null, UnknownLayoutProblem(cells));

    private static CsvLayout? TryDetect(List<string> cells)
    {
        if (cells.Count > 0 && cells[0].Equals("sensor", StringComparison.OrdinalIgnoreCase)) return CsvLayout.GaitmapBothFeet;
        if (cells.Any(c => c.StartsWith("Gyroscope", StringComparison.OrdinalIgnoreCase) || c.StartsWith("Accelerometer", StringComparison.OrdinalIgnoreCase)))
            return CsvLayout.Xio;
        if (cells.Any(c => SplitUnit(c, ('[', ']')).Name.StartsWith("time", StringComparison.OrdinalIgnoreCase))) return CsvLayout.PerFoot;
        return null;
    }

    private static string UnknownLayoutProblem(List<string> cells) =>
        $"unrecognised header {CsvFormatException.Quote(string.Join(',', cells))}; expected 'time_s, acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z', gaitmap's 'sensor,…' rows or x-io's 'Time (s), Gyroscope X (deg/s), …'";

    private static List<string> SplitHeader(string line) =>
        line.Split(',').Select(c => Unquote(c.AsSpan()).ToString()).ToList() is var l && l.Count == 1 && l[0].Length == 0 ? [] : l;

    /// <summary>Splits on commas into <paramref name="cells"/> without allocating; returns the number of cells
    /// (cells beyond the buffer are counted, not stored).</summary>
    private static int Split(ReadOnlySpan<char> line, Range[] cells)
    {
        var n = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf(',');
            var end = comma < 0 ? line.Length : start + comma;
            if (n < cells.Length) cells[n] = start..end;
            n++;
            if (comma < 0) return n;
            start = end + 1;
        }
    }

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        return cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Trim() : cell;
    }

    public void Dispose() => _text.Dispose();

    private readonly record struct Column(int Index, string Name, double Factor, string? Unit = null);

    private sealed record Channel(Foot Foot, Column[] Acc, Column[] Gyro);

    private readonly record struct Row(int Line, double Time, FootSample[] Samples);
}
