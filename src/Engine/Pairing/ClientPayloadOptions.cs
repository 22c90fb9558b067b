using WaEngine.Proto;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// How a line presents itself in its ClientPayload. Per line, immutable; the defaults match what Baileys
/// 7.0.0-rc14 sends with <c>Browsers.macOS('Chrome')</c>, country US and no full history sync.
/// </summary>
public sealed record ClientPayloadOptions
{
    /// <summary>WhatsApp Web version (default 2.3000.1043857760).</summary>
    public WaWebVersion Version { get; init; } = WaWebVersion.Default;

    /// <summary>The operating system name the phone shows under "Linked devices" (default "Mac OS").</summary>
    public string OsName { get; init; } = "Mac OS";

    /// <summary>The browser kind the phone shows (default Chrome).</summary>
    public DeviceProps.Types.PlatformType PlatformType { get; init; } = DeviceProps.Types.PlatformType.Chrome;

    /// <summary>The OS version put in DeviceProps.version (default 10.15.7).</summary>
    public WaWebVersion OsVersion { get; init; } = new(10, 15, 7);

    /// <summary>ISO 3166-1 alpha-2 country of the user agent (default "US").</summary>
    public string CountryCode { get; init; } = "US";

    /// <summary>ISO 639-1 language of the user agent (default "en").</summary>
    public string LanguageCode { get; init; } = "en";

    /// <summary>Ask the phone for the full history at pairing (default false).</summary>
    public bool RequireFullSync { get; init; }

    /// <summary>The push name to announce, or null (default) for none.</summary>
    public string? PushName { get; init; }
}
