using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace WaEngine.Api.Hosting;

/// <summary>
/// The dashboard's static files (src/Api/Dashboard: HTML, CSS, JavaScript modules, an icon), embedded in the service's
/// assembly under the logical names <c>Dashboard/&lt;path&gt;</c>, read once at start. Nothing is read from disk at run
/// time, so the dashboard is the one the binary was built with.
/// </summary>
public sealed class DashboardFiles
{
    private const string Prefix = "Dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, DashboardFile> _files;

    private DashboardFiles(FrozenDictionary<string, DashboardFile> files) => _files = files;

    /// <summary>The names of the files, e.g. <c>index.html</c>, <c>app.js</c>.</summary>
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>Reads every embedded <c>Dashboard/…</c> resource of <paramref name="assembly"/> with a known file type.</summary>
    public static DashboardFiles Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded dashboard file {resource} cannot be read.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            files[name] = new DashboardFile(name, content, contentType, etag);
        }

        return new DashboardFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file named <paramref name="name"/> (e.g. <c>app.js</c>), or null.</summary>
    public DashboardFile? Find(string? name) => name is not null && _files.TryGetValue(name, out var file) ? file : null;
}
