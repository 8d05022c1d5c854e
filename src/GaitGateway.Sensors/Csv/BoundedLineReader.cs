using System.Text;

namespace GaitGateway.Sensors.Csv;

/// <summary>A line longer than the reader's limit.</summary>
public sealed class LineTooLongException : Exception
{
    public LineTooLongException(int maxChars) : base($"line longer than {maxChars} characters") => MaxChars = maxChars;
    public LineTooLongException() { }
    public LineTooLongException(string message) : base(message) { }
    public LineTooLongException(string message, Exception inner) : base(message, inner) { }

    public int MaxChars { get; }
}

/// <summary>
/// <see cref="TextReader.ReadLine"/> with a limit: <see cref="StreamReader.ReadLine"/> keeps reading until it finds a
/// line end, so a file without one (a 100 MB line, /dev/zero) takes memory without bound. This one stops after
/// <c>maxChars</c> and throws <see cref="LineTooLongException"/>. Line ends as in .NET: "\n", "\r\n" or "\r".
/// </summary>
public sealed class BoundedLineReader(TextReader inner, int maxChars) : IDisposable
{
    private readonly char[] _buffer = new char[8192];
    private readonly StringBuilder _line = new();
    private int _pos;
    private int _len;
    private bool _skipLf;

    public string? ReadLine()
    {
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_pos == _len)
            {
                _len = inner.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_len == 0) return any ? _line.ToString() : null;
            }

            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_pos] == '\n') { _pos++; continue; }
            }

            any = true;
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var end = span.IndexOfAny('\r', '\n');
            var take = end < 0 ? span.Length : end;
            if (_line.Length + take > maxChars) throw new LineTooLongException(maxChars);
            _line.Append(span[..take]);
            _pos += take;
            if (end < 0) continue;
            _skipLf = _buffer[_pos++] == '\r';
            return _line.ToString();
        }
    }

    public void Dispose() => inner.Dispose();
}
