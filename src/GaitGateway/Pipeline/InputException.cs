namespace GaitGateway.Pipeline;

/// <summary>Bad user input (file, flag, value): printed as one line, exit code 2, no stack trace.</summary>
public sealed class InputException : Exception
{
    public InputException(string message) : base(message) { }
    public InputException() { }
    public InputException(string message, Exception inner) : base(message, inner) { }
}
