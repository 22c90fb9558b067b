using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R2, the server's side: issuance answered with a token (and a 429 for a storm), tokens and cstokens checked on 1:1
/// messages (463 when they do not check out), a first message to a stranger refused only when tokens are required.
/// Hand-built stanzas from a deliberately wrong client, through the router and the iq handler.
/// </summary>
public sealed class PrivacyTokenRuleTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;
    private SandboxAccount _alice = null!;
    private SandboxAccount _bob = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path, requirePrivacyTokens: true);
        (_alice, _bob) = await AccountsAsync(_sandbox);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task R2_a_first_message_to_a_stranger_without_a_token_is_refused_with_463_when_tokens_are_required()
    {
        var ack = await SendAsync(_sandbox, _alice, _bob, null);

        Assert.Equal("463", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        Assert.False(_sandbox.Runtime.Network.PrivacyTokens.InContact(_alice.Phone, _bob.Phone));
    }

    [Fact]
    public async Task R2_a_tctoken_that_matches_no_issued_token_is_refused_with_463()
    {
        var ack = await SendAsync(_sandbox, _alice, _bob, new Node("tctoken", null, new byte[] { 1, 2, 3, 4 }));

        Assert.Equal("463", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    [Fact]
    public async Task R2_a_cstoken_under_the_wrong_salt_is_refused_and_the_right_one_is_taken()
    {
        var wrong = await SendAsync(_sandbox, _alice, _bob, new Node("cstoken", null, new byte[32]));
        Assert.Equal("463", wrong.Attr("error"));

        var right = await SendAsync(_sandbox, _alice, _bob, new Node("cstoken", null, _sandbox.Runtime.Network.PrivacyTokens.CsToken(_alice, _bob)));
        Assert.Null(right.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));

        // Once a message went through, the two are in contact: no token is needed either way.
        Assert.True(_sandbox.Runtime.Network.PrivacyTokens.InContact(_bob.Phone, _alice.Phone));
        Assert.Null((await SendAsync(_sandbox, _bob, _alice, null)).Attr("error"));
    }

    [Fact]
    public async Task R2_an_issued_token_is_answered_and_works_both_ways_and_a_second_issuance_in_the_bucket_is_429()
    {
        var answer = await IssueAsync(_sandbox, _alice, _bob);
        Assert.Equal("result", answer.Attr("type"));
        var token = answer.RequiredChild("tokens").RequiredChild("token");
        Assert.Equal(_bob.Jid, token.Attr("jid"));
        Assert.Equal("trusted_contact", token.Attr("type"));
        Assert.False(token.ContentBytes().IsEmpty);

        var storm = await IssueAsync(_sandbox, _alice, _bob);
        Assert.Equal("error", storm.Attr("type"));
        Assert.Equal("429", storm.RequiredChild("error").Attr("code"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));

        // Bob issuing to Alice is not a storm; and the token issued opens the chat in either direction.
        Assert.Equal("result", (await IssueAsync(_sandbox, _bob, _alice)).Attr("type"));
        Assert.Null((await SendAsync(_sandbox, _alice, _bob, new Node("tctoken", null, token.ContentBytes()))).Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    [Fact]
    public async Task R2_one_issuance_iq_names_many_contacts_each_answered_as_asked_and_a_storm_among_them_issues_none()
    {
        var carol = await _sandbox.Runtime.Accounts.CreateAsync("15550301003", "Carol", null, CancellationToken.None);
        var dave = await _sandbox.Runtime.Accounts.CreateAsync("15550301004", "Dave", null, CancellationToken.None);

        // Bob by his LID, Carol by her phone number: each token comes back under the jid it was asked for.
        var answer = await IssueManyAsync(_alice, _bob.LidJid, carol.Jid);
        Assert.Equal("result", answer.Attr("type"));
        var tokens = answer.RequiredChild("tokens").ChildrenNamed("token").ToList();
        Assert.Equal([_bob.LidJid, carol.Jid], tokens.Select(t => t.Attr("jid")));
        Assert.All(tokens, t => Assert.False(t.ContentBytes().IsEmpty));
        Assert.Equal(2, _sandbox.Runtime.Network.Iqs.Of(_alice.Phone)[PrivacyTokenIssuance.TokenKind]);
        Assert.Null((await SendAsync(_sandbox, _alice, carol, new Node("tctoken", null, tokens[1].ContentBytes()))).Attr("error"));

        // Bob again in the same bucket is a storm: the whole iq is refused, and Dave, named beside him, got nothing.
        var storm = await IssueManyAsync(_alice, dave.Jid, _bob.Jid);
        Assert.Equal("429", storm.RequiredChild("error").Attr("code"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        Assert.Equal("result", (await IssueAsync(_sandbox, _alice, dave)).Attr("type"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        Assert.Equal(3, _sandbox.Runtime.Network.Iqs.Of(_alice.Phone)[PrivacyTokenIssuance.TokenKind]);
    }

    [Fact]
    public async Task R2_an_issuance_of_another_token_type_is_a_bad_request()
    {
        var iq = IssueIq(_bob.Jid, "something_else");
        await Assert.ThrowsAsync<StanzaException>(() => _sandbox.Runtime.Network.PrivacyIssuance.HandleAsync(new ConnectedDevice(_alice, 1), iq, CancellationToken.None));
    }

    [Fact]
    public async Task R2_the_props_answer_carries_the_ab_props_clients_gate_privacy_tokens_on()
    {
        var handler = new IqHandler(_sandbox.Runtime.Accounts, _sandbox.Runtime.Keys, () => new MediaConnInfo("a", "127.0.0.1:1"), new RuleBook(true, NullLogger<RuleBook>.Instance));
        var iq = new Node("iq", NodeAttributes.Of(("id", "p1"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "abt")), [new Node("props", NodeAttributes.Of(("protocol", "1")))]);

        var props = (await handler.HandleAsync(new ConnectedDevice(_alice, 1), iq, CancellationToken.None)).RequiredChild("props").ChildrenNamed("prop")
            .ToDictionary(p => p.Attr("config_code")!, p => p.Attr("config_value"));

        Assert.Equal("true", props["10518"]);
        Assert.Equal("false", props["14303"]);
    }

    [Fact]
    public async Task R2_without_required_tokens_a_first_message_to_a_stranger_is_counted_and_routed_but_a_bad_token_is_still_refused()
    {
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(_data.Path, "default"));
        var (alice, bob) = await AccountsAsync(sandbox);

        Assert.Null((await SendAsync(sandbox, alice, bob, null)).Attr("error"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        Assert.Equal("463", (await SendAsync(sandbox, alice, bob, new Node("tctoken", null, new byte[] { 9 }))).Attr("error"));
        Assert.Equal(2, sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    private static async Task<(SandboxAccount Alice, SandboxAccount Bob)> AccountsAsync(RunningSandbox sandbox) => (
        await sandbox.Runtime.Accounts.CreateAsync("15550301001", "Alice", null, CancellationToken.None),
        await sandbox.Runtime.Accounts.CreateAsync("15550301002", "Bob", null, CancellationToken.None));

    private static async Task<Node> SendAsync(RunningSandbox sandbox, SandboxAccount from, SandboxAccount to, Node? token)
    {
        // Addressed to a device the recipient does not have, so nothing reaches a phone: only the server's ack matters here.
        var children = new List<Node>
        {
            new("participants", null, [new Node("to", NodeAttributes.Of(("jid", to.Phone + ":9@s.whatsapp.net")), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[] { 1 })])]),
        };
        if (token is not null)
        {
            children.Add(token);
        }

        var message = new Node("message", NodeAttributes.Of(("id", "3EB0" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()), ("to", to.Jid), ("type", "text")), children);
        var acks = new List<Node>();
        await sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(from, 1), message, acks.Add, CancellationToken.None);
        return Assert.Single(acks);
    }

    private static Task<Node> IssueAsync(RunningSandbox sandbox, SandboxAccount issuer, SandboxAccount contact) =>
        sandbox.Runtime.Network.PrivacyIssuance.HandleAsync(new ConnectedDevice(issuer, 1), IssueIq(contact.Jid, "trusted_contact"), CancellationToken.None);

    private Task<Node> IssueManyAsync(SandboxAccount issuer, params string[] contactJids) =>
        _sandbox.Runtime.Network.PrivacyIssuance.HandleAsync(new ConnectedDevice(issuer, 1),
            new Node("iq", NodeAttributes.Of(("id", "i" + Random.Shared.Next(1000)), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")), [
                new Node("tokens", null, [.. contactJids.Select(jid => new Node("token", NodeAttributes.Of(("jid", jid), ("t", "1767000000"), ("type", "trusted_contact"))))]),
            ]),
            CancellationToken.None);

    private static Node IssueIq(string contactJid, string type) =>
        new("iq", NodeAttributes.Of(("id", "i" + Random.Shared.Next(1000)), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")), [
            new Node("tokens", null, [new Node("token", NodeAttributes.Of(("jid", contactJid), ("t", "1767000000"), ("type", type)))]),
        ]);
}
