using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// A line that writes to a virtual phone alone (by phone number: the line's account is not LID-migrated) and to a
/// LID-addressed group the phone is in (its sender key pairwise-encrypted to the phone's LID device) uses one Signal
/// session with the phone's device for both, and the phone keeps one too (as Baileys 7 and whatsmeow keep a PN peer's
/// session under its LID): every message, in either order, decrypts. The phones used to keep a PN and a LID session
/// apart, so the pkmsg of the second address came with a one-time prekey the first had spent, and was lost (issue #18,
/// the 30-minute soak's 17 lost one-to-one messages).
/// </summary>
public sealed class PhoneSessionPerDeviceTests
{
    private const string Alice = "15550086001";
    private const string Bob = "15550086002";
    private const string Carol = "15550086003";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_line_writing_to_a_phone_alone_and_to_their_lid_group_is_decrypted_by_the_phone_every_time()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await sandbox.CreateAccountAsync(Bob);
        await sandbox.CreateAccountAsync(Carol);
        await using var alice = await TestLine.OpenAsync(folder.Path, "alice", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, alice, Alice);

        // Bob's phone makes a LID-addressed group with Alice's account and Carol.
        using var created = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/groups", new { subject = "Both ways", participants = new[] { Alice, Carol }, addressing = "lid" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var group = (await created.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
        await alice.WaitForAsync<GroupChanged>(e => e.Change is Engine.Stanzas.Groups.GroupChange.Created c && c.GroupJid == group);

        // Bob alone first (a session with Bob's device 0 by phone number), then the group (the same device by LID).
        var toBob = await alice.Actor.SendMessageAsync(Jid(Bob), MessageBuilder.Text("to bob alone"), None);
        await PhoneHasAsync(sandbox, Bob, toBob.MsgId, "to bob alone");
        var toGroup = await alice.Actor.SendMessageAsync(group, MessageBuilder.Text("to the group"), None);
        await GroupFanOutTests.EveryPhoneDecryptedAsync(sandbox, [Bob, Carol, Alice], toGroup.MsgId, "to the group");

        // Carol the other way round: the group's sender key reached her by LID first, now a message by phone number.
        var toCarol = await alice.Actor.SendMessageAsync(Jid(Carol), MessageBuilder.Text("to carol alone"), None);
        await PhoneHasAsync(sandbox, Carol, toCarol.MsgId, "to carol alone");
        var again = await alice.Actor.SendMessageAsync(Jid(Bob), MessageBuilder.Text("to bob again"), None);
        await PhoneHasAsync(sandbox, Bob, again.MsgId, "to bob again");
        var second = await alice.Actor.SendMessageAsync(group, MessageBuilder.Text("the group again"), None);
        await GroupFanOutTests.EveryPhoneDecryptedAsync(sandbox, [Bob, Carol, Alice], second.MsgId, "the group again");

        // And back: the phones answer alone and in the group; the line decrypts both.
        var bob = (await sandbox.Runtime.Accounts.FindAsync(Bob, None))!;
        var carol = (await sandbox.Runtime.Accounts.FindAsync(Carol, None))!;
        var aliceAccount = (await sandbox.Runtime.Accounts.FindAsync(Alice, None))!;
        var fromBob = await sandbox.Runtime.Phones.SendAsync(bob, aliceAccount, new Message { Conversation = "bob to alice" }, None);
        Assert.Equal("bob to alice", (await alice.WaitForMessageAsync(fromBob)).Message.Body);
        var fromCarol = await sandbox.Runtime.Phones.SendToGroupAsync(carol, group, new Message { Conversation = "carol to the group" }, None);
        Assert.Equal("carol to the group", (await alice.WaitForMessageAsync(fromCarol)).Message.Body);

        // Nothing needed a retry: every phone decrypted each message the first time, and no rule was broken.
        Assert.DoesNotContain(sandbox.Runtime.Network.Groups!.FanOuts, f => f.Retry);
        Assert.DoesNotContain(sandbox.Runtime.Rules.Breaches(), b => b.Value > 0);
    }

    /// <summary>
    /// The soak's corrupt_next on a line in a phone's LID group (issue #18, two inbound messages lost): the phone writes to
    /// the line alone and to the group, both messages reach the line corrupted, the line asks with retry receipts, and
    /// the phone's resends (pairwise to the line's device, the group one with its sender key inside) decrypt.
    /// </summary>
    [Fact]
    public async Task Corrupted_messages_from_a_phone_alone_and_in_their_lid_group_are_healed_by_retry_receipts()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await sandbox.CreateAccountAsync(Bob);
        await using var alice = await TestLine.OpenAsync(folder.Path, "alice", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, alice, Alice);
        using var created = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/groups", new { subject = "Corrupted", participants = new[] { Alice }, addressing = "lid" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var group = (await created.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
        await alice.WaitForAsync<GroupChanged>(e => e.Change is Engine.Stanzas.Groups.GroupChange.Created c && c.GroupJid == group);
        var bob = (await sandbox.Runtime.Accounts.FindAsync(Bob, None))!;
        var aliceAccount = (await sandbox.Runtime.Accounts.FindAsync(Alice, None))!;

        // A conversation both ways first, alone and in the group, so the sessions are in use when the corruption comes.
        var hello = await sandbox.Runtime.Phones.SendAsync(bob, aliceAccount, new Message { Conversation = "hello alone" }, None);
        await alice.WaitForMessageAsync(hello);
        var groupHello = await sandbox.Runtime.Phones.SendToGroupAsync(bob, group, new Message { Conversation = "hello group" }, None);
        await alice.WaitForMessageAsync(groupHello);
        var answer = await alice.Actor.SendMessageAsync(Jid(Bob), MessageBuilder.Text("hello bob"), None);
        await PhoneHasAsync(sandbox, Bob, answer.MsgId, "hello bob");
        var groupAnswer = await alice.Actor.SendMessageAsync(group, MessageBuilder.Text("hello all"), None);
        await GroupFanOutTests.EveryPhoneDecryptedAsync(sandbox, [Bob], groupAnswer.MsgId, "hello all");

        var me = (await alice.Credentials.LoadAsync(None))!.Me!;
        var fault = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = me, kind = "corrupt_next", count = 2 });
        Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync());
        var alone = await sandbox.Runtime.Phones.SendAsync(bob, aliceAccount, new Message { Conversation = "corrupted alone" }, None);
        var inGroup = await sandbox.Runtime.Phones.SendToGroupAsync(bob, group, new Message { Conversation = "corrupted in the group" }, None);
        Assert.Equal("corrupted alone", (await alice.WaitForMessageAsync(alone, TimeSpan.FromSeconds(60))).Message.Body);
        Assert.Equal("corrupted in the group", (await alice.WaitForMessageAsync(inGroup, TimeSpan.FromSeconds(60))).Message.Body);
        Assert.Contains(sandbox.Runtime.Network.Groups!.FanOuts, f => f.MsgId == inGroup && f.Retry);
        Assert.DoesNotContain(sandbox.Runtime.Rules.Breaches(), b => b.Value > 0);
    }

    private static string Jid(string phone) => phone + "@s.whatsapp.net";

    /// <summary>Until the phone has decrypted and kept the message (a minute at most, for a loaded machine).</summary>
    private static async Task PhoneHasAsync(RunningSandbox sandbox, string phone, string msgId, string text)
    {
        for (var round = 0; round < 600; round++)
        {
            if ((await sandbox.Runtime.Phones.FindMessageAsync(phone, msgId, None))?.Conversation == text)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Phone {phone} never decrypted {msgId} ('{text}').");
    }
}
