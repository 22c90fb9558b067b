using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Sandbox.Protocol;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// The line's group list after login (issue #15): groups the account was put in before the line was paired come from
/// the server's group list (the first login after pairing, and the server's <c>&lt;dirty type="groups"/&gt;</c>, which
/// the line cleans), groups it was put in while the line was stopped from the notifications queued for it.
/// </summary>
public sealed class GroupSyncTests
{
    private const string Alice = "15550083001";
    private const string Bob = "15550083002";
    private const string Carol = "15550083003";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Groups_joined_before_pairing_or_while_the_line_was_stopped_are_in_its_store_once_it_connects()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        foreach (var phone in new[] { Alice, Bob, Carol })
        {
            await sandbox.CreateAccountAsync(phone);
        }

        // Bob's phone puts Alice's account in two groups before her line exists (one PN-addressed).
        var first = await CreateGroupAsync(sandbox, Bob, "Before pairing", "lid", Alice, Carol);
        var second = await CreateGroupAsync(sandbox, Carol, "Also before", "pn", Alice, Bob);

        await using var line = await TestLine.OpenAsync(folder.Path, "alice", TestLine.Options(url, root));
        await line.Actor.StartAsync(None);
        await sandbox.ScanAsync(Alice, (await line.WaitForAsync<QrCodeIssued>()).Qr);
        await line.WaitForStatusAsync(LineStatus.Connected);

        var synced = await line.WaitForAsync<GroupsSynced>(e => e.DirtyCleaned);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), synced.GroupJids.Order(StringComparer.Ordinal));
        var stored = (await line.Actor.Groups!.Store.GetAsync(first, None))!;
        Assert.Equal(("Before pairing", 3, true), (stored.Subject, stored.Participants.Count, stored.LidAddressing));
        Assert.Equal("superadmin", stored.Find(Jid(Bob))!.Admin);
        Assert.False(line.Actor.Groups.IsAdmin(stored));
        var pn = (await line.Actor.Groups.Store.GetAsync(second, None))!;
        Assert.Equal(("Also before", false), (pn.Subject, pn.LidAddressing));
        Assert.Contains(await line.Messages.ListChatsAsync(50, None), c => c.Jid == first && c.IsGroup && c.Name == "Before pairing");

        // The server marked the groups dirty at pairing; the line cleaned the bit once it had the list (the event follows the clean's answer).
        var device = (await line.Credentials.LoadAsync(None))!.Me!;
        Assert.Empty(sandbox.Runtime.Network.Dirty.Pending(device));
        Assert.Equal(1, sandbox.Runtime.Network.Dirty.Cleaned(device, DirtyBits.Groups));

        // A message into the synced group reaches both other members (the stored metadata is enough to send).
        var hello = await line.Actor.SendMessageAsync(first, Engine.Messaging.MessageBuilder.Text("hello from a synced group"), None);
        await line.WaitForMessageStatusAsync(hello.MsgId, Engine.Messaging.MessageStatus.ServerAck);

        // Stopped, then put in a third group: the queued notification brings it when the line starts again.
        await line.Actor.StopAsync(None);
        var third = await CreateGroupAsync(sandbox, Bob, "While stopped", "lid", Alice);
        await line.Actor.StartAsync(None);
        var created = await line.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Created c && c.GroupJid == third);
        Assert.Equal(Jid(Bob), created.Change.By);
        Assert.Equal("While stopped", (await line.Actor.Groups.Store.GetAsync(third, None))!.Subject);
        Assert.Equal(3, (await line.Actor.Groups.ListAsync(None)).Count);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(Sandbox.Rules.ServerRule.R5));
    }

    private static string Jid(string phone) => phone + "@s.whatsapp.net";

    private static async Task<string> CreateGroupAsync(RunningSandbox sandbox, string creator, string subject, string addressing, params string[] members)
    {
        var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{creator}/groups", new { subject, participants = members, addressing });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
    }
}
