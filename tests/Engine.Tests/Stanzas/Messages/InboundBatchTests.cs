using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Storage;
using WaEngine.Proto;
using WaEngine.TestKit;
using Receiver = WaEngine.Engine.Tests.Stanzas.Messages.MessageDecryptorTests.Receiver;
using Sender = WaEngine.Engine.Tests.Stanzas.Messages.MessageDecryptorTests.Sender;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>
/// Group commit of inbound messages on a real line database: messages that waited together are decrypted one after
/// another (each seeing the ratchet step of the one before), stored in one transaction, and receipted only after it.
/// </summary>
public sealed class InboundBatchTests
{
    private const string PeerChat = "15550000009@s.whatsapp.net";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Messages_that_waited_together_are_stored_in_one_commit_and_receipted_after_it_in_order()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var stanzas = new List<Node>();
        for (var i = 1; i <= 5; i++)
        {
            stanzas.Add(await sender.PairwiseAsync($"m{i}", $"words {i}"));
        }

        var commits = 0;
        receiver.Database.Journalled += () => commits++;
        var events = receiver.Events.Subscribe();
        var singles = new List<Node>();

        var outcomes = await BatchOf(receiver).HandleAsync(stanzas, receiver.Credentials, connected: true, Single(singles), None);

        // The first is a pkmsg (it sets the session up), the rest build on its step before anything was committed.
        Assert.Equal("pkmsg", stanzas[0].Children![0].Attr("type"));
        Assert.Equal(1, commits);
        Assert.Empty(singles);
        var receipts = Assert.Single(outcomes).Replies;
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], receipts.Select(r => r.Attr("id")));
        Assert.All(receipts, r => Assert.Equal("receipt", r.Tag));
        var history = await receiver.Store.HistoryAsync(PeerChat, 10, None);
        Assert.Equal(["words 5", "words 4", "words 3", "words 2", "words 1"], history.Select(m => m.Body));
        var published = new List<string>();
        while (events.Reader.TryRead(out var received))
        {
            published.Add(Assert.IsType<MessageReceived>(received).Message.MsgId);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], published);

        // The conversation goes on from the committed state, one message at a time as well.
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(await sender.PairwiseAsync("m6", "words 6")), receiver.Credentials, None)).Tag);
        Assert.Equal("words 6", (await receiver.Store.FindAsync("m6", None))!.Body);
    }

    [Fact]
    public async Task A_batch_whose_commit_fails_receipts_nothing_and_is_stored_once_when_the_server_delivers_it_again()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var stanzas = new List<Node>();
        for (var i = 1; i <= 4; i++)
        {
            stanzas.Add(await sender.PairwiseAsync($"m{i}", $"words {i}"));
        }

        // The store fails in the middle of the batch's transaction (a line killed before its commit): no receipt goes
        // out, nothing is stored, and the ratchet stays where it was.
        var singles = new List<Node>();
        receiver.Store.FailNextSave = true;
        await Assert.ThrowsAsync<IOException>(() => BatchOf(receiver).HandleAsync(stanzas, receiver.Credentials, connected: true, Single(singles), None));
        Assert.Empty(await receiver.Store.HistoryAsync(PeerChat, 10, None));

        // Unacked, they all come again (R6): the same ciphertexts decrypt and each is stored once.
        var outcomes = await BatchOf(receiver).HandleAsync(stanzas, receiver.Credentials, connected: true, Single(singles), None);
        Assert.Equal(["m1", "m2", "m3", "m4"], Assert.Single(outcomes).Replies.Select(r => r.Attr("id")));
        Assert.Equal(4, (await receiver.Store.HistoryAsync(PeerChat, 10, None)).Count);

        // Delivered once more (the receipts were lost): receipted again, stored nowhere twice.
        outcomes = await BatchOf(receiver).HandleAsync(stanzas, receiver.Credentials, connected: true, Single(singles), None);
        Assert.Equal(["m1", "m2", "m3", "m4"], Assert.Single(outcomes).Replies.Select(r => r.Attr("id")));
        Assert.Equal(4, (await receiver.Store.HistoryAsync(PeerChat, 10, None)).Count);
        Assert.Empty(singles);
    }

    [Fact]
    public async Task A_stanza_that_cannot_be_batched_commits_what_came_before_and_goes_the_usual_way_in_its_place()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var first = await sender.PairwiseAsync("m1", "before");
        var group = new Node("message", NodeAttributes.Of(("id", "g1"), ("from", "120363000000000001@g.us"), ("participant", PeerChat), ("t", "1779285900")), [
            new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "skmsg")), new byte[] { 1, 2, 3 }),
        ]);
        var corrupt = await sender.PairwiseAsync("m2", "lost in transit");
        corrupt = new Node("message", corrupt.Attributes, [new Node("enc", corrupt.Children![0].Attributes, new byte[] { 9, 9, 9 })]);
        var last = await sender.PairwiseAsync("m3", "after");
        var commits = 0;
        receiver.Database.Journalled += () => commits++;
        var singles = new List<Node>();
        var storedWhenSingle = new List<int>();
        Func<Node, ValueTask<StanzaOutcome>> single = async stanza =>
        {
            singles.Add(stanza);
            storedWhenSingle.Add((await receiver.Store.HistoryAsync(PeerChat, 10, None)).Count);
            return StanzaOutcome.None;
        };

        var outcomes = await BatchOf(receiver).HandleAsync([first, group, corrupt, last], receiver.Credentials, connected: true, single, None);

        // The group message and the one that does not decrypt go the usual way, each after what came before it is stored.
        Assert.Equal(["g1", "m2"], singles.Select(s => s.Attr("id")));
        Assert.Equal([1, 1], storedWhenSingle);
        Assert.Equal(2, commits);
        Assert.Equal(["m1", "", "", "m3"], outcomes.Select(o => string.Join(",", o.Replies.Select(r => r.Attr("id")))));
        Assert.Equal("after", (await receiver.Store.FindAsync("m3", None))!.Body);
    }

    [Fact]
    public async Task Without_a_connection_or_credentials_every_stanza_goes_the_usual_way()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        Node[] stanzas = [await sender.PairwiseAsync("m1", "one"), await sender.PairwiseAsync("m2", "two")];
        var singles = new List<Node>();

        await BatchOf(receiver).HandleAsync(stanzas, receiver.Credentials, connected: false, Single(singles), None);
        await BatchOf(receiver).HandleAsync(stanzas, null, connected: true, Single(singles), None);

        Assert.Equal(4, singles.Count);
        Assert.Empty(await receiver.Store.HistoryAsync(PeerChat, 10, None));
    }

    private static InboundBatch BatchOf(Receiver receiver)
    {
        var addresses = new SessionAddresses(receiver.Signal, receiver.Store, NullLogger.Instance);
        return new InboundBatch(
            new LineId(1), receiver.Messaging, receiver.Signal, receiver.Store, new SignalKeyGenerator(), new IdentityTrust(receiver.Signal, NullLogger.Instance),
            addresses, receiver.Events, TimeProvider.System, NullLogger.Instance);
    }

    private static Func<Node, ValueTask<StanzaOutcome>> Single(List<Node> seen) => stanza =>
    {
        seen.Add(stanza);
        return ValueTask.FromResult(StanzaOutcome.None);
    };
}
