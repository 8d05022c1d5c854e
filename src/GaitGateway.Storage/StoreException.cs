namespace GaitGateway.Storage;

/// <summary>
/// A store that cannot be opened, read or written. <see cref="Exception.Message"/> is one line meant for the user
/// ("cannot open store '/x/gaitgw.db': …"); the cause is in <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException() { }

    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception innerException) : base(message, innerException) { }
}
