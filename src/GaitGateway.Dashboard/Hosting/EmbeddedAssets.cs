using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;

namespace GaitGateway.Dashboard.Hosting;

/// <summary>
/// The page, scripts and vendored libraries, embedded in this assembly (LogicalName "wwwroot/…", see the csproj) and
/// read once at start-up: the dashboard is one DLL to deploy and never depends on a CDN or the working directory.
/// </summary>
internal sealed class EmbeddedAssets
{
    private const string Prefix = "wwwroot/";
    private readonly FrozenDictionary<string, Asset> _assets;

    public sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    private EmbeddedAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    public static EmbeddedAssets Load()
    {
        var asm = typeof(EmbeddedAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var dict = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames())
        {
            // RecursiveDir uses the OS separator at build time; normalise so Windows-built DLLs serve too.
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var bytes = ms.ToArray();
            var rel = path[Prefix.Length..];
            var type = types.TryGetContentType(rel, out var t) ? t : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal)) type += "; charset=utf-8";
            var etag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes).AsSpan(0, 8)) + "\"";
            dict[rel] = new Asset(bytes, type, etag);
        }

        return new EmbeddedAssets(dict.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IEnumerable<string> Paths => _assets.Keys;

    public bool TryGet(string path, out Asset asset)
    {
        var rel = string.IsNullOrEmpty(path) || path == "/" ? "index.html" : path.TrimStart('/');
        return _assets.TryGetValue(rel, out asset!);
    }
}
