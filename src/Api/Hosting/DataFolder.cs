namespace WaEngine.Api.Hosting;

/// <summary>Where the service keeps everything: <c>./data</c> unless <c>WAENGINE_DATA</c> says otherwise.</summary>
public sealed record DataFolder(string Path)
{
    /// <summary>Resolves the folder from configuration and creates it.</summary>
    public static DataFolder Prepare(IConfiguration configuration)
    {
        var path = configuration["WAENGINE_DATA"];
        var full = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? "data" : path);
        Directory.CreateDirectory(full);
        return new DataFolder(full);
    }
}
