using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests;

public class HostingTests
{
    [Fact]
    public async Task The_service_starts_with_no_setup_and_generates_its_admin_key_once()
    {
        using var data = new TempFolder();
        string key;
        await using (var service = await ServiceProcess.StartAsync(data.Path))
        {
            var health = await service.Http.GetFromJsonAsync<JsonNode>("/health");
            Assert.Equal("ok", health!["status"]!.GetValue<string>());
            var keyFile = Path.Combine(data.Path, "admin.key");
            key = await File.ReadAllTextAsync(keyFile);
            Assert.StartsWith("wae_admin_", key);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.Contains(key, service.Output);
            Assert.Equal(HttpStatusCode.NotFound, (await service.Http.GetAsync("/sandbox/info")).StatusCode);
        }

        await using (var again = await ServiceProcess.StartAsync(data.Path))
        {
            Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(data.Path, "admin.key")));
            Assert.DoesNotContain(key, again.Output);
        }
    }

    [Theory]
    [InlineData("WhatsApp__Url", "http://example.test/chat", "ws://")]
    [InlineData("WhatsApp__TrustedRootKey", "not base64!", "not base64")]
    [InlineData("WhatsApp__TrustedRootKey", "AAAA", "3 bytes (expected 32)")]
    [InlineData("WAENGINE_ADMIN_KEY", "only-twenty-three-chars", "at least 24")]
    [InlineData("Logging__Format", "xml", "'simple' or 'json'")]
    [InlineData("WhatsApp__PresencePulse", "often", "WhatsApp__PresencePulse is 'often'")]
    [InlineData("WhatsApp__PresencePulse", "00:00:10", "at least 00:01:00")]
    public async Task A_wrong_whatsapp_setting_stops_the_service_at_start_with_the_reason(string name, string value, string reason)
    {
        using var data = new TempFolder();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServiceProcess.StartAsync(data.Path, environment: new Dictionary<string, string> { [name] = value }));
        Assert.Contains(reason, failure.Message);
    }

    [Theory]
    [InlineData("flag-first")]
    [InlineData("flag-last")]
    [InlineData("environment")]
    public async Task Sandbox_mode_mounts_the_local_network_under_slash_sandbox(string how)
    {
        using var data = new TempFolder();
        string[] arguments = how switch
        {
            "flag-first" => ["--sandbox", "--Logging:LogLevel:Default", "Warning"],
            "flag-last" => ["--Logging:LogLevel:Default", "Warning", "--sandbox"],
            _ => [],
        };
        var environment = how == "environment" ? new Dictionary<string, string> { ["WAENGINE_SANDBOX"] = "1" } : null;
        await using var service = await ServiceProcess.StartAsync(data.Path, arguments, environment);

        var info = await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/info");
        Assert.Equal($"ws://{service.BaseAddress.Authority}/sandbox/ws/chat", info!["ws_url"]!.GetValue<string>());
        Assert.Equal(32, Convert.FromBase64String(info["root_public_key"]!.GetValue<string>()).Length);
        var created = await service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "+15550001111" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(File.Exists(Path.Combine(data.Path, "sandbox", "sandbox.db")));
    }
}
