using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Store.Groups;
using WaEngine.Store.Messages;
using WaEngine.Store.Tests.Messages;

namespace WaEngine.Store.Tests.Groups;

/// <summary>The line's groups: metadata and participants, changes with their journal rows, key holders and rotation.</summary>
public sealed class SqliteGroupStoreTests
{
    private const string Group = "120363000000000001@g.us";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);

    private static GroupInfo Team() => new(Group, "Team", "Ask here", "D1", "15550001111@s.whatsapp.net", At, Announce: false, Locked: false, LidAddressing: true,
    [
        new GroupMember("101@lid", "15550001111@s.whatsapp.net", "101@lid", "superadmin"),
        new GroupMember("102@lid", "15550002222@s.whatsapp.net", "102@lid", null),
        new GroupMember("103@lid", "15550003333@s.whatsapp.net", "103@lid", null),
    ]);

    [Fact]
    public async Task A_participating_answer_replaces_the_stored_group_and_a_member_gone_since_rotates_our_key()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var store = new SqliteGroupStore(line.Database);
        await store.SaveAsync(Team(), default);
        await store.AddKeyHoldersAsync(Group, ["102:3@lid", "103@lid"], rotated: true, default);
        Assert.False((await store.KeyHoldersAsync(Group, default)).RotateKey);

        // The server's list (GroupSync, issue #15): a new subject, member 103 gone, a new group.
        var answer = new Node("iq", NodeAttributes.Of(("type", "result")), [
            new Node("groups", null, [
                new Node("group", NodeAttributes.Of(("id", "120363000000000001"), ("subject", "Team 2"), ("addressing_mode", "lid"), ("creation", "1779285900")), [
                    new Node("participant", NodeAttributes.Of(("jid", "101@lid"), ("phone_number", "15550001111@s.whatsapp.net"), ("type", "superadmin"))),
                    new Node("participant", NodeAttributes.Of(("jid", "102@lid"), ("phone_number", "15550002222@s.whatsapp.net"))),
                ]),
                new Node("group", NodeAttributes.Of(("id", "120363000000000002"), ("subject", "Other")), [
                    new Node("participant", NodeAttributes.Of(("jid", "15550002222@s.whatsapp.net"), ("lid", "102@lid"))),
                ]),
            ]),
        ]);
        var listed = await GroupSync.ApplyAsync(store, answer, At, default);

        Assert.Equal([Group, "120363000000000002@g.us"], listed.Select(g => g.Jid));
        var team = (await store.GetAsync(Group, default))!;
        Assert.Equal("Team 2", team.Subject);
        Assert.Equal(["101@lid", "102@lid"], team.Participants.Select(p => p.Jid));
        Assert.True((await store.KeyHoldersAsync(Group, default)).RotateKey);
        Assert.False((await store.GetAsync("120363000000000002@g.us", default))!.LidAddressing);
        Assert.Empty(await JournalAsync(line));

        // Which of our devices read the list (the first login after pairing reads it once per device).
        Assert.False(await store.SyncedAsync("15550001111:4@s.whatsapp.net", default));
        await store.MarkSyncedAsync("15550001111:4@s.whatsapp.net", default);
        await store.MarkSyncedAsync("15550001111:4@s.whatsapp.net", default);
        Assert.True(await store.SyncedAsync("15550001111:4@s.whatsapp.net", default));
        Assert.False(await store.SyncedAsync("15550001111:5@s.whatsapp.net", default));
    }

    [Fact]
    public async Task A_stored_group_the_list_no_longer_holds_is_forgotten_but_not_one_stored_after_the_query_went_out()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var store = new SqliteGroupStore(line.Database);
        await store.SaveAsync(Team(), default);
        await store.SaveAsync(Team() with { Jid = "120363000000000009@g.us", Subject = "Removed while offline" }, default);
        var storedBefore = await GroupSync.StoredAsync(store, default);

        // Created by the line while the query was out: not in the (older) answer, and not forgotten for it.
        await store.SaveAsync(Team() with { Jid = "120363000000000010@g.us", Subject = "Just created" }, default);
        var answer = new Node("iq", NodeAttributes.Of(("type", "result")), [
            new Node("groups", null, [
                new Node("group", NodeAttributes.Of(("id", "120363000000000001"), ("subject", "Team"), ("addressing_mode", "lid"), ("creation", "1779285900")), [
                    new Node("participant", NodeAttributes.Of(("jid", "101@lid"), ("phone_number", "15550001111@s.whatsapp.net"), ("type", "superadmin"))),
                ]),
            ]),
        ]);
        var listed = await GroupSync.ApplyAsync(store, answer, At, default, storedBefore);

        Assert.Equal([Group], listed.Select(g => g.Jid));
        Assert.Equal(
            [Group, "120363000000000010@g.us"],
            (await store.ListAsync(default)).Select(g => g.Jid).Order(StringComparer.Ordinal));
        Assert.Null(await store.GetAsync("120363000000000009@g.us", default));
        Assert.Empty(await JournalAsync(line));

        // An answer that holds no list at all is refused, never read as "in no group": nothing is forgotten.
        var broken = new Node("iq", NodeAttributes.Of(("type", "result")));
        await Assert.ThrowsAsync<WaEngine.Engine.Stanzas.StanzaException>(() => GroupSync.ApplyAsync(store, broken, At, default, [Group, "120363000000000010@g.us"]));
        Assert.Equal(2, (await store.ListAsync(default)).Count);
    }

    [Fact]
    public async Task A_saved_group_reads_back_whole_and_shows_in_the_chat_list_under_its_subject()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var store = new SqliteGroupStore(line.Database);
        await store.SaveAsync(Team(), default);

        var stored = await store.GetAsync(Group, default);
        Assert.Equal(Team() with { Participants = [] }, stored! with { Participants = [] });
        Assert.Equal(Team().Participants, stored.Participants);
        Assert.Single(await store.ListAsync(default));
        var chat = Assert.Single(await new SqliteMessageStore(line.Database).ListChatsAsync(10, default));
        Assert.Equal((Group, "Team", true), (chat.Jid, chat.Name, chat.IsGroup));
        Assert.Null(await store.GetAsync("120363000000000002@g.us", default));
        Assert.Empty(await JournalAsync(line));
    }

    [Fact]
    public async Task Changes_update_the_group_and_journal_their_webhooks_and_a_removal_marks_our_key_for_rotation()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var store = new SqliteGroupStore(line.Database);
        var signals = 0;
        line.Database.Journalled += () => signals++;
        await store.SaveAsync(Team(), default);
        await store.AddKeyHoldersAsync(Group, ["102:1@lid", "103:1@lid"], rotated: true, default);
        Assert.Equal((2, false), ((await store.KeyHoldersAsync(Group, default)).Holders.Count, (await store.KeyHoldersAsync(Group, default)).RotateKey));

        await store.ApplyAsync(new GroupChange.Updated(Group, "15550001111@s.whatsapp.net", At, Subject: "Team 2", Locked: true), journal: true, default);
        await store.ApplyAsync(new GroupChange.Participants(Group, "15550001111@s.whatsapp.net", At, "promote", [new GroupMember("15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", null, null)]), journal: true, default);
        await store.ApplyAsync(new GroupChange.Participants(Group, "15550001111@s.whatsapp.net", At, "remove", [new GroupMember("103@lid", null, "103@lid", null)]), journal: true, default);
        await store.ApplyAsync(new GroupChange.Updated(Group, null, At, Description: ""), journal: false, default);

        var group = (await store.GetAsync(Group, default))!;
        Assert.Equal(("Team 2", true, false, null), (group.Subject, group.Locked, group.Announce, group.Description));
        Assert.Equal(["101@lid", "102@lid"], group.Participants.Select(p => p.Jid));
        Assert.Equal("admin", group.Find("15550002222@s.whatsapp.net")!.Admin);
        Assert.True((await store.KeyHoldersAsync(Group, default)).RotateKey);
        Assert.Equal("Team 2", Assert.Single(await new SqliteMessageStore(line.Database).ListChatsAsync(10, default)).Name);

        Assert.Equal(3, signals);
        Assert.Equal(
        [
            ("group.update", """{"jid":"120363000000000001@g.us","subject":"Team 2","locked":true,"by":"15550001111@s.whatsapp.net"}"""),
            ("group.participants", """{"jid":"120363000000000001@g.us","action":"promote","participants":["15550002222@s.whatsapp.net"],"by":"15550001111@s.whatsapp.net"}"""),
            ("group.participants", """{"jid":"120363000000000001@g.us","action":"remove","participants":["103@lid"],"by":"15550001111@s.whatsapp.net"}"""),
        ], await JournalAsync(line));

        // Our next key goes to the remaining devices only: a rotation drops the old holders.
        await store.AddKeyHoldersAsync(Group, ["102:1@lid"], rotated: true, default);
        var (holders, rotate) = await store.KeyHoldersAsync(Group, default);
        Assert.Equal(["102:1@lid"], holders);
        Assert.False(rotate);
    }

    [Fact]
    public async Task A_created_group_is_stored_from_its_change_and_a_forgotten_one_is_gone_with_its_holders()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var store = new SqliteGroupStore(line.Database);
        await store.ApplyAsync(new GroupChange.Created(Team(), "15550001111@s.whatsapp.net", At), journal: true, default);
        await store.AddKeyHoldersAsync(Group, ["102:1@lid"], rotated: false, default);
        var (_, data) = Assert.Single(await JournalAsync(line));
        Assert.Contains("\"created\":true", data, StringComparison.Ordinal);
        Assert.Contains("\"participants\":[\"15550001111@s.whatsapp.net\",\"15550002222@s.whatsapp.net\",\"15550003333@s.whatsapp.net\"]", data, StringComparison.Ordinal);

        await store.ForgetAsync(Group, default);
        Assert.Null(await store.GetAsync(Group, default));
        Assert.Empty((await store.KeyHoldersAsync(Group, default)).Holders);

        // A change to a group the line does not know is journalled (its webhook still goes out) and stores nothing.
        await store.ApplyAsync(new GroupChange.Participants(Group, null, At, "add", [new GroupMember("104@lid", null, "104@lid", null)]), journal: true, default);
        Assert.Null(await store.GetAsync(Group, default));
        Assert.Equal(2, (await JournalAsync(line)).Count);
    }

    private static async Task<List<(string Event, string Detail)>> JournalAsync(MessageStoreLine line)
    {
        await using var reader = new SqliteConnection($"Data Source={line.Database.Path};Mode=ReadOnly;Pooling=False");
        await reader.OpenAsync();
        return (await reader.QueryAsync<(string, string)>("SELECT event, detail FROM line_events WHERE event LIKE 'group.%' ORDER BY seq")).ToList();
    }
}
