using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Groups;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Groups;

/// <summary>The w:g2 iq family and the w:gp2 notifications each change sends, against the sandbox's real SQLite store.</summary>
public sealed class GroupQueriesTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private readonly List<(string Phone, int Device, Node Stanza)> _delivered = [];
    private AccountRegistry _accounts = null!;
    private SandboxGroups _groups = null!;
    private RuleBook _rules = null!;
    private ConnectedDevice _alice = null!;
    private ConnectedDevice _bob = null!;
    private SandboxAccount _carol = null!;

    public async Task InitializeAsync()
    {
        var database = await SandboxDatabase.OpenAsync(_data.Path, CancellationToken.None);
        _accounts = new AccountRegistry(database, _time);
        _rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        _groups = new SandboxGroups(database, _accounts, new StanzaQueue(database, _time), _rules, DeliverAsync, _time, NullLoggerFactory.Instance);
        _alice = new ConnectedDevice(await _accounts.CreateAsync("15550001111", "Alice", null, CancellationToken.None), 1);
        await _accounts.AddCompanionAsync("15550001111", 1, 1, new byte[32], "web", CancellationToken.None);
        _alice = _alice with { Account = (await _accounts.FindAsync("15550001111", CancellationToken.None))! };
        _bob = new ConnectedDevice(await _accounts.CreateAsync("15550002222", "Bob", null, CancellationToken.None), 0);
        _carol = await _accounts.CreateAsync("15550003333", "Carol", null, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Create_reports_each_participant_and_notifies_every_device_of_the_members()
    {
        await _groups.Store.SetGroupAddAsync(_carol.Phone, "none", CancellationToken.None);

        var answer = await AskAsync(_alice, "@g.us", "set", new Node("create", NodeAttributes.Of(("subject", "Team"), ("key", "K1")), [
            Participant(_bob.Account.Jid), Participant(_carol.LidJid), Participant("19990000000@s.whatsapp.net"),
        ]));

        var group = answer.RequiredChild("group");
        Assert.StartsWith("120363", group.Attr("id"));
        Assert.Equal("Team", group.Attr("subject"));
        Assert.Equal("lid", group.Attr("addressing_mode"));
        Assert.Equal(_alice.Account.LidJid, group.Attr("creator"));
        Assert.Equal(_alice.Account.Jid, group.Attr("creator_pn"));
        var participants = group.ChildrenNamed("participant").ToList();
        Assert.Equal(4, participants.Count);
        Assert.Contains(participants, p => p.Attr("jid") == _alice.Account.LidJid && p.Attr("type") == "superadmin" && p.Attr("phone_number") == _alice.Account.Jid);
        Assert.Contains(participants, p => p.Attr("jid") == _bob.Account.LidJid && p.Attr("type") is null && p.Attr("error") is null);
        var carol = Assert.Single(participants, p => p.Attr("jid") == _carol.LidJid);
        Assert.Equal("403", carol.Attr("error"));
        Assert.False(string.IsNullOrEmpty(carol.RequiredChild("add_request").Attr("code")));
        Assert.Equal("404", Assert.Single(participants, p => p.Attr("jid") == "19990000000@s.whatsapp.net").Attr("error"));

        // Alice's phone and companion and Bob's phone hear of it; Carol (not added) does not.
        var notices = _delivered.Where(d => d.Stanza.Tag == "notification").ToList();
        Assert.Equal(["15550001111:0", "15550001111:1", "15550002222:0"], notices.Select(n => $"{n.Phone}:{n.Device}").Order().ToArray());
        var notification = notices[0].Stanza;
        Assert.Equal(group.Attr("id") + "@g.us", notification.Attr("from"));
        Assert.Equal("w:gp2", notification.Attr("type"));
        Assert.Equal(_alice.Account.LidJid, notification.Attr("participant"));
        Assert.Equal(_alice.Account.Jid, notification.Attr("participant_pn"));
        Assert.Equal("Team", notification.RequiredChild("create").RequiredChild("group").Attr("subject"));
    }

    [Fact]
    public async Task Metadata_and_participating_answer_members_and_refuse_strangers_and_unknown_groups()
    {
        var jid = await CreateAsync(_alice, _bob.Account);

        var metadata = (await AskAsync(_bob, jid, "get", Leaf("query", ("request", "interactive")))).RequiredChild("group");
        Assert.Equal(jid, metadata.Attr("id") + "@g.us");
        Assert.Equal("2", metadata.Attr("size"));

        var all = (await AskAsync(_bob, "@g.us", "get", new Node("participating", null, [Leaf("participants"), Leaf("description")]))).RequiredChild("groups");
        Assert.Equal(jid, Assert.Single(all.ChildrenNamed("group")).Attr("id") + "@g.us");

        AssertError(await AskAsync(new ConnectedDevice(_carol, 0), jid, "get", Leaf("query", ("request", "interactive"))), "403");
        AssertError(await AskAsync(_bob, "120363000000000001@g.us", "get", Leaf("query", ("request", "interactive"))), "404");
    }

    [Fact]
    public async Task Only_admins_change_settings_and_participants_and_a_locked_group_keeps_its_info_to_admins()
    {
        var jid = await CreateAsync(_alice, _bob.Account);

        AssertError(await AskAsync(_bob, jid, "set", new Node("add", null, [Participant(_carol.Jid)])), "401");
        AssertError(await AskAsync(_bob, jid, "set", Leaf("announcement")), "401");
        AssertError(await AskAsync(_bob, jid, "get", Leaf("invite")), "401");
        AssertResult(await AskAsync(_bob, jid, "set", new Node("subject", null, Encoding.UTF8.GetBytes("Bob's name"))));

        AssertResult(await AskAsync(_alice, jid, "set", Leaf("locked")));
        AssertError(await AskAsync(_bob, jid, "set", new Node("subject", null, Encoding.UTF8.GetBytes("again"))), "401");

        var group = (await _groups.Store.FindAsync(jid[..^5], CancellationToken.None))!;
        Assert.Equal("Bob's name", group.Subject);
        Assert.True(group.Locked);
        var changes = Notifications(jid, "15550002222").Select(n => n.FirstChild()!.Tag).ToList();
        Assert.Equal(["create", "subject", "locked"], changes);
    }

    [Fact]
    public async Task Admin_changes_each_notify_the_group_in_whatsapp_shape()
    {
        var jid = await CreateAsync(_alice, _bob.Account);

        AssertResult(await AskAsync(_alice, jid, "set", new Node("subject", null, Encoding.UTF8.GetBytes("Renamed"))));
        AssertResult(await AskAsync(_alice, jid, "set", new Node("description", NodeAttributes.Of(("id", "D1")), [new Node("body", null, Encoding.UTF8.GetBytes("About us"))])));
        AssertError(await AskAsync(_alice, jid, "set", new Node("description", NodeAttributes.Of(("id", "D2"), ("prev", "stale")), [new Node("body", null, Encoding.UTF8.GetBytes("x"))])), "409");
        AssertResult(await AskAsync(_alice, jid, "set", Leaf("announcement")));
        var added = await AskAsync(_alice, jid, "set", new Node("add", null, [Participant(_carol.Jid), Participant(_bob.Account.Jid)]));
        var outcomes = added.RequiredChild("add").ChildrenNamed("participant").ToList();
        Assert.Null(outcomes[0].Attr("error"));
        Assert.Equal("409", outcomes[1].Attr("error"));
        AssertResult(await AskAsync(_alice, jid, "set", new Node("promote", null, [Participant(_carol.LidJid)])));
        AssertResult(await AskAsync(_alice, jid, "set", new Node("demote", null, [Participant(_carol.LidJid)])));
        AssertResult(await AskAsync(_alice, jid, "set", new Node("remove", null, [Participant(_bob.Account.LidJid)])));

        var atBob = Notifications(jid, "15550002222");
        Assert.Equal(["create", "subject", "description", "announcement", "add", "promote", "demote", "remove"], atBob.Select(n => n.FirstChild()!.Tag).ToArray());
        Assert.Equal("Renamed", atBob[1].FirstChild()!.Attr("subject"));
        Assert.Equal(_alice.Account.LidJid, atBob[1].FirstChild()!.Attr("s_o"));
        Assert.Equal("About us", Encoding.UTF8.GetString(atBob[2].FirstChild()!.RequiredChild("body").Bytes.Span));
        Assert.Equal(_carol.LidJid, atBob[4].FirstChild()!.RequiredChild("participant").Attr("jid"));
        Assert.Equal(_carol.Jid, atBob[4].FirstChild()!.RequiredChild("participant").Attr("phone_number"));
        Assert.Equal(_bob.Account.LidJid, atBob[7].FirstChild()!.RequiredChild("participant").Attr("jid"));
        Assert.All(atBob, n => Assert.Equal(_alice.Account.LidJid, n.Attr("participant")));

        // Carol hears of her own add and what follows; Bob, removed, is no longer in the group.
        Assert.Equal(["add", "promote", "demote", "remove"], Notifications(jid, "15550003333").Select(n => n.FirstChild()!.Tag).ToArray());
        var group = (await _groups.Store.FindAsync(jid[..^5], CancellationToken.None))!;
        Assert.Equal(["15550001111", "15550003333"], group.Members.Select(m => m.Phone).Order().ToArray());
        Assert.True(group.Announce);
        Assert.Equal("About us", group.Description);
    }

    [Fact]
    public async Task Invite_codes_join_by_code_revoke_and_leave()
    {
        var jid = await CreateAsync(_alice, _bob.Account);
        var code = (await AskAsync(_alice, jid, "get", Leaf("invite"))).RequiredChild("invite").Attr("code")!;

        var info = (await AskAsync(new ConnectedDevice(_carol, 0), "@g.us", "get", Leaf("invite", ("code", code)))).RequiredChild("group");
        Assert.Equal(jid, info.Attr("id") + "@g.us");

        var revoked = (await AskAsync(_alice, jid, "set", Leaf("invite"))).RequiredChild("invite").Attr("code")!;
        Assert.NotEqual(code, revoked);
        AssertError(await AskAsync(new ConnectedDevice(_carol, 0), "@g.us", "set", Leaf("invite", ("code", code))), "410");
        AssertError(await AskAsync(new ConnectedDevice(_carol, 0), "@g.us", "set", Leaf("invite", ("code", "NoSuchCode"))), "406");

        var joined = await AskAsync(new ConnectedDevice(_carol, 0), "@g.us", "set", Leaf("invite", ("code", revoked)));
        Assert.Equal(jid, joined.RequiredChild("group").Attr("jid"));
        var join = Notifications(jid, "15550002222").Last();
        Assert.Equal("add", join.FirstChild()!.Tag);
        Assert.Equal("invite", join.FirstChild()!.Attr("reason"));
        Assert.Equal(_carol.LidJid, join.Attr("participant"));

        AssertResult(await AskAsync(_bob, "@g.us", "set", new Node("leave", null, [Leaf("group", ("id", jid))])));
        var leave = Notifications(jid, "15550002222").Last();
        Assert.Equal("remove", leave.FirstChild()!.Tag);
        Assert.Equal(_bob.Account.LidJid, leave.Attr("participant"));
        Assert.Equal(_bob.Account.LidJid, leave.FirstChild()!.RequiredChild("participant").Attr("jid"));
        AssertError(await AskAsync(_bob, jid, "get", Leaf("query", ("request", "interactive"))), "403");
    }

    [Fact]
    public async Task Metadata_queries_past_ten_a_minute_get_rate_overlimit_under_r5()
    {
        var jid = await CreateAsync(_alice, _bob.Account);
        for (var i = 0; i < GroupMetadataRate.Limit; i++)
        {
            Assert.NotNull((await AskAsync(_bob, jid, "get", Leaf("query", ("request", "interactive")))).Child("group"));
        }

        var refused = await AskAsync(_bob, jid, "get", Leaf("query", ("request", "interactive")));
        AssertError(refused, "429");
        Assert.Equal("rate-overlimit", refused.RequiredChild("error").Attr("text"));
        Assert.Equal(1, _rules.BreachCount(ServerRule.R5));

        // Another device has its own budget, and a minute later Bob has his again.
        Assert.NotNull((await AskAsync(_alice, jid, "get", Leaf("query", ("request", "interactive")))).Child("group"));
        _time.Advance(GroupMetadataRate.Window);
        Assert.NotNull((await AskAsync(_bob, jid, "get", Leaf("query", ("request", "interactive")))).Child("group"));
    }

    [Fact]
    public async Task A_lenient_sandbox_counts_r5_but_answers()
    {
        var lenient = new GroupMetadataRate(new RuleBook(strict: false, NullLogger<RuleBook>.Instance), _time);
        for (var i = 0; i < GroupMetadataRate.Limit; i++)
        {
            Assert.False(lenient.Refuses("a", "g"));
        }

        Assert.False(lenient.Refuses("a", "g"));
    }

    private async Task<string> CreateAsync(ConnectedDevice creator, params SandboxAccount[] members)
    {
        var answer = await AskAsync(creator, "@g.us", "set", new Node("create", NodeAttributes.Of(("subject", "Team")), members.Select(m => Participant(m.Jid)).ToList()));
        return answer.RequiredChild("group").Attr("id") + "@g.us";
    }

    private async Task<Node> AskAsync(ConnectedDevice device, string to, string type, Node child) =>
        await _groups.Queries.HandleAsync(device, new Node("iq", NodeAttributes.Of(("id", "q1"), ("xmlns", "w:g2"), ("type", type), ("to", to)), [child]), CancellationToken.None);

    private List<Node> Notifications(string groupJid, string phone) =>
        _delivered.Where(d => d.Phone == phone && d.Device == 0 && d.Stanza.Tag == "notification" && d.Stanza.Attr("from") == groupJid).Select(d => d.Stanza).ToList();

    private Task DeliverAsync(SandboxAccount account, int device, string stanzaClass, string id, Node stanza, CancellationToken cancellationToken)
    {
        lock (_delivered)
        {
            _delivered.Add((account.Phone, device, stanza));
        }

        return Task.CompletedTask;
    }

    private static Node Participant(string jid) => Leaf("participant", ("jid", jid));

    private static Node Leaf(string tag, params (string, string)[] attributes) => new(tag, NodeAttributes.Of(attributes));

    private static void AssertResult(Node answer) => Assert.Equal("result", answer.Attr("type"));

    private static void AssertError(Node answer, string code)
    {
        Assert.Equal("error", answer.Attr("type"));
        Assert.Equal(code, answer.RequiredChild("error").Attr("code"));
    }
}
