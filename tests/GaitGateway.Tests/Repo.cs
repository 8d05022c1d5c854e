using System.Diagnostics;

namespace GaitGateway.Tests;

/// <summary>Locates the checkout and its vendored real datasets, and runs the real gaitgw executable.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();
    /// <summary>The real recordings vendored into the repository (tests/data/datasets, each with LICENSE and provenance).</summary>
    public static string Datasets => Path.Combine(Root, "tests", "data", "datasets");
    public static string Sample => Path.Combine(Root, "samples", "c25k-sample.ggwrec");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "GaitGateway.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gaitgw-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs gaitgw as a separate process, as a user would.</summary>
    public static (int Exit, string Out, string Err) Gaitgw(params string[] args) => GaitgwWithEnv(new Dictionary<string, string>(), args);

    public static (int Exit, string Out, string Err) GaitgwWithEnv(Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gaitgw.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = TempDir(); // never touch the developer's default store
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("gaitgw " + string.Join(' ', args)); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
