using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R16, the server's side of an identity change: a reinstalled phone gets a new identity and new keys and loses its
/// companions; a device that keeps writing to it on a session from before (it ignored the <c>encrypt</c> notification)
/// is counted; each pair may issue its privacy token once more. Hand-built stanzas through the router.
/// </summary>
public sealed class IdentityChangeRuleTests : IAsyncLifetime
{
    private const string AlicePhone = "15550401001";
    private const string BobPhone = "15550401002";
    private const string CarolPhone = "15550401003";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        foreach (var phone in new[] { AlicePhone, BobPhone, CarolPhone })
        {
            await _sandbox.CreateAccountAsync(phone);
        }

        await _sandbox.Runtime.Accounts.AddCompanionAsync(AlicePhone, 1, 1, new byte[32], "chrome", None);
        await _sandbox.Runtime.Accounts.AddCompanionAsync(BobPhone, 1, 1, new byte[32], "chrome", None);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task R16_a_reinstall_gives_the_account_a_new_identity_and_new_keys_and_unlinks_its_companions()
    {
        var before = (await _sandbox.Runtime.Accounts.FindAsync(BobPhone, None))!;

        var response = await _sandbox.Http.PostAsync($"/sandbox/accounts/{BobPhone}/reinstall", null);

        response.EnsureSuccessStatusCode();
        Assert.Equal(before.LidJid, (await response.Content.ReadFromJsonAsync<JsonNode>())!["lid"]!.GetValue<string>());
        var after = (await _sandbox.Runtime.Accounts.FindAsync(BobPhone, None))!;
        Assert.NotEqual(before.IdentityPublic, after.IdentityPublic);
        Assert.Equal([0], after.Devices.Select(d => d.DeviceId));
        Assert.Equal(after.IdentityPublic, (await _sandbox.Runtime.Keys.FindAsync(BobPhone, 0, None))!.Identity);
        Assert.Equal(404, (int)(await _sandbox.Http.PostAsync("/sandbox/accounts/15550409999/reinstall", null)).StatusCode);
    }

    [Fact]
    public async Task R16_a_msg_on_a_session_from_before_the_identity_change_is_counted_until_a_pkmsg_starts_a_new_one()
    {
        var alice = (await _sandbox.Runtime.Accounts.FindAsync(AlicePhone, None))!;
        var carol = (await _sandbox.Runtime.Accounts.FindAsync(CarolPhone, None))!;
        _sandbox.Runtime.Network.PrivacyTokens.RecordContact(AlicePhone, BobPhone);
        (await _sandbox.Http.PostAsync($"/sandbox/accounts/{BobPhone}/reinstall", null)).EnsureSuccessStatusCode();
        var bob = (await _sandbox.Runtime.Accounts.FindAsync(BobPhone, None))!;

        // Alice ignored the notification: her msg is routed (the server cannot read it) and counted.
        Assert.Null((await SendAsync(alice, bob, "msg")).Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R16));

        // Carol was never in contact: nothing of hers is stale.
        await SendAsync(carol, bob, "msg");
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R16));

        // A pkmsg is that device's new session: its msgs from then on are fine; another device of Alice's still counts.
        await SendAsync(alice, bob, "pkmsg");
        await SendAsync(alice, bob, "msg");
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R16));
        await SendAsync(alice, bob, "msg", device: 2);
        Assert.Equal(2, _sandbox.Runtime.Rules.BreachCount(ServerRule.R16));
    }

    [Fact]
    public async Task R16_after_an_identity_change_each_side_may_issue_its_privacy_token_once_more_in_the_bucket()
    {
        var alice = (await _sandbox.Runtime.Accounts.FindAsync(AlicePhone, None))!;
        var bob = (await _sandbox.Runtime.Accounts.FindAsync(BobPhone, None))!;
        _sandbox.Runtime.Network.PrivacyTokens.RecordContact(AlicePhone, BobPhone);
        Assert.Equal("result", (await IssueAsync(alice, bob)).Attr("type"));
        Assert.Equal("429", (await IssueAsync(alice, bob)).RequiredChild("error").Attr("code"));

        (await _sandbox.Http.PostAsync($"/sandbox/accounts/{BobPhone}/reinstall", null)).EnsureSuccessStatusCode();

        Assert.Equal("result", (await IssueAsync(alice, bob)).Attr("type"));
        Assert.Equal("429", (await IssueAsync(alice, bob)).RequiredChild("error").Attr("code"));
        Assert.Equal(2, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    [Fact]
    public async Task R16_a_virtual_phone_in_contact_starts_a_new_session_with_a_reinstalled_phone()
    {
        // Carol and Dave have no companions: phone to phone only.
        const string DavePhone = "15550401004";
        await _sandbox.CreateAccountAsync(DavePhone);
        var carol = (await _sandbox.Runtime.Accounts.FindAsync(CarolPhone, None))!;
        var dave = (await _sandbox.Runtime.Accounts.FindAsync(DavePhone, None))!;
        await _sandbox.Runtime.Phones.SendAsync(carol, dave, new Proto.Message { Conversation = "before" }, None);

        (await _sandbox.Http.PostAsync($"/sandbox/accounts/{DavePhone}/reinstall", null)).EnsureSuccessStatusCode();
        dave = (await _sandbox.Runtime.Accounts.FindAsync(DavePhone, None))!;
        var after = await _sandbox.Runtime.Phones.SendAsync(carol, dave, new Proto.Message { Conversation = "after" }, None);

        Assert.Contains(await _sandbox.Runtime.Phones.ReceivedAsync(DavePhone, None), m => m.MsgId == after);
        Assert.Equal(0, _sandbox.Runtime.Rules.BreachCount(ServerRule.R16));
    }

    [Fact]
    public void R16_the_notification_names_the_account_in_its_addressing_and_carries_an_identity_child()
    {
        var account = new SandboxAccount("15550401009", "123456789012345", null, AddressingMode.Lid, new byte[32], new byte[32], 7, []);

        var notification = IdentityChanges.BuildNotification("n1", account, 1_767_000_000);

        Assert.Equal("encrypt", notification.Attr("type"));
        Assert.Equal("123456789012345@lid", notification.Attr("from"));
        Assert.Equal("1767000000", notification.Attr("t"));
        Assert.NotNull(notification.Child("identity"));
    }

    private async Task<Node> SendAsync(SandboxAccount from, SandboxAccount to, string encType, int device = 1)
    {
        var message = new Node("message", NodeAttributes.Of(("id", "3EB0" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()), ("to", to.Jid), ("type", "text")), [
            new Node("participants", null, [new Node("to", NodeAttributes.Of(("jid", to.Jid)), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", encType)), new byte[] { 1, 2, 3 })])]),
        ]);
        var acks = new List<Node>();
        await _sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(from, device), message, acks.Add, None);
        return Assert.Single(acks);
    }

    private Task<Node> IssueAsync(SandboxAccount issuer, SandboxAccount contact) =>
        _sandbox.Runtime.Network.PrivacyIssuance.HandleAsync(new ConnectedDevice(issuer, 1), new Node("iq", NodeAttributes.Of(("id", "i1"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")), [
            new Node("tokens", null, [new Node("token", NodeAttributes.Of(("jid", contact.Jid), ("t", "1767000000"), ("type", "trusted_contact")))]),
        ]), None);
}
