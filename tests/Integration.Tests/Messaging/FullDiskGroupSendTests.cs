using System.Net.Http.Json;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// Issue #18: a line's disk fills while its send queue holds group messages (and a one-to-one one) that were accepted
/// and are being sent. The line meets the full disk (it reconnects, <c>storage_full</c>), and once there is room every
/// accepted message reaches the other member and is acked by the server (or by the member's receipt first): nothing is lost, nothing stays queued, no
/// server rule is broken. The line's database is on a small tmpfs of its own (mounting needs root, as CI runs; elsewhere
/// the test has nothing to prove).
/// </summary>
public sealed class FullDiskGroupSendTests
{
    private const string Alice = "15550083101";
    private const string Bob = "15550083102";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Group_sends_being_sent_when_the_disk_fills_reach_every_member_once_there_is_room()
    {
        using var folder = new TempFolder();
        using var disk = SmallDisk.TryMount(Path.Combine(folder.Path, "alice"), 24);
        if (disk is null)
        {
            return;
        }

        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var options = TestLine.Options(url, root) with { IsStorageFull = failure => Store.StorageFull.Is(failure, disk.Path) };
        await using var alice = await TestLine.OpenAsync(disk.Path, "alice", options);
        await using var bob = await TestLine.OpenAsync(Path.Combine(folder.Path, "bob"), "bob", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, alice, Alice);
        await LifecycleTests.PairAsync(sandbox, bob, Bob);
        var (group, _) = await alice.Actor.Groups!.CreateAsync("Full disk", [Bob + "@s.whatsapp.net"], None);
        await bob.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Created c && c.GroupJid == group.Jid);

        // The server holds its next answers to Alice (the group's device lists, the bundles) for a while: the sends are
        // accepted and marked sending, and the disk fills while they are being planned, before their keys and statuses
        // are written.
        var device = (await alice.Credentials.LoadAsync(None))!.Me!;
        var delayed = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind = "delay", ms = 3000, count = 2 });
        Assert.True(delayed.IsSuccessStatusCode, await delayed.Content.ReadAsStringAsync());
        var sent = new List<MessageRecord>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(await alice.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text($"to the group on a full disk {i}"), None));
        }

        sent.Add(await alice.Actor.SendMessageAsync(Bob + "@s.whatsapp.net", MessageBuilder.Text("to Bob on a full disk"), None));
        disk.Fill();
        await alice.WaitForAsync<StatusChanged>(e => e.Change.Reason == "storage_full");
        disk.Release();

        foreach (var record in sent)
        {
            var received = (await bob.WaitForMessageAsync(record.MsgId, TimeSpan.FromSeconds(90))).Message;
            Assert.Equal(record.ChatJid == group.Jid ? group.Jid : Alice + "@s.whatsapp.net", received.ChatJid);
            await alice.WaitForAsync<MessageStatusChanged>(e => e.MsgId == record.MsgId && e.Status is MessageStatus.ServerAck or MessageStatus.DeliveryAck or MessageStatus.Read, timeout: TimeSpan.FromSeconds(30));
        }

        Assert.All(sandbox.Runtime.Rules.Breaches(), b => Assert.True(b.Value == 0 || b.Key == "R18", $"{b.Key} broken {b.Value} times"));
    }
}
