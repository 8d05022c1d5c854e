using System.Diagnostics;
using System.Text.Json;

namespace GaitGateway.Coaching.Tests;

/// <summary>
/// Runs tests/fit-check/decode.mjs: Garmin's official FIT SDK (npm @garmin/fitsdk 21.217.0) and an independent decoder
/// (npm fit-file-parser 6.1.2) over FIT files, and returns what each read (see decode.mjs for the shape).
/// </summary>
/// <remarks>Never skips: without node or without tests/fit-check/node_modules (installed by .ci/run with
/// <c>npm ci --prefix tests/fit-check</c>) the test fails and says what to run.</remarks>
public static class FitDecoders
{
    public static string CheckDir { get; } = Path.Combine(FindRoot(), "tests", "fit-check");

    /// <summary>One decoder's reading of one file.</summary>
    public sealed record Decoded(string Decoder, bool IsFit, bool Integrity, IReadOnlyList<string> Errors, JsonElement Messages)
    {
        /// <summary>The messages of one FIT message type (snake_case name), empty when none.</summary>
        public IReadOnlyList<JsonElement> Of(string message) =>
            Messages.TryGetProperty(message, out var list) ? list.EnumerateArray().ToArray() : [];
    }

    /// <summary>Decodes each file with both decoders: [garmin, parser] per file, in order.</summary>
    public static IReadOnlyList<(Decoded Garmin, Decoded Parser)> Decode(params string[] fitFiles)
    {
        var modules = Path.Combine(CheckDir, "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "@garmin", "fitsdk")) || !Directory.Exists(Path.Combine(modules, "fit-file-parser")))
        {
            Assert.Fail($"{modules} is missing: run `npm ci --prefix tests/fit-check` (.ci/run does) — the FIT export is checked by Garmin's FIT SDK and fit-file-parser");
        }

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = CheckDir };
        psi.ArgumentList.Add(Path.Combine(CheckDir, "decode.mjs"));
        foreach (var f in fitFiles) psi.ArgumentList.Add(f);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"cannot run node ({e.Message}): install Node.js 20 (Debian package nodejs) — .ci/run does");
            throw;
        }

        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("node decode.mjs timed out"); }
            Assert.True(p.ExitCode == 0, $"node decode.mjs exited {p.ExitCode}: {stderr.Result}");
            using var doc = JsonDocument.Parse(stdout.Result);
            return doc.RootElement.EnumerateArray().Select(f => (Read("garmin", f.GetProperty("garmin")), Read("fit-file-parser", f.GetProperty("parser")))).ToArray();
        }
    }

    private static Decoded Read(string name, JsonElement e) => new(
        name,
        e.GetProperty("isFit").GetBoolean(),
        e.GetProperty("integrity").GetBoolean(),
        e.GetProperty("errors").EnumerateArray().Select(x => x.GetString() ?? "").ToArray(),
        e.GetProperty("messages").Clone());

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "GaitGateway.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("GaitGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
