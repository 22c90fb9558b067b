namespace WaEngine.Api.Hosting;

/// <summary>
/// Whether the service runs its own local WhatsApp network: the <c>--sandbox</c> flag (anywhere among the arguments,
/// taking no value) or <c>WAENGINE_SANDBOX=1</c>.
/// </summary>
public static class SandboxMode
{
    /// <summary>The flag.</summary>
    public const string Flag = "--sandbox";

    /// <summary>Finds the flag and returns the arguments without it (the configuration parser would want a value for it).</summary>
    public static (bool Enabled, string[] Remaining) Detect(string[] args)
    {
        var remaining = args.Where(a => !string.Equals(a, Flag, StringComparison.Ordinal)).ToArray();
        var fromEnvironment = Environment.GetEnvironmentVariable("WAENGINE_SANDBOX") is "1" or "true";
        return (remaining.Length != args.Length || fromEnvironment, remaining);
    }
}
