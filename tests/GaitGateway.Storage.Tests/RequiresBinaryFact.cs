namespace GaitGateway.Storage.Tests;

/// <summary>
/// A [Fact] skipped with a clear message when a server binary is not installed. .ci/run installs them
/// (Debian packages victoria-metrics and influxdb); a developer without them still gets a green, honest run.
/// </summary>
public sealed class RequiresBinaryFactAttribute : FactAttribute
{
    public RequiresBinaryFactAttribute(string binary, string debianPackage)
    {
        if (TestServer.Find(binary) is null) Skip = $"{binary} not installed (apt-get install {debianPackage}; .ci/run installs it)";
    }
}
