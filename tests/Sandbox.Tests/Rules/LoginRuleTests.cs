using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Tests.Protocol;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// The login lifecycle rules as the sandbox enforces them, each shown to refuse a deliberately wrong client: an old
/// version (R8), a login during a ban it was told of (R9), a passkey assertion no passkey made (R12), a login burst
/// (R18), a replaced client that comes back (R19).
/// </summary>
public class LoginRuleTests
{
    private static readonly WaWebVersion Old = new(2, 3000, 1000000000);

    [Fact]
    public async Task R8_a_connection_announcing_a_version_below_the_minimum_gets_failure_405()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        await using var client = await InMemoryClient.ConnectAsync(sandbox, RegistrationPayload(Old));
        var failure = await client.ReceiveAsync();

        Assert.Equal("failure", failure.Tag);
        Assert.Equal("405", failure.Attr("reason"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_the_default_minimum_lets_the_engine_and_Baileys_7_versions_in()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        // Baileys 7.0.0-rc14 announces 2.3000.1043857760 (lib/Defaults/index.js); Interop/BaileysLoginRuleTests logs it in.
        Assert.True(new WaWebVersion(2, 3000, 1043857760) >= sandbox.Runtime.Login.Versions.Minimum);
        await using var client = await InMemoryClient.ConnectAsync(sandbox, RegistrationPayload(WaWebVersion.Default));
        Assert.NotNull((await client.ReceiveAsync()).Child("pair-device"));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_a_lenient_sandbox_counts_an_old_version_and_serves_it()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path, strict: false);

        await using var client = await InMemoryClient.ConnectAsync(sandbox, RegistrationPayload(Old));

        Assert.NotNull((await client.ReceiveAsync()).Child("pair-device"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R8));
    }

