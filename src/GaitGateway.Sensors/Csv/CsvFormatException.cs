namespace GaitGateway.Sensors.Csv;

/// <summary>
/// A CSV file that cannot be imported. The message is one line naming the file, the line (1-based, as an editor
/// shows it) and the column where known, e.g. <c>left.csv: line 17, column gyr_z: 'abc' is not a number</c>,
/// so the CLI can print it as it is.
/// </summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string path, int? lineNumber, string? column, string problem, Exception? inner = null)
        : base(Compose(path, lineNumber, column, problem), inner)
    {
        Path = path;
        LineNumber = lineNumber;
        Column = column;
        Problem = problem;
    }

    public CsvFormatException() { Path = ""; Problem = ""; }
    public CsvFormatException(string message) : base(message) { Path = ""; Problem = message; }
    public CsvFormatException(string message, Exception inner) : base(message, inner) { Path = ""; Problem = message; }

    public string Path { get; }
    /// <summary>1-based line number, or null when the problem is the file as a whole (cannot open).</summary>
    public int? LineNumber { get; }
    /// <summary>The column's header name as written in the file, when one column is at fault.</summary>
    public string? Column { get; }
    public string Problem { get; }

    private static string Compose(string path, int? line, string? column, string problem)
    {
        var where = (line, column) switch
        {
            ({ } l, { } c) => $"line {l}, column {c}: ",
            ({ } l, null) => $"line {l}: ",
            (null, { } c) => $"column {c}: ",
            _ => "",
        };
        return OneLine($"{path}: {where}{problem}");
    }

    /// <summary>Cell text and OS messages may carry control characters; the message must stay one line.</summary>
    internal static string OneLine(string text)
    {
        Span<char> buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        for (var i = 0; i < text.Length; i++) buffer[i] = char.IsControl(text[i]) ? ' ' : text[i];
        return new string(buffer).TrimEnd();
    }

    /// <summary>A cell quoted in a message: shortened and stripped of control characters.</summary>
    internal static string Quote(ReadOnlySpan<char> cell)
    {
        var s = cell.Length > 40 ? string.Concat(cell[..40], "…") : cell.ToString();
        return $"'{OneLine(s)}'";
    }
}
