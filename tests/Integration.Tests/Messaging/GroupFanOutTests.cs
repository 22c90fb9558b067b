using System.Globalization;
using WaEngine.Engine.Messaging;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// The engine's fan-out into a group of virtual phones (issue #15; the 200-member figures come from bench/group-fanout):
/// its first message carries our sender key to every participant device in the same stanza and every phone decrypts it;
/// the second goes as the <c>skmsg</c> alone.
/// </summary>
public sealed class GroupFanOutTests
{
    private const int Members = 20;
    private const string LinePhone = "15550085000";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_phone_of_a_20_member_group_decrypts_the_first_message_and_the_second_goes_without_sender_key_parts()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var phones = Enumerable.Range(1, Members - 1).Select(i => (15550085000L + i).ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var phone in phones)
        {
            await sandbox.CreateAccountAsync(phone);
        }

        await using var line = await TestLine.OpenAsync(folder.Path, "line", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, LinePhone);
        var (group, outcomes) = await line.Actor.Groups!.CreateAsync("Twenty", [.. phones.Select(p => p + "@s.whatsapp.net")], None);
        Assert.All(outcomes, o => Assert.Equal("added", o.Status));
        Assert.Equal(Members, group.Participants.Count);

        // Every device but the sending one: each other member's phone and our own account's phone.
        var devices = Members;
        var first = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("first to twenty"), None);
        await line.WaitForMessageStatusAsync(first.MsgId, MessageStatus.ServerAck);
        var firstFanOut = Assert.Single(sandbox.Runtime.Network.Groups!.FanOuts, f => f.MsgId == first.MsgId);
        Assert.Equal((devices, devices, false), (firstFanOut.SenderKeyParts, firstFanOut.Stanzas, firstFanOut.Retry));
        await EveryPhoneDecryptedAsync(sandbox, [LinePhone, .. phones], first.MsgId, "first to twenty");

        var second = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("second to twenty"), None);
        await line.WaitForMessageStatusAsync(second.MsgId, MessageStatus.ServerAck);
        var secondFanOut = Assert.Single(sandbox.Runtime.Network.Groups.FanOuts, f => f.MsgId == second.MsgId);
        Assert.Equal((0, devices), (secondFanOut.SenderKeyParts, secondFanOut.Stanzas));
        await EveryPhoneDecryptedAsync(sandbox, [LinePhone, .. phones], second.MsgId, "second to twenty");
        Assert.DoesNotContain(sandbox.Runtime.Rules.Breaches(), b => b.Value > 0);
    }

    /// <summary>
    /// The phones decrypt their share after the sender's ack, on the sandbox's phone loop: drained, then each phone's
    /// store is read; a share still being queued when the ack arrived makes one more round.
    /// </summary>
    internal static async Task EveryPhoneDecryptedAsync(RunningSandbox sandbox, IReadOnlyList<string> phones, string msgId, string text)
    {
        var missing = phones.ToList();
        for (var round = 0; missing.Count > 0; round++)
        {
            Assert.True(round < 100, $"{missing.Count} phones never decrypted {msgId}: {string.Join(", ", missing.Take(10))}");
            if (round > 0)
            {
                await Task.Delay(100);
            }

            await sandbox.Runtime.Network.Groups!.DrainPhonesAsync(None);
            var still = new List<string>();
            foreach (var phone in missing)
            {
                if ((await sandbox.Runtime.Phones.FindMessageAsync(phone, msgId, None))?.Conversation != text)
                {
                    still.Add(phone);
                }
            }

            missing = still;
        }
    }
}
