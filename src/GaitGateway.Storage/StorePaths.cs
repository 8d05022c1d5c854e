namespace GaitGateway.Storage;

public static class StorePaths
{
    /// <summary>File name of the store inside <see cref="DefaultDirectory"/>.</summary>
    public const string FileName = "gaitgw.db";

    /// <summary>
    /// <c>LocalApplicationData/gaitgateway</c>: <c>$XDG_DATA_HOME/gaitgateway</c> or <c>~/.local/share/gaitgateway</c>
    /// on Linux, <c>%LOCALAPPDATA%\gaitgateway</c> on Windows. Local, not roaming: the store is a large, machine-bound
    /// database that must not be synced while open.
    /// </summary>
    public static string DefaultDirectory() =>
        Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "gaitgateway");

    /// <summary>The store used when no path is given: <see cref="DefaultDirectory"/>/<see cref="FileName"/>.</summary>
    public static string DefaultStorePath() => Path.Combine(DefaultDirectory(), FileName);
}
