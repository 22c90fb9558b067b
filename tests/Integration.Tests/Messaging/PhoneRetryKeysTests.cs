using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Proto;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// A virtual phone answers a retry receipt that carries keys (the line adds a fresh bundle from its second retry on, as
/// whatsmeow does) by starting a new session from them, as whatsmeow's handleRetryReceipt does: a line that lost its
/// session with the phone gets the message on the second retry. The phones used to resend under the old session every
/// time, so such a message failed all five retries and was given up (487) — lost (issue #18).
/// </summary>
public sealed class PhoneRetryKeysTests
{
    private const string Alice = "15550087001";
    private const string Bob = "15550087002";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_line_that_lost_its_session_with_a_phone_gets_the_phones_message_through_the_keys_of_its_second_retry()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await sandbox.CreateAccountAsync(Bob);
        await using var alice = await TestLine.OpenAsync(folder.Path, "alice", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, alice, Alice);
        var bob = (await sandbox.Runtime.Accounts.FindAsync(Bob, None))!;
        var aliceAccount = (await sandbox.Runtime.Accounts.FindAsync(Alice, None))!;

        // A conversation both ways: the phone's next message is a plain msg on the session they share.
        var first = await sandbox.Runtime.Phones.SendAsync(bob, aliceAccount, new Message { Conversation = "first" }, None);
        await alice.WaitForMessageAsync(first);
        var answer = await alice.Actor.SendMessageAsync(bob.Jid, MessageBuilder.Text("answer"), None);
        for (var round = 0; (await sandbox.Runtime.Phones.FindMessageAsync(Bob, answer.MsgId, None))?.Conversation != "answer"; round++)
        {
            Assert.True(round < 600, "The phone never decrypted the line's answer.");
            await Task.Delay(100);
        }

        // The line loses its session with the phone's device (under either address).
        foreach (var address in new[] { SignalAddress.ForUser(bob.Lid, SignalAddress.LidDomainType, 0), SignalAddress.ForUser(bob.Phone, 0) })
        {
            await alice.Signal.Sessions.DeleteSessionAsync(address, None);
        }

        // Retry 1 gets the same session again (no keys yet); retry 2 carries a fresh bundle and the phone starts over.
        var after = await sandbox.Runtime.Phones.SendAsync(bob, aliceAccount, new Message { Conversation = "after the loss" }, None);
        Assert.Equal("after the loss", (await alice.WaitForMessageAsync(after, TimeSpan.FromSeconds(90))).Message.Body);

        // And the new session carries on both ways.
        var again = await alice.Actor.SendMessageAsync(bob.Jid, MessageBuilder.Text("again"), None);
        for (var round = 0; (await sandbox.Runtime.Phones.FindMessageAsync(Bob, again.MsgId, None))?.Conversation != "again"; round++)
        {
            Assert.True(round < 600, "The phone never decrypted the line's message on the new session.");
            await Task.Delay(100);
        }

        Assert.DoesNotContain(sandbox.Runtime.Rules.Breaches(), b => b.Value > 0);
    }
}
