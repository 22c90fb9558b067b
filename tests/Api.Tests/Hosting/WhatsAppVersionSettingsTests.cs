using Microsoft.Extensions.Configuration;
using WaEngine.Api.Hosting;
using WaEngine.Engine.Pairing;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>CONTRACT §1: WhatsApp__Version, WhatsApp__VersionRefresh and where the version is read (R8).</summary>
public class WhatsAppVersionSettingsTests
{
    [Fact]
    public void R8_by_default_the_built_in_version_is_read_again_at_start_and_daily_from_WhatsApp_Web()
    {
        using var http = new HttpClient();
        var settings = WhatsAppVersionSettings.FromConfiguration(Configuration());
        Assert.Null(settings.Pinned);
        Assert.True(settings.Scheduled);
        var source = settings.CreateSource(() => WaWebVersionFetcher.DefaultUrl, http, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Equal(WaWebVersion.Default, source.Current);
        Assert.True(source.CanRefresh);
        Assert.Equal(new Uri("https://web.whatsapp.com/sw.js"), WaWebVersionFetcher.DefaultUrl);
    }

    [Fact]
    public void R8_a_pinned_version_is_announced_and_only_a_405_reads_WhatsApp_Webs_and_refresh_false_never_reads_it()
    {
        using var http = new HttpClient();
        var pinned = WhatsAppVersionSettings.FromConfiguration(Configuration(("WhatsApp:Version", "2.3000.1045649367"), ("WhatsApp:VersionUrl", "http://127.0.0.1:9/sw.js")));
        Assert.Equal(new WaWebVersion(2, 3000, 1045649367), pinned.Pinned);
        Assert.False(pinned.Scheduled);
        Assert.Equal(new Uri("http://127.0.0.1:9/sw.js"), pinned.Url);
        Assert.True(pinned.CreateSource(() => WaWebVersionFetcher.DefaultUrl, http, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).CanRefresh);

        var off = WhatsAppVersionSettings.FromConfiguration(Configuration(("WhatsApp:VersionRefresh", "false")));
        Assert.False(off.Scheduled);
        Assert.False(off.CreateSource(() => WaWebVersionFetcher.DefaultUrl, http, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).CanRefresh);
    }

    [Theory]
    [InlineData("WhatsApp:Version", "latest", "WhatsApp__Version")]
    [InlineData("WhatsApp:VersionRefresh", "daily", "WhatsApp__VersionRefresh")]
    [InlineData("WhatsApp:VersionUrl", "ftp://example.com/sw.js", "WhatsApp__VersionUrl")]
    public void R8_a_wrong_version_setting_is_named(string key, string value, string named) =>
        Assert.Contains(named, Assert.Throws<InvalidOperationException>(() => WhatsAppVersionSettings.FromConfiguration(Configuration((key, value)))).Message, StringComparison.Ordinal);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
