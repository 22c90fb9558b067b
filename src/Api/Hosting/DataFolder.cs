using WaEngine.Store;

namespace WaEngine.Api.Hosting;

/// <summary>Where the service keeps everything: <c>./data</c> unless <c>WAENGINE_DATA</c> says otherwise.</summary>
public sealed record DataFolder(string Path)
{
    /// <summary>Resolves the folder from configuration, creates it, and makes it and everything in it private (<see cref="PrivateFiles"/>).</summary>
    public static DataFolder Prepare(IConfiguration configuration)
    {
        var path = configuration["WAENGINE_DATA"];
        var full = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? "data" : path);
        PrivateFiles.Secure(full);
        return new DataFolder(full);
    }
}
