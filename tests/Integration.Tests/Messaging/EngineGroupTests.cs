using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// Three engine lines in one group through the strict sandbox: the group commands, the w:gp2 notifications that keep
/// every line's stored group current, group messages with sender keys both ways (text, reply, reaction), and our key
/// rotated after a removal (R5: no line re-reads the metadata per send).
/// </summary>
public sealed class EngineGroupTests
{
    private const string Alice = "15550081001";
    private const string Bob = "15550081002";
    private const string Carol = "15550081003";

    [Fact]
    public async Task A_group_created_by_one_line_carries_messages_between_all_three_and_a_removed_member_gets_a_new_key_no_more()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var alice = await TestLine.OpenAsync(folder.Path, "alice", TestLine.Options(url, root));
        await using var bob = await TestLine.OpenAsync(folder.Path, "bob", TestLine.Options(url, root));
        await using var carol = await TestLine.OpenAsync(folder.Path, "carol", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, alice, Alice);
        await LifecycleTests.PairAsync(sandbox, bob, Bob);
        await LifecycleTests.PairAsync(sandbox, carol, Carol);

        var (group, outcomes) = await alice.Actor.Groups!.CreateAsync("Team", [Jid(Bob), Jid(Carol), "15550081999@s.whatsapp.net"], CancellationToken.None);
        Assert.Equal(["added", "added", "not_on_whatsapp"], outcomes.Select(o => o.Status));
        Assert.True(alice.Actor.Groups.IsAdmin(group));
        await bob.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Created c && c.GroupJid == group.Jid);
        await carol.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Created c && c.GroupJid == group.Jid);
        Assert.Equal(3, (await bob.Actor.Groups!.Store.GetAsync(group.Jid, CancellationToken.None))!.Participants.Count);

        // Alice writes: both others decrypt it under the group, with Alice as the sender.
        var hello = await alice.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("hello team"), CancellationToken.None);
        foreach (var member in new[] { bob, carol })
        {
            var received = (await member.WaitForMessageAsync(hello.MsgId)).Message;
            Assert.Equal(group.Jid, received.ChatJid);
            Assert.Equal(Jid(Alice), received.SenderPn);
            Assert.Equal("hello team", received.Body);
        }

        // Bob replies (his first message: his key goes to Alice and Carol in the same stanza); Alice reacts to it.
        var reply = await bob.Actor.SendMessageAsync(group.Jid, MessageBuilder.Reply("hi alice", (await bob.Messages.FindInChatAsync(group.Jid, hello.MsgId, CancellationToken.None))!, Jid(Bob)), CancellationToken.None);
        var bobsReply = (await alice.WaitForMessageAsync(reply.MsgId)).Message;
        Assert.Equal("hi alice", bobsReply.Body);
        Assert.Equal(hello.MsgId, bobsReply.TargetMsgId);
        Assert.Equal("hi alice", (await carol.WaitForMessageAsync(reply.MsgId)).Message.Body);
        var reaction = await alice.Actor.SendMessageAsync(group.Jid, MessageBuilder.Reaction(bobsReply, "👍", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal("reaction", (await bob.WaitForMessageAsync(reaction.MsgId)).Message.Type);

        // Alice removes Carol: Bob's store hears of it, and Alice's next message goes out under a new sender key.
        var keyBefore = await OwnSenderKeyIdAsync(alice, group.Jid);
        var carolInGroup = (await alice.Actor.Groups.Store.GetAsync(group.Jid, CancellationToken.None))!.Find(Jid(Carol))!;
        var removed = await alice.Actor.Groups.ChangeParticipantsAsync(group.Jid, "remove", [Jid(Carol)], CancellationToken.None);
        Assert.Equal("removed", Assert.Single(removed).Status);
        await bob.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Participants { Action: "remove" });
        await carol.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Participants { Action: "remove" });
        Assert.Null(await carol.Actor.Groups!.Store.GetAsync(group.Jid, CancellationToken.None));

        var after = await alice.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("just us now"), CancellationToken.None);
        Assert.Equal("just us now", (await bob.WaitForMessageAsync(after.MsgId)).Message.Body);
        Assert.NotEqual(keyBefore, await OwnSenderKeyIdAsync(alice, group.Jid));
        var (holders, rotate) = await alice.Actor.Groups.Store.KeyHoldersAsync(group.Jid, CancellationToken.None);
        Assert.False(rotate);
        var bobsLid = (await alice.Actor.Groups.Store.GetAsync(group.Jid, CancellationToken.None))!.Find(Jid(Bob))!.Lid!.Split('@')[0];
        Assert.Null((await bob.Actor.Groups!.Store.GetAsync(group.Jid, CancellationToken.None))!.Find(Jid(Carol)));
        var carolsLid = carolInGroup.Lid!.Split('@')[0];
        Assert.Contains(holders, h => h.StartsWith(bobsLid + ":", StringComparison.Ordinal));
        Assert.DoesNotContain(holders, h => h.StartsWith(carolsLid, StringComparison.Ordinal) || h.StartsWith(Carol, StringComparison.Ordinal));

        // Carol's line: a later message to her proves every stanza before it was handled; Alice's last one is not among them.
        var direct = await alice.Actor.SendMessageAsync(Jid(Carol), MessageBuilder.Text("you were removed"), CancellationToken.None);
        await carol.WaitForMessageAsync(direct.MsgId);
        Assert.DoesNotContain(carol.Events.OfType<MessageReceived>(), e => e.Message.MsgId == after.MsgId);

        // Bob's journal holds the group webhooks: the new group and the removal; nobody re-read the metadata per send (R5).
        var journal = await JournalAsync(bob);
        Assert.Contains(journal, e => e.Event == "group.update" && e.Detail!.Contains("\"created\":true", StringComparison.Ordinal));
        Assert.Contains(journal, e => e.Event == "group.participants" && e.Detail!.Contains("\"action\":\"remove\"", StringComparison.Ordinal) && e.Detail.Contains(Carol, StringComparison.Ordinal));
        // No rule broken: the first 1:1 message to Carol, a new contact, carries Alice's cstoken (R2).
        Assert.Empty(sandbox.Runtime.Rules.Breaches().Where(b => b.Value > 0).Select(b => b.Key));
    }

    private static string Jid(string phone) => phone + "@s.whatsapp.net";

    private static async Task<uint?> OwnSenderKeyIdAsync(TestLine line, string groupJid)
    {
        var credentials = (await line.Credentials.LoadAsync(CancellationToken.None))!;
        var me = Engine.Binary.Jid.Parse(credentials.Me!);
        var lid = Engine.Binary.Jid.Parse(credentials.Lid!);
        foreach (var address in new[] { SignalAddress.ForUser(me.User, 0, me.Device ?? 0), SignalAddress.ForUser(lid.User, SignalAddress.LidDomainType, me.Device ?? 0) })
        {
            if (await line.Signal.SenderKeys.LoadSenderKeyAsync(new SenderKeyName(groupJid, address), CancellationToken.None) is { IsEmpty: false } record)
            {
                return record.Newest?.KeyId;
            }
        }

        return null;
    }

    private static async Task<List<(string Event, string? Detail)>> JournalAsync(TestLine line)
    {
        await using var connection = new SqliteConnection($"Data Source={line.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<(string, string?)>("SELECT event, detail FROM line_events WHERE event LIKE 'group.%' ORDER BY seq;");
        return rows.ToList();
    }
}
