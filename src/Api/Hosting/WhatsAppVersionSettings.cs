using WaEngine.Engine.Pairing;

namespace WaEngine.Api.Hosting;

/// <summary>
/// The WhatsApp Web version settings (CONTRACT §1): <c>WhatsApp__Version</c> pins the version lines announce (else the
/// built-in one); <c>WhatsApp__VersionRefresh=false</c> never reads WhatsApp Web's version; <c>WhatsApp__VersionUrl</c> is
/// where it is read (default https://web.whatsapp.com/sw.js; in sandbox mode the sandbox's own <c>/sandbox/sw.js</c>).
/// Without a pinned version the service reads it at start and daily; with one, only after a 405 (SERVER-RULES R8).
/// </summary>
/// <param name="Pinned">The version <c>WhatsApp__Version</c> pins, or null.</param>
/// <param name="Refresh">Whether WhatsApp Web's version may be read at all.</param>
/// <param name="Url">Where to read it, or null for the default (or the sandbox's in sandbox mode).</param>
public sealed record WhatsAppVersionSettings(WaWebVersion? Pinned, bool Refresh, Uri? Url)
{
    /// <summary>Whether the version is read at start and daily (no pinned version, refresh on).</summary>
    public bool Scheduled => Pinned is null && Refresh;

    /// <summary>Reads the settings; throws <see cref="InvalidOperationException"/> naming a wrong one.</summary>
    public static WhatsAppVersionSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var version = configuration["WhatsApp:Version"];
        WaWebVersion? pinned = null;
        if (!string.IsNullOrWhiteSpace(version))
        {
            if (!WaWebVersion.TryParse(version, out var parsed))
            {
                throw new InvalidOperationException($"WhatsApp__Version '{version}' is not a WhatsApp Web version such as 2.3000.1045649367.");
            }

            pinned = parsed;
        }

        var refreshSetting = configuration["WhatsApp:VersionRefresh"];
        var refresh = true;
        if (!string.IsNullOrWhiteSpace(refreshSetting) && !bool.TryParse(refreshSetting, out refresh))
        {
            throw new InvalidOperationException($"WhatsApp__VersionRefresh is '{refreshSetting}': it must be true or false.");
        }

        var urlSetting = configuration["WhatsApp:VersionUrl"];
        Uri? url = null;
        if (!string.IsNullOrWhiteSpace(urlSetting))
        {
            if (!Uri.TryCreate(urlSetting, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"WhatsApp__VersionUrl '{urlSetting}' is not an http(s) URL.");
            }
        }

        return new WhatsAppVersionSettings(pinned, refresh, url);
    }

    /// <summary>
    /// The version source every line shares: the pinned or built-in version, read from <see cref="Url"/> (or
    /// <paramref name="fallbackUrl"/>, asked when a read happens) unless refreshing is off.
    /// </summary>
    public WaWebVersionSource CreateSource(Func<Uri> fallbackUrl, HttpClient http, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(fallbackUrl);
        ArgumentNullException.ThrowIfNull(http);
        var url = Url;
        return new WaWebVersionSource(
            Pinned ?? WaWebVersion.Default,
            Refresh ? cancellationToken => WaWebVersionFetcher.FetchAsync(http, url ?? fallbackUrl(), cancellationToken) : null,
            logger);
    }
}