    [Fact]
    public async Task R8_sw_js_publishes_the_client_revision_where_Baileys_and_whatsmeow_read_it_and_the_control_API_raises_both_versions()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        var raised = await sandbox.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum = "2.3000.1045000000", published = "2.3000.1046000000" });
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal("2.3000.1045000000", (await raised.Content.ReadFromJsonAsync<JsonNode>())!["minimum"]!.GetValue<string>());

        var script = await sandbox.Http.GetStringAsync("/sandbox/sw.js");

        // Baileys' fetchLatestWaWebVersion (lib/Utils/generics.js) applies this pattern to sw.js; the engine reads it too.
        var baileys = Regex.Match(script, """\\?"client_revision\\?":\s*(\d+)""");
        Assert.Equal("1046000000", baileys.Groups[1].Value);
        Assert.True(WaWebVersionFetcher.TryReadRevision(script, out var revision));
        Assert.Equal(1046000000u, revision);

        var wrong = await sandbox.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum = "newest" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("minimum", (await wrong.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Http.PutAsJsonAsync("/sandbox/client-version", new { })).StatusCode);

        // A minimum raised above the published version takes the published one with it: WhatsApp never publishes a version it refuses.
        await sandbox.Http.PutAsJsonAsync("/sandbox/client-version", new { minimum = "2.3000.1047000000" });
        Assert.Equal("2.3000.1047000000", (await sandbox.GetJsonAsync("/sandbox/client-version"))["published"]!.GetValue<string>());
    }

    [Fact]
    public void R8_sandbox_versions_are_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:MinimumClientVersion"] = "2.3000.1044000000",
            ["Sandbox:PublishedClientVersion"] = "2.3000.1046000000",
        }).Build();
        var options = SandboxOptions.FromConfiguration("/tmp/x", configuration);
        Assert.Equal(new WaWebVersion(2, 3000, 1044000000), options.MinimumClientVersion);
        Assert.Equal(new WaWebVersion(2, 3000, 1046000000), options.PublishedClientVersion);

        var wrong = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sandbox:MinimumClientVersion"] = "2.3000" }).Build();
        Assert.Contains("Sandbox:MinimumClientVersion", Assert.Throws<ArgumentException>(() => SandboxOptions.FromConfiguration("/tmp/x", wrong)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void R9_a_device_told_of_a_temporary_ban_that_logs_in_again_before_its_end_extends_it()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        var refusals = new LoginRefusals(rules, time);
        var ban = refusals.Refuse("15550001111", 402, "101", TimeSpan.FromHours(1));

        var told = refusals.RefuseLogin("15550001111", 1, "15550001111:1@s.whatsapp.net")!;
        Assert.Equal("402", told.Attr("reason"));
        Assert.Equal("101", told.Attr("code"));
        Assert.Equal("3600", told.Attr("expire"));
        Assert.Equal(0, rules.BreachCount(ServerRule.R9));

        // Another device of the account is told once too; the first one coming back is the breach.
        Assert.NotNull(refusals.RefuseLogin("15550001111", 2, "15550001111:2@s.whatsapp.net"));
        time.Advance(TimeSpan.FromMinutes(30));
        var again = refusals.RefuseLogin("15550001111", 1, "15550001111:1@s.whatsapp.net")!;
        Assert.Equal("3600", again.Attr("expire"));
        Assert.Equal(1, rules.BreachCount(ServerRule.R9));
        Assert.Equal(ban.Until + TimeSpan.FromMinutes(30), refusals.Current("15550001111")!.Until);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(refusals.RefuseLogin("15550001111", 1, "15550001111:1@s.whatsapp.net"));
        Assert.Null(refusals.Current("15550001111"));
    }

    [Fact]
    public void R9_a_lenient_sandbox_counts_a_login_during_a_ban_without_extending_it()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: false, NullLogger<RuleBook>.Instance);
        var refusals = new LoginRefusals(rules, time);
        var ban = refusals.Refuse("15550001111", 402, null, TimeSpan.FromHours(1));

        refusals.RefuseLogin("15550001111", 1, "d");
        time.Advance(TimeSpan.FromMinutes(10));
        var again = refusals.RefuseLogin("15550001111", 1, "d")!;

        Assert.Equal("3000", again.Attr("expire"));
        Assert.Null(again.Attr("code"));
        Assert.Equal(1, rules.BreachCount(ServerRule.R9));
        Assert.Equal(ban.Until, refusals.Current("15550001111")!.Until);
    }

    [Fact]
    public void R9_refusals_other_than_a_temporary_ban_last_until_lifted_and_a_bad_refusal_is_explained()
    {
        var refusals = new LoginRefusals(new RuleBook(strict: true, NullLogger<RuleBook>.Instance), new ManualTimeProvider());
        refusals.Refuse("15550001111", 403, null, null);
        Assert.Equal("403", refusals.RefuseLogin("15550001111", 1, "d")!.Attr("reason"));
        Assert.Null(refusals.RefuseLogin("15550001111", 1, "d")!.Attr("expire"));
        Assert.True(refusals.Lift("15550001111"));
        Assert.False(refusals.Lift("15550001111"));
        Assert.Null(refusals.RefuseLogin("15550001111", 1, "d"));

        Assert.Contains("expire", Assert.Throws<ArgumentException>(() => refusals.Refuse("1", 402, null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("400 to 599", Assert.Throws<ArgumentException>(() => refusals.Refuse("1", 200, null, null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task R9_the_control_API_bans_and_lifts_and_explains_what_is_wrong()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");

        var banned = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/login-refusal", new { reason = 402, code = "101", expire = 7200 });
        Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
        var body = (await banned.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal(402, body["reason"]!.GetValue<int>());
        Assert.True(body["until"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddHours(1.9));

        var noExpire = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/login-refusal", new { reason = 402 });
        Assert.Equal(HttpStatusCode.BadRequest, noExpire.StatusCode);
        Assert.Equal("expire", (await noExpire.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550001111/login-refusal", new { code = "1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15559999999/login-refusal", new { reason = 403 })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await sandbox.Http.DeleteAsync("/sandbox/accounts/15550001111/login-refusal")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.DeleteAsync("/sandbox/accounts/15550001111/login-refusal")).StatusCode);
    }

    [Fact]
    public async Task R12_a_passkey_gated_account_asks_the_companion_for_the_passkey_instead_of_pairing_it_and_refuses_a_forged_assertion()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.CreateAccountAsync("15550001111");
        var gated = await sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15550001111/passkey", new { required = true });
        Assert.Equal(HttpStatusCode.OK, gated.StatusCode);

        var noiseKey = Curve25519.GenerateKeyPair();
        var identity = Curve25519.GenerateKeyPair();
        await using var companion = await InMemoryClient.ConnectAsync(sandbox, RegistrationPayload(WaWebVersion.Default, identity), noiseKey);
        var refs = (await companion.ReceiveAsync()).RequiredChild("pair-device").ChildrenNamed("ref").Select(r => Encoding.ASCII.GetString(r.ContentBytes().Span)).ToList();
        var qr = new QrPairingData(refs[0], noiseKey.PublicKey, identity.PublicKey, RandomNumberGenerator.GetBytes(32), "1").ToString();

        var scan = await Assert.ThrowsAsync<SandboxInputException>(() => sandbox.Runtime.Network.ScanAsync("15550001111", qr, CancellationToken.None));
        Assert.Equal(409, scan.StatusCode);
        Assert.Contains("passkey", scan.Message, StringComparison.Ordinal);

        var request = await companion.ReceiveAsync();
        Assert.Equal("notification", request.Tag);
        Assert.Equal("passkey_prologue_request", request.Attr("type"));
        var options = JsonNode.Parse(request.RequiredChild("passkey_request_options").ContentBytes().Span)!;
        Assert.False(string.IsNullOrEmpty(options["challenge"]!.GetValue<string>()));
        Assert.Equal("whatsapp.com", options["rpId"]!.GetValue<string>());
        Assert.DoesNotContain((await sandbox.Runtime.Accounts.FindAsync("15550001111", CancellationToken.None))!.Devices, d => d.DeviceId != 0);

        // The deliberately wrong client: it answers with an assertion no passkey of the account made.
        var prologue = new Node("iq", NodeAttributes.Of(("id", "pk1"), ("type", "set"), ("xmlns", "md"), ("to", "@s.whatsapp.net")), [
            new Node("passkey_prologue", null, [
                new Node("credential_id", null, "forged"u8.ToArray()),
                new Node("webauthn_assertion", null, "{}"u8.ToArray()),
                new Node("prologue_payload", null, new byte[8]),
            ]),
        ]);
        await companion.Connection.SendAsync(BinaryEncoder.Encode(prologue), InMemoryClient.Timeout());
        var refused = await companion.ReceiveAsync();
        Assert.Equal("error", refused.Attr("type"));
        Assert.Equal("401", refused.RequiredChild("error").Attr("code"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R12));

        // The setting is lifted as it was set, and a wrong body or unknown phone is explained.
        await sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15550001111/passkey", new { required = false });
        Assert.False(sandbox.Runtime.Login.Passkeys.IsGated("15550001111"));
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15550001111/passkey", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15559999999/passkey", new { required = true })).StatusCode);
    }

    [Fact]
    public void R18_logins_beyond_the_pace_in_one_second_are_noticed_not_refused()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        var pace = new LoginPace(3, rules, time);
        for (var i = 0; i < 3; i++)
        {
            pace.Record($"d{i}");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0, rules.BreachCount(ServerRule.R18));
        pace.Record("d3");
        Assert.Equal(1, rules.BreachCount(ServerRule.R18));

        // A restore spread out at the pace is never noticed.
        time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 10; i++)
        {
            pace.Record($"e{i}");
            time.Advance(TimeSpan.FromMilliseconds(400));
        }

        Assert.Equal(1, rules.BreachCount(ServerRule.R18));
    }

    [Fact]
    public void R19_a_device_replaced_again_soon_after_its_replacement_is_noticed()
    {
        var time = new ManualTimeProvider();
        var rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        var watch = new ReplacementWatch(TimeSpan.FromSeconds(60), rules, time);

        watch.Replaced("15550001111:1@s.whatsapp.net");
        time.Advance(TimeSpan.FromMinutes(5));
        watch.Replaced("15550001111:1@s.whatsapp.net");
        Assert.Equal(0, rules.BreachCount(ServerRule.R19));

        time.Advance(TimeSpan.FromSeconds(3));
        watch.Replaced("15550001111:1@s.whatsapp.net");
        Assert.Equal(1, rules.BreachCount(ServerRule.R19));
    }

    private static byte[] RegistrationPayload(WaWebVersion version, KeyPair? identity = null)
    {
        identity ??= Curve25519.GenerateKeyPair();
        var signedPreKey = Curve25519.GenerateKeyPair();
        return new ClientPayloadBuilder(new ClientPayloadOptions { Version = version }).BuildRegistration(new ClientPayloadRegistration(
            1234, identity.PublicKey, 1, signedPreKey.PublicKey, Curve25519.Sign(identity.PrivateKey, signedPreKey.SignalPublicKey))).ToByteArray();
    }
}
