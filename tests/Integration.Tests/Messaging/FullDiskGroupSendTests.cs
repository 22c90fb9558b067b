using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// Issue #18: the line's disk full while its send queue holds group messages (and a one-to-one one) that were accepted
/// before. The line meets the full disk (it reconnects, <c>storage_full</c>), and once there is room every accepted
/// message reaches every member of its chat: nothing is lost, nothing stays queued, no server rule is broken. The line's
/// database is on a small tmpfs of its own (mounting needs root, as CI runs; elsewhere the test has nothing to prove).
/// </summary>
public sealed class FullDiskGroupSendTests
{
    private const string Alice = "15550083101";
    private const string Bob = "15550083102";
    private const string Carol = "15550083103";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Group_sends_accepted_before_the_disk_filled_reach_every_member_once_there_is_room()
    {
        using var folder = new TempFolder();
        using var disk = SmallDisk.TryMount(Path.Combine(folder.Path, "line"), 24);
        if (disk is null)
        {
            return;
        }

        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        foreach (var phone in new[] { Alice, Bob, Carol })
        {
            await sandbox.CreateAccountAsync(phone);
        }

        var created = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/groups", new { subject = "Full disk", participants = new[] { Alice, Carol } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var group = (await created.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();

        var options = TestLine.Options(url, root) with { IsStorageFull = failure => Store.StorageFull.Is(failure, disk.Path) };
        await using var line = await TestLine.OpenAsync(disk.Path, "alice", options);
        await line.Actor.StartAsync(None);
        await sandbox.ScanAsync(Alice, (await line.WaitForAsync<QrCodeIssued>()).Qr);
        await line.WaitForStatusAsync(LineStatus.Connected);
        await line.WaitForAsync<GroupsSynced>(e => e.GroupJids.Contains(group));

        // Accepted while the line is down (a restore about to start it), then the disk fills before it sends them.
        await line.Actor.StopAsync(None);
        await line.Actor.ExpectStartAsync(None);
        var sent = new List<(MessageRecord Record, string[] Phones)>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add((await line.Actor.SendMessageAsync(group, MessageBuilder.Text($"to the group on a full disk {i}"), None), [Bob, Carol]));
        }

        sent.Add((await line.Actor.SendMessageAsync(Carol + "@s.whatsapp.net", MessageBuilder.Text("to Carol on a full disk"), None), [Carol]));
        disk.Fill();
        await line.Actor.StartAsync(None);
        await line.WaitForAsync<StatusChanged>(e => e.Change.Reason == "storage_full");
        disk.Release();

        foreach (var (record, _) in sent)
        {
            await line.WaitForMessageStatusAsync(record.MsgId, MessageStatus.ServerAck, TimeSpan.FromSeconds(90));
        }

        foreach (var phone in new[] { Bob, Carol })
        {
            var owed = sent.Where(s => s.Phones.Contains(phone)).Select(s => s.Record.MsgId).ToHashSet(StringComparer.Ordinal);
            var inbox = await PollInboxAsync(sandbox, phone, owed);
            Assert.Subset(inbox, owed);
        }

        Assert.All(sandbox.Runtime.Rules.Breaches(), b => Assert.True(b.Value == 0 || b.Key == "R18", $"{b.Key} broken {b.Value} times"));
    }

    /// <summary>The phone's inbox (message ids) once it holds every id in <paramref name="owed"/>, or after 60 s.</summary>
    private static async Task<HashSet<string>> PollInboxAsync(RunningSandbox sandbox, string phone, HashSet<string> owed)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var inbox = (await sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray()
                .Select(m => m!["msg_id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            if (owed.IsSubsetOf(inbox) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return inbox;
            }

            await Task.Delay(200);
        }
    }
}
