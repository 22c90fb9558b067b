using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>
/// AB props: the sandbox serves the props the references gate features on (B:chats.js fetchProps reads 10518, 9666 and
/// 14303), and unmodified Baileys 7.0.0-rc14 reads what it is served, a value changed through the control API included.
/// </summary>
public class BaileysAbPropTests
{
    [Fact]
    public async Task Baileys_reads_the_props_the_sandbox_serves_and_a_changed_one_reaches_it()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await BaileysLoginRuleTests.WriteCaAsync(sandbox, data.Path);
        await sandbox.CreateAccountAsync("15550003011");
        var served = await sandbox.GetJsonAsync("/sandbox/ab-props");
        Assert.Equal("true", served["props"]!["10518"]!.GetValue<string>());
        Assert.Equal("true", served["props"]!["9666"]!.GetValue<string>());
        Assert.Equal("false", served["props"]!["14303"]!.GetValue<string>());

        // Issuing tokens to LIDs (14303) is off on WhatsApp today and in Baileys by default: turned on, Baileys must read it.
        var changed = await sandbox.Http.PutAsJsonAsync("/sandbox/ab-props", new { config_code = "14303", config_value = "true" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var hash = (await changed.Content.ReadFromJsonAsync<JsonNode>())!["hash"]!.GetValue<string>();
        Assert.NotEqual(served["hash"]!.GetValue<string>(), hash);
        await using var baileys = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550003011");
        await baileys.WaitAsync("creds", match: new JsonObject { ["propHash"] = hash });

        var props = await baileys.CallAsync(new JsonObject { ["op"] = "server-props" });
        Assert.True(props["lidTrustedTokenIssueToLid"]!.GetValue<bool>());
        Assert.True(props["privacyTokenOn1to1"]!.GetValue<bool>());
        Assert.True(props["profilePicPrivacyToken"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_bad_prop_is_refused_with_the_field_named_and_changes_nothing()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        (string Body, string Param)[] cases =
        [
            ("""{"config_value":"true"}""", "config_code"),
            ("""{"config_code":"abc","config_value":"true"}""", "config_code"),
            ("""{"config_code":"12345678901","config_value":"true"}""", "config_code"),
            ("""{"config_code":"10518"}""", "config_value"),
            ("""{"config_code":"10518","config_value":""}""", "config_value"),
        ];

        foreach (var (body, param) in cases)
        {
            var refused = await sandbox.Http.PutAsync("/sandbox/ab-props", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(param, (await refused.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
        }

        Assert.Equal("true", (await sandbox.GetJsonAsync("/sandbox/ab-props"))["props"]!["10518"]!.GetValue<string>());
    }
}
