namespace WaEngine.Sandbox.Hosting;

/// <summary>How a sandbox runs. Immutable; validated when the sandbox starts.</summary>
/// <param name="DataFolder">Where accounts, devices, keys, queued messages and media are kept (a full path); state survives restarts.</param>
/// <param name="MediaListenAddress">Loopback address the HTTPS media host binds to (port 0 picks a free port).</param>
/// <param name="MediaPort">Port of the media host; 0 picks a free one.</param>
public sealed record SandboxOptions(string DataFolder, string MediaListenAddress = "127.0.0.1", int MediaPort = 0)
{
    /// <summary>Checks the options and says what is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataFolder))
        {
            throw new ArgumentException("The sandbox needs a data folder.", nameof(DataFolder));
        }

        if (!Path.IsPathFullyQualified(DataFolder))
        {
            throw new ArgumentException($"The sandbox's data folder '{DataFolder}' is not a full path (resolve it against the working directory first).", nameof(DataFolder));
        }

        if (MediaPort is < 0 or > 65535)
        {
            throw new ArgumentException($"Media port {MediaPort} is out of range (0 to 65535).", nameof(MediaPort));
        }

        if (!System.Net.IPAddress.TryParse(MediaListenAddress, out _))
        {
            throw new ArgumentException($"Media listen address '{MediaListenAddress}' is not an IP address.", nameof(MediaListenAddress));
        }
    }
}
