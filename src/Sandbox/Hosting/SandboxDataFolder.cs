namespace WaEngine.Sandbox.Hosting;

/// <summary>
/// Where a standalone sandbox keeps its data: <c>--data</c>, else <c>WAENGINE_SANDBOX_DATA</c>, else the
/// <c>sandbox</c> folder of the service's <c>WAENGINE_DATA</c>, else <c>./data/sandbox</c>. Relative paths are taken
/// from the working directory, never from the program's or the project's folder.
/// </summary>
public static class SandboxDataFolder
{
    /// <summary>The folder under the working directory (or under <c>WAENGINE_DATA</c>) when nothing else is said.</summary>
    public const string SubfolderName = "sandbox";

    /// <summary>Resolves the data folder to a full path.</summary>
    /// <param name="dataArgument">The <c>--data</c> command-line value, if given.</param>
    /// <param name="sandboxDataVariable">The <c>WAENGINE_SANDBOX_DATA</c> value, if set.</param>
    /// <param name="serviceDataVariable">The service's <c>WAENGINE_DATA</c> value, if set; the sandbox uses its <c>sandbox</c> subfolder.</param>
    /// <param name="workingDirectory">What relative paths are relative to.</param>
    public static string Resolve(string? dataArgument, string? sandboxDataVariable, string? serviceDataVariable, string workingDirectory)
    {
        if (!Path.IsPathFullyQualified(workingDirectory))
        {
            throw new ArgumentException($"The working directory '{workingDirectory}' is not a full path.", nameof(workingDirectory));
        }

        if (!string.IsNullOrWhiteSpace(dataArgument))
        {
            return Path.GetFullPath(dataArgument, workingDirectory);
        }

        if (!string.IsNullOrWhiteSpace(sandboxDataVariable))
        {
            return Path.GetFullPath(sandboxDataVariable, workingDirectory);
        }

        var parent = string.IsNullOrWhiteSpace(serviceDataVariable) ? "data" : serviceDataVariable;
        return Path.GetFullPath(Path.Combine(parent, SubfolderName), workingDirectory);
    }
}
