using WaEngine.Engine.Pairing;

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

    /// <summary>How long a device may leave a message, receipt, notification or call unacked before the stream ends with an ack stream error (R6) when none is set.</summary>
    public static readonly TimeSpan DefaultAckTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a logged-in device may leave a message, receipt, notification or call unacked before a strict sandbox
    /// ends its stream with <c>&lt;stream:error&gt;&lt;ack/&gt;&lt;/stream:error&gt;</c> (R6); <c>Sandbox__AckTimeout</c>
    /// (a TimeSpan, e.g. <c>00:01:00</c>). Default 60 s.
    /// </summary>
    public TimeSpan AckTimeout { get; init; } = DefaultAckTimeout;

    /// <summary>
    /// R8: the oldest WhatsApp Web version a client may announce; below it every login and registration gets
    /// <c>&lt;failure reason="405"&gt;</c>. Default 2.3000.1043857760 (what Baileys 7.0.0-rc14 and the engine announce, so
    /// both get in); <c>Sandbox:MinimumClientVersion</c>. The control API raises it at run time.
    /// </summary>
    public WaWebVersion MinimumClientVersion { get; init; } = WaWebVersion.Default;

    /// <summary>
    /// R8: the version WhatsApp Web publishes, served at <c>sw.js</c> as <c>client_revision</c> the way clients read it.
    /// Default 2.3000.1045649367 (whatsmeow's at the snapshot SERVER-RULES cites); <c>Sandbox:PublishedClientVersion</c>.
    /// </summary>
    public WaWebVersion PublishedClientVersion { get; init; } = new(2, 3000, 1045649367);

    /// <summary>R18: logins per second beyond which the sandbox notices a restore that is not spread out. Default 5.</summary>
    public int LoginsPerSecond { get; init; } = 5;

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

        var ackTimeout = DefaultAckTimeout;
        if (configuration["Sandbox:AckTimeout"] is { Length: > 0 } ackSetting && !TimeSpan.TryParse(ackSetting, System.Globalization.CultureInfo.InvariantCulture, out ackTimeout))
        {
            throw new ArgumentException($"Sandbox:AckTimeout is '{ackSetting}': it must be a TimeSpan such as 00:01:00.", nameof(configuration));
        }

        var requireSetting = configuration["Sandbox:RequirePrivacyTokens"];
        var requireTokens = false;
        if (!string.IsNullOrWhiteSpace(requireSetting) && !bool.TryParse(requireSetting, out requireTokens))
        {
            throw new ArgumentException($"Sandbox:RequirePrivacyTokens is '{requireSetting}': it must be true or false.", nameof(configuration));
        }

        return new SandboxOptions(dataFolder)
        {
            Strict = strict && !lenient,
            AckTimeout = ackTimeout,
            RequirePrivacyTokens = requireTokens,
            MinimumClientVersion = VersionSetting(configuration, "Sandbox:MinimumClientVersion", WaWebVersion.Default),
            PublishedClientVersion = VersionSetting(configuration, "Sandbox:PublishedClientVersion", new WaWebVersion(2, 3000, 1045649367)),
        };
    }

    private static WaWebVersion VersionSetting(IConfiguration configuration, string key, WaWebVersion fallback)
    {
        var setting = configuration[key];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return fallback;
        }

        return WaWebVersion.TryParse(setting, out var version)
            ? version
            : throw new ArgumentException($"{key} is '{setting}': it must be a WhatsApp Web version such as 2.3000.1045649367.", nameof(configuration));
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

        if (AckTimeout <= TimeSpan.Zero || AckTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"The ack timeout {AckTimeout} is out of range (above 0, at most a day).", nameof(AckTimeout));
        }

        if (MediaPort is < 0 or > 65535)
        {
            throw new ArgumentException($"Media port {MediaPort} is out of range (0 to 65535).", nameof(MediaPort));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(LoginsPerSecond, 1, nameof(LoginsPerSecond));
        if (!System.Net.IPAddress.TryParse(MediaListenAddress, out _))
        {
            throw new ArgumentException($"Media listen address '{MediaListenAddress}' is not an IP address.", nameof(MediaListenAddress));
        }
    }
}
