using WaEngine.Store;

namespace WaEngine.Api.Hosting;

/// <summary>The line databases' settings (configuration section <c>Store</c>).</summary>
public static class StoreSettings
{
    /// <summary>The setting's key: <c>Store__Synchronous</c> in the environment.</summary>
    public const string SynchronousKey = "Store:Synchronous";

    /// <summary>
    /// <c>Store__Synchronous</c>: <c>normal</c> (the default: a commit is durable through a crash or SIGKILL of the
    /// process, not an fsync per commit) or <c>full</c> (an fsync per commit, durable through a power loss too).
    /// Throws <see cref="InvalidOperationException"/> naming the value for anything else.
    /// </summary>
    public static SqliteSynchronous SynchronousOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[SynchronousKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return SqliteSynchronous.Normal;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "normal" => SqliteSynchronous.Normal,
            "full" => SqliteSynchronous.Full,
            _ => throw new InvalidOperationException($"Store__Synchronous is '{value}'; it must be 'normal' or 'full'."),
        };
    }
}
