using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Sandbox.Hosting;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Api.Hosting;

/// <summary>
/// Where lines connect: WhatsApp (<c>WhatsApp__Url</c>, <c>WhatsApp__TrustedRootKey</c> in base64; defaults to the real
/// service and its root key), or in sandbox mode the in-process sandbox on this service's own address.
/// </summary>
public static class WhatsAppConnection
{
    /// <summary>The real WhatsApp websocket.</summary>
    public const string DefaultUrl = "wss://web.whatsapp.com/ws/chat";

    /// <summary>
    /// Session options for this service; call once the server listens (sandbox mode needs its address). Every line shares
    /// the service's <see cref="WaWebVersionSource"/> (the version it announces, refreshed after a 405).
    /// </summary>
    public static LineOptions Options(IServiceProvider services, IConfiguration configuration, bool sandbox)
    {
        ArgumentNullException.ThrowIfNull(services);
        var versions = services.GetRequiredService<WaWebVersionSource>();
        if (sandbox)
        {
            var address = ListenAddress(services);
            var url = new UriBuilder(address) { Scheme = address.StartsWith("https", StringComparison.Ordinal) ? "wss" : "ws", Path = "/sandbox/ws/chat" }.Uri;
            return new LineOptions { ServerUrl = url, TrustedRootKey = services.GetRequiredService<SandboxRuntime>().RootKey.PublicKey, Versions = versions, PresencePulse = PresencePulseOf(configuration), IsStorageFull = StorageFullOf(services), OutgoingPreparer = services.GetService<Conversation.LinkPreviews.LinkPreviewPreparer>() };
        }

        return FromConfiguration(configuration) with { Versions = versions, PresencePulse = PresencePulseOf(configuration), IsStorageFull = StorageFullOf(services), OutgoingPreparer = services.GetService<Conversation.LinkPreviews.LinkPreviewPreparer>() };
    }

    /// <summary>A full disk as the lines see it: SQLite's full-disk error, or its I/O error while the data folder has no room.</summary>
    private static Func<Exception, bool> StorageFullOf(IServiceProvider services)
    {
        var data = services.GetRequiredService<DataFolder>().Path;
        string[] folders = [data, Path.Combine(data, "lines")];
        return failure => WaEngine.Store.StorageFull.Is(failure, folders);
    }

    /// <summary>Where the in-process sandbox publishes WhatsApp Web's version (its <c>sw.js</c>), on this service's own address.</summary>
    public static Uri SandboxVersionUrl(IServiceProvider services) => new UriBuilder(ListenAddress(services)) { Path = "/sandbox/sw.js" }.Uri;

    /// <summary>
    /// Registers the WhatsApp Web version the lines share and its daily refresh (<see cref="WhatsAppVersionSettings"/>);
    /// throws <see cref="InvalidOperationException"/> naming a wrong setting.
    /// </summary>
    public static IServiceCollection AddWhatsAppVersion(this IServiceCollection services, IConfiguration configuration, bool sandbox)
    {
        var settings = WhatsAppVersionSettings.FromConfiguration(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(provider => settings.CreateSource(
            () => sandbox ? SandboxVersionUrl(provider) : WaWebVersionFetcher.DefaultUrl,
            provider.GetRequiredService<VersionHttp>().Client,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("WaEngine.WhatsAppVersion")));
        services.AddSingleton<VersionHttp>();
        services.AddSingleton<VersionRefresher>();
        services.AddHostedService(provider => provider.GetRequiredService<VersionRefresher>());
        return services;
    }

    private static string ListenAddress(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The service has no listen address yet; lines start after it listens.");

    /// <summary>Checks <c>WhatsApp__Url</c> and <c>WhatsApp__TrustedRootKey</c>; throws <see cref="InvalidOperationException"/> saying what is wrong.</summary>
    public static void Validate(IConfiguration configuration) => FromConfiguration(configuration);

    /// <summary>
    /// <c>WhatsApp__PresencePulse</c>: how often a connected line announces itself available for a moment (SERVER-RULES
    /// R17), default one day; <c>00:00:00</c> turns it off; from one minute up.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not such a time span.</exception>
    public static TimeSpan PresencePulseOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = configuration["WhatsApp:PresencePulse"];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return TimeSpan.FromDays(1);
        }

        return TimeSpan.TryParse(setting, System.Globalization.CultureInfo.InvariantCulture, out var pulse) && (pulse == TimeSpan.Zero || pulse >= TimeSpan.FromMinutes(1))
            ? pulse
            : throw new InvalidOperationException($"WhatsApp__PresencePulse is '{setting}': it must be 00:00:00 (off) or a time span of at least 00:01:00, such as 1.00:00:00.");
    }

    private static LineOptions FromConfiguration(IConfiguration configuration)
    {
        var configuredUrl = configuration["WhatsApp:Url"];
        var configuredRoot = configuration["WhatsApp:TrustedRootKey"];
        byte[] root;
        try
        {
            root = string.IsNullOrWhiteSpace(configuredRoot) ? NoiseCertificateVerifier.WhatsAppRootKey.ToArray() : Convert.FromBase64String(configuredRoot);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("WhatsApp__TrustedRootKey is not base64.");
        }

        if (root.Length != 32)
        {
            throw new InvalidOperationException($"WhatsApp__TrustedRootKey has {root.Length} bytes (expected 32).");
        }

        if (!Uri.TryCreate(string.IsNullOrWhiteSpace(configuredUrl) ? DefaultUrl : configuredUrl, UriKind.Absolute, out var server) || server.Scheme is not ("ws" or "wss"))
        {
            throw new InvalidOperationException($"WhatsApp__Url '{configuredUrl}' is not a ws:// or wss:// URL.");
        }

        return new LineOptions { ServerUrl = server, TrustedRootKey = root };
    }
}
