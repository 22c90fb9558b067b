using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>
/// Unmodified Baileys 7.0.0-rc14 — the referee — through the strict sandbox's login lifecycle rules: it gets in with the
/// default minimum version and meets the refusals the way WhatsApp gives them. Where Baileys has a gap on the real
/// network too (passkeys, R12) the test pins the gap and names the public report.
/// </summary>
public class BaileysLoginRuleTests
{
    [Fact]
    public async Task R8_Baileys_logs_in_through_the_default_minimum_version()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        await sandbox.CreateAccountAsync("15550003001");

        await using var baileys = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550003001");

        Assert.True(sandbox.Runtime.Network.IsOnline("15550003001", 1));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_a_raised_minimum_refuses_Baileys_with_405()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        var raised = await sandbox.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum = "2.3000.1045000000" });
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);

        await using var baileys = await BaileysPeer.StartAsync(sandbox, caFile);
        var closed = await baileys.WaitAsync("close");

        Assert.Equal(405, closed["code"]!.GetValue<int>());
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R9_Baileys_is_told_of_a_temporary_ban_with_402_and_does_not_log_in_again_by_itself()
    {
        using var data = new TempFolder();
        using var auth = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        await sandbox.CreateAccountAsync("15550003002");
        await using (await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550003002", auth.Path))
        {
        }

        var ban = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003002/login-refusal", new { reason = 402, code = "101", expire = 3600 });
        Assert.Equal(HttpStatusCode.OK, ban.StatusCode);
        await using var again = await BaileysPeer.StartAsync(sandbox, caFile, auth.Path);
        var closed = await again.WaitAsync("close");

        Assert.Equal(402, closed["code"]!.GetValue<int>());
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R9));
        Assert.False(sandbox.Runtime.Network.IsOnline("15550003002", 1));
    }

    /// <summary>
    /// R17 for Baileys: it sends <c>&lt;presence&gt;</c> only once it knows its own push name (<c>sendPresenceUpdate</c> in
    /// chats.js drops it otherwise), which it learns from app-state sync or from its phone's own messages (their
    /// <c>notify</c>, the history bootstrap's included). Nameless, nothing it does keeps its R17 clock from running out;
    /// named, it announces itself available and the clock starts again.
    /// </summary>
    [Fact]
    public async Task R17_Baileys_announces_itself_available_once_it_has_learnt_its_push_name_from_its_phone()
    {
        const string Dora = "15550003007";
        const string Nameless = "15550003008";
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Dora, push_name = "Dora" })).EnsureSuccessStatusCode();
        await sandbox.CreateAccountAsync(Nameless);
        var available = new JsonObject { ["op"] = "presence", ["type"] = "available" };

        // An account without a push name: its Baileys drops the presence (an iq after it proves the server read all it was sent).
        await using (var nameless = await BaileysPeer.StartPairedAsync(sandbox, caFile, Nameless))
        {
            await nameless.CallAsync(available);
            await nameless.GroupAsync("group-participating");
            Assert.Equal(0, sandbox.Runtime.Network.Login.Activity.Announcements(Nameless, 1));
        }

        // Dora's phone writes; its messages' notify gives Baileys its name, and its presence now reaches the server.
        await using var baileys = await BaileysPeer.StartPairedAsync(sandbox, caFile, Dora);
        (await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Dora}/messages", new { to = Nameless + "@s.whatsapp.net", text = "from the phone" })).EnsureSuccessStatusCode();
        await baileys.WaitAsync("creds", match: new JsonObject { ["name"] = "Dora" });
        await baileys.CallAsync(available);
        await baileys.GroupAsync("group-participating");

        Assert.True(sandbox.Runtime.Network.Login.Activity.Announcements(Dora, 1) >= 1, "Baileys, knowing its name, announced no presence");
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R17));
    }

    /// <summary>
    /// Baileys 7.0.0-rc14 has no passkey flow (it ignores <c>passkey_prologue_request</c>): on the real network it cannot
    /// link a passkey-gated account either — WhiskeySockets/Baileys issues #2672 and #2684. The sandbox gates the link
    /// the way WhatsApp does, so Baileys stays unpaired, and nothing it does counts as a breach.
    /// </summary>
    [Fact]
    public async Task R12_Baileys_rc14_cannot_link_a_passkey_gated_account_as_on_WhatsApp()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        await sandbox.CreateAccountAsync("15550003003");
        await sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15550003003/passkey", new { required = true });

        await using var baileys = await BaileysPeer.StartAsync(sandbox, caFile);
        var qr = await baileys.WaitAsync("qr");
        var scan = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550003003/scan", new { qr = qr["qr"]!.GetValue<string>() });

        Assert.Equal(HttpStatusCode.Conflict, scan.StatusCode);
        Assert.Contains("passkey", (await scan.Content.ReadFromJsonAsync<JsonNode>())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(await baileys.EventsAsync(), e => e!["type"]!.GetValue<string>() == "creds" && e["me"] is JsonValue);
        Assert.Equal(["15550003003@s.whatsapp.net"], (await sandbox.GetJsonAsync("/sandbox/accounts")).AsArray()[0]!["devices"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R12));
    }

    [Fact]
    public async Task R19_Baileys_replaced_by_a_second_client_of_its_device_gets_440_and_stays_away()
    {
        using var data = new TempFolder();
        using var first = new TempFolder();
        using var second = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = await WriteCaAsync(sandbox, data.Path);
        await sandbox.CreateAccountAsync("15550003004");
        await using var original = await BaileysPeer.StartPairedAsync(sandbox, caFile, "15550003004", first.Path);
        foreach (var file in Directory.GetFiles(first.Path))
        {
            try
            {
                File.Copy(file, Path.Combine(second.Path, Path.GetFileName(file)));
            }
            catch (FileNotFoundException)
            {
                // A one-time prekey Baileys used meanwhile (its phone's history bootstrap arrives as a pkmsg): no longer state.
            }
        }

        await using var copy = await BaileysPeer.StartAsync(sandbox, caFile, second.Path);
        await copy.WaitAsync("open");
        var replaced = await original.WaitAsync("close", match: new JsonObject { ["code"] = 440 });

        Assert.NotNull(replaced);
        Assert.True(sandbox.Runtime.Network.IsOnline("15550003004", 1));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R19));
    }

    internal static async Task<string> WriteCaAsync(RunningSandbox sandbox, string folder)
    {
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        var path = Path.Combine(folder, "media-ca-for-node.pem");
        await File.WriteAllTextAsync(path, info["media_ca_pem"]!.GetValue<string>());
        return path;
    }
}
