namespace WaEngine.Sandbox.Hosting;

/// <summary>How a sandbox runs. Immutable; validated when the sandbox starts.</summary>
/// <param name="DataFolder">Where accounts, devices, keys, queued messages and media are kept (a full path); state survives restarts.</param>
/// <param name="MediaListenAddress">Loopback address the HTTPS media host binds to (port 0 picks a free port).</param>
/// <param name="MediaPort">Port of the media host; 0 picks a free one.</param>
public sealed record SandboxOptions(string DataFolder, string MediaListenAddress = "127.0.0.1", int MediaPort = 0)
{
    /// <summary>
    /// Whether the sandbox refuses what the real WhatsApp server refuses (SERVER-RULES R1–R19), as an ack error, a
    /// <c>failure</c> or a stream error, logging the rule id. True by default; false (<c>--lenient</c>,
    /// <c>Sandbox__Strict=false</c>) only logs and counts breaches, for demos.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Whether a strict sandbox also refuses (ack 463) a first 1:1 message to an account never in contact with the sender
    /// that carries no privacy token (SERVER-RULES R2). False by default: Baileys 7.0.0-rc14 has no cstoken and would be
    /// refused, as on the real network (WhiskeySockets/Baileys#2446). Tokens that do not check out are refused either way.
    /// <c>Sandbox__RequirePrivacyTokens=true</c>.
    /// </summary>
    public bool RequirePrivacyTokens { get; init; }

    /// <summary>
    /// The options for a sandbox keeping its data in <paramref name="dataFolder"/>, with <c>Sandbox:Strict</c> read from
    /// <paramref name="configuration"/> (<c>Sandbox__Strict</c> in the environment); <paramref name="lenient"/> (the
    /// <c>--lenient</c> switch) wins over it.
    /// </summary>
    public static SandboxOptions FromConfiguration(string dataFolder, IConfiguration configuration, bool lenient = false)
    {
        var strictSetting = configuration["Sandbox:Strict"];
        bool strict;
        if (string.IsNullOrWhiteSpace(strictSetting))
        {
            strict = true;
        }
        else if (!bool.TryParse(strictSetting, out strict))
        {
            throw new ArgumentException($"Sandbox:Strict is '{strictSetting}': it must be true or false.", nameof(configuration));
        }

        var requireSetting = configuration["Sandbox:RequirePrivacyTokens"];
        var requireTokens = false;
        if (!string.IsNullOrWhiteSpace(requireSetting) && !bool.TryParse(requireSetting, out requireTokens))
        {
            throw new ArgumentException($"Sandbox:RequirePrivacyTokens is '{requireSetting}': it must be true or false.", nameof(configuration));
        }

        return new SandboxOptions(dataFolder) { Strict = strict && !lenient, RequirePrivacyTokens = requireTokens };
    }

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
