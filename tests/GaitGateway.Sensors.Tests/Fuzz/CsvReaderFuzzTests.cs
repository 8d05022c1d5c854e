using System.Globalization;
using System.Text;
using CsCheck;
using GaitGateway.Core.Samples;
using GaitGateway.Sensors.Csv;

namespace GaitGateway.Sensors.Tests.Fuzz;

/// <summary>
/// Fuzz target of the CSV reader: generated files in the three layouts — good rows mixed with garbled cells (words,
/// NaN, 1e400, quotes, missing and extra cells, times out of order or beyond the time limit, over-long lines, control
/// characters, blank lines, CR/LF mixes) — are imported or refused with a <see cref="CsvFormatException"/> whose one
/// line names the file (and the line, when one line is at fault); never any other exception.
/// </summary>
public sealed class CsvReaderFuzzTests
{
    private const int Seconds = 4;

    private static readonly string[] Headers =
    [
        "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
        "time [ms],acc_x [g],acc_y [g],acc_z [g],gyr_x [rad/s],gyr_y [rad/s],gyr_z [rad/s]",
        "Time (s),Gyroscope X (deg/s),Gyroscope Y (deg/s),Gyroscope Z (deg/s),Accelerometer X (g),Accelerometer Y (g),Accelerometer Z (g)",
        "sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor,right_sensor,right_sensor,right_sensor,right_sensor,right_sensor,right_sensor\naxis,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
        "time_s,acc_x,acc_y",
        "",
        "\"time_s\",acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z,label",
    ];

    private static readonly string[] Cells = ["", "abc", "NaN", "1e400", "-1e400", "\"1\"", "\"", "1,2", "\u0000", " 3 ", "0x10", "1e9", "-5", "∞"];

    private static readonly Gen<string> Cell = Gen.Frequency(
        (8, Gen.Double[-50, 50].Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.Int[0, Cells.Length - 1].Select(i => Cells[i])),
        (1, Gen.String[Gen.Char.AlphaNumeric, 0, 12]));

    /// <summary>A row as a function of its number: a time (mostly increasing with the number), then cells.</summary>
    private static readonly Gen<Func<int, string>> Row = Gen.Frequency(
        (12, Gen.Select(Cell.Array[6, 12], Gen.Double[0, 1]).Select((cells, jitter) => (Func<int, string>)(i =>
            string.Join(',', cells.Prepend((i / 400.0 + (jitter < 0.05 ? -1 : 0)).ToString("R", CultureInfo.InvariantCulture)))))),
        (1, Cell.Array[0, 14].Select(cells => (Func<int, string>)(_ => string.Join(',', cells)))),
        (1, Gen.Const((Func<int, string>)(_ => ""))),
        (1, Gen.Const((Func<int, string>)(_ => "1e12,0,0,9.81,0,0,0"))),
        (1, Gen.Int[CsvImuReader.MaxLineChars - 10, CsvImuReader.MaxLineChars + 10].Select(n => (Func<int, string>)(_ => new string('7', n)))));

    /// <summary>A clean row: increasing time and numbers only.</summary>
    private static readonly Gen<Func<int, string>> CleanRow = Gen.Double[-50, 50].Array[12].Select(cells => (Func<int, string>)(i =>
        string.Join(',', cells.Select(c => c.ToString("R", CultureInfo.InvariantCulture)).Prepend((i / 400.0).ToString("R", CultureInfo.InvariantCulture)))));

    /// <summary>Half the files are clean but for their header and few rows; the other half garbled throughout.</summary>
    private static readonly Gen<string> File = Gen.Select(Gen.Int[0, Headers.Length - 1], Gen.Bool, Gen.Int[0, 2]).SelectMany((h, clean, eol) =>
        (clean ? Gen.Frequency((40, CleanRow), (1, Row)) : Row).Array[0, 120].Select(rows =>
            Headers[h] + "\n" + string.Join(eol switch { 0 => "\n", 1 => "\r\n", _ => "\r" }, rows.Select((r, i) => r(i)))));

    [Fact]
    public void Any_csv_imports_or_fails_with_a_format_error_naming_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("gaitgw-csvfuzz-");
        var runs = 0;
        var imported = 0;
        try
        {
            File.Sample(text =>
            {
                var path = Path.Combine(dir.FullName, "f.csv");
                System.IO.File.WriteAllText(path, text, Encoding.UTF8);
                runs++;
                try
                {
                    if (CsvImport.DetectLayout(path) == CsvLayout.GaitmapBothFeet) CsvImport.ReadGaitmapBothFeet(path);
                    else CsvImport.ReadFootFile(path, Foot.Left);
                    imported++;
                }
                catch (CsvFormatException e)
                {
                    Assert.StartsWith(path + ": ", e.Message);
                    Assert.DoesNotContain('\n', e.Message);
                    Assert.DoesNotContain('\r', e.Message);
                }
            }, time: Seconds, threads: 1, print: t => t.Length > 400 ? t[..400] + "…" : t);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        Assert.True(runs > 50, $"only {runs} files in {Seconds} s");
        Assert.True(imported > 0 && imported < runs, $"{imported} of {runs} imported: the generator should make both");
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_refused_at_its_line()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("gaitgw-csvlong-").FullName, "long.csv");
        System.IO.File.WriteAllText(path, "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n0,0,0,9.81,0,0,0\n" + new string('1', CsvImuReader.MaxLineChars + 1) + "\n");
        var e = Assert.Throws<CsvFormatException>(() => CsvImport.ReadFootFile(path, Foot.Left));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains($"longer than {CsvImuReader.MaxLineChars} characters", e.Message);
    }

    [Theory]
    [InlineData("a\nb\r\nc\rd", new[] { "a", "b", "c", "d" })]
    [InlineData("a\r\n\r\nb\n", new[] { "a", "", "b" })]
    [InlineData("", new string[0])]
    [InlineData("\r", new[] { "" })]
    public void Bounded_lines_split_as_TextReader_does(string text, string[] expected)
    {
        using var bounded = new BoundedLineReader(new StringReader(text), 100);
        var standard = new StringReader(text);
        var got = new List<string>();
        while (bounded.ReadLine() is { } line)
        {
            got.Add(line);
            Assert.Equal(standard.ReadLine(), line);
        }

        Assert.Null(standard.ReadLine());
        Assert.Equal(expected, got);
    }
}
