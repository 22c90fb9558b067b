namespace WaEngine.TestKit;

/// <summary>Locates the repository from a running test, so tests can reach tests/interop and proto/.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding WaEngine.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The Node package with the independent peers (Baileys, libsignal).</summary>
    public static string Interop => Path.Combine(Root, "tests", "interop");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WaEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No WaEngine.sln above {AppContext.BaseDirectory}: tests must run from inside the repository.");
    }
}
