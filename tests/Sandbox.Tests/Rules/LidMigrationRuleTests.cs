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
/// R1, the account side: a DM by LID from an account that is not LID-migrated is refused with ack 400 (whatsapp-rust
/// #941/#943); once the account migrates (the control API's <c>lid-migration</c>) the same stanza passes.
/// </summary>
public sealed class LidMigrationRuleTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;
    private SandboxAccount _alice = null!;
    private SandboxAccount _bob = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        _alice = await _sandbox.Runtime.Accounts.CreateAsync("15550211001", "Alice", null, CancellationToken.None);
        _bob = await _sandbox.Runtime.Accounts.CreateAsync("15550211002", "Bob", null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task R1_a_consistent_lid_dm_is_refused_with_400_until_the_account_migrates_then_it_passes()
    {
        // One namespace throughout (R1's stanza side is kept), but the account has not moved its chats to LIDs.
        var ack = await SendAsync(_alice, LidDm());
        Assert.Equal("400", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
        Assert.Null((await SendAsync(_alice, PnDm())).Attr("error"));

        var migrated = await _sandbox.Http.PostAsync($"/sandbox/accounts/{_alice.Phone}/lid-migration", null);
        var view = (await migrated.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Equal("lid", view["addressing"]!.GetValue<string>());
        Assert.NotNull(view["migrated_at"]);

        // The connection's account snapshot is from before the migration: the live state decides.
        Assert.Null((await SendAsync(_alice, LidDm())).Attr("error"));
        Assert.Null((await SendAsync(_alice, PnDm())).Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public void R1_retry_resends_peer_messages_and_phone_number_dms_are_not_looked_at()
    {
        Assert.Contains("not LID-migrated", LidMigrationRule.LidBeforeMigration(LidDm()), StringComparison.Ordinal);
        Assert.Null(LidMigrationRule.LidBeforeMigration(PnDm()));
        var retry = new Node("message", NodeAttributes.Of(("id", "3EB0LIDRETRY"), ("to", _bob.Lid + ":1@lid"), ("type", "text"), ("device_fanout", "false")),
            [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg"), ("count", "1")), new byte[] { 1 })]);
        Assert.Null(LidMigrationRule.LidBeforeMigration(retry));
        var peer = new Node("message", NodeAttributes.Of(("id", "3EB0LIDPEER"), ("to", _bob.LidJid), ("type", "text"), ("category", "peer")),
            [new Node("participants", null, [])]);
        Assert.Null(LidMigrationRule.LidBeforeMigration(peer));
    }

    [Fact]
    public async Task The_control_api_shows_the_state_refuses_a_second_migration_and_names_unknown_accounts()
    {
        var before = await _sandbox.GetJsonAsync($"/sandbox/accounts/{_bob.Phone}/lid-migration");
        Assert.Equal("pn", before["addressing"]!.GetValue<string>());
        Assert.Null(before["migrated_at"]);
        Assert.Equal(_bob.LidJid, before["lid"]!.GetValue<string>());

        Assert.True((await _sandbox.Http.PostAsync($"/sandbox/accounts/{_bob.Phone}/lid-migration", null)).IsSuccessStatusCode);
        var again = await _sandbox.Http.PostAsync($"/sandbox/accounts/{_bob.Phone}/lid-migration", null);
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Equal("phone", (await again.Content.ReadFromJsonAsync<JsonNode>())!["param"]!.GetValue<string>());

        var unknown = await _sandbox.Http.PostAsync("/sandbox/accounts/15550219999/lid-migration", null);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal(404, (int)(await _sandbox.Http.GetAsync("/sandbox/accounts/15550219999/lid-migration")).StatusCode);

        // Kept in the database: an account read afresh is LID-addressed.
        Assert.Equal(AddressingMode.Lid, (await _sandbox.Runtime.Accounts.FindAsync(_bob.Phone, CancellationToken.None))!.Addressing);
    }

    // Bob's device 7 does not exist: the stanza is judged and acked, nothing is delivered.
    private Node LidDm() => Dm(_bob.LidJid, _bob.Lid + ":7@lid");

    private Node PnDm() => Dm(_bob.Jid, _bob.Phone + ":7@s.whatsapp.net");

    private static Node Dm(string to, string device) =>
        new("message", NodeAttributes.Of(("id", "3EB0" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()), ("to", to), ("type", "text")), [
            new Node("participants", null, [new Node("to", NodeAttributes.Of(("jid", device)), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[] { 1, 2, 3 })])]),
        ]);

    private async Task<Node> SendAsync(SandboxAccount from, Node stanza)
    {
        var acks = new List<Node>();
        await _sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(from, 0), stanza, acks.Add, CancellationToken.None);
        return Assert.Single(acks);
    }
}
