using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Storage;
using WaEngine.Proto;
using WaEngine.Store;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>The receive path on a real line database: atomic decrypt-and-store, and group messages with their sender key.</summary>
public sealed class MessageDecryptorTests
{
    private const string Me = "15550000001:2@s.whatsapp.net";
    private const string Peer = "15550000009";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_store_failure_leaves_the_ratchet_where_it_was_so_the_redelivered_message_is_stored_once()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var stanza = await sender.PairwiseAsync("m1", "first words");

        receiver.Store.FailNextSave = true;
        await Assert.ThrowsAsync<IOException>(() => receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None));
        Assert.Null(await receiver.Store.FindAsync("m1", None));

        // The server redelivers (no receipt was sent): the same ciphertext decrypts again and is stored once.
        var answers = await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None);
        Assert.Equal("receipt", Assert.Single(answers).Tag);
        Assert.Equal("first words", (await receiver.Store.FindAsync("m1", None))!.Body);

        // A duplicate delivery is receipted again and stored nowhere twice; the conversation goes on.
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None)).Tag);
        await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(await sender.PairwiseAsync("m2", "second words")), receiver.Credentials, None);
        var history = await receiver.Store.HistoryAsync(Peer + "@s.whatsapp.net", 10, None);
        Assert.Equal(["second words", "first words"], history.Select(m => m.Body));
    }

    [Fact]
    public async Task A_peer_has_one_session_under_its_lid_whether_it_writes_by_phone_number_or_by_lid()
    {
        // Baileys 7 and whatsmeow keep one session per device, under its LID once known: a peer that learnt the mapping
        // writes by phone number or by LID with the same session, and so must we decrypt.
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        const string peerLid = "77700000009@lid";
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(await sender.PairwiseAsync("m1", "by number")), receiver.Credentials, None)).Tag);
        var byNumber = SignalAddress.ForUser(Peer, 0);
        var byLid = SignalAddress.ForUser("77700000009", SignalAddress.LidDomainType, 0);
        Assert.NotNull(await receiver.Signal.Sessions.LoadSessionAsync(byNumber, None));

        // The mapping becomes known: the phone-number session moves to the LID address on the next message.
        await receiver.Store.SaveLidMappingAsync(peerLid, Peer + "@s.whatsapp.net", None);
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(await sender.PairwiseAsync("m2", "still by number")), receiver.Credentials, None)).Tag);
        Assert.Null(await receiver.Signal.Sessions.LoadSessionAsync(byNumber, None));
        Assert.True((await receiver.Signal.Sessions.LoadSessionAsync(byLid, None))!.HasCurrentSession);

        // The same session, now written by LID.
        var byLidStanza = await sender.PairwiseAsync("m3", "by lid");
        var lidAttributes = byLidStanza.Attributes.ToDictionary(a => a.Key, a => a.Value);
        lidAttributes["from"] = peerLid;
        var rewritten = new Node("message", NodeAttributes.Of([.. lidAttributes.Select(a => (a.Key, a.Value))]), byLidStanza.Children);
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(rewritten), receiver.Credentials, None)).Tag);
        Assert.Equal("by lid", (await receiver.Store.FindAsync("m3", None))!.Body);
    }

    [Fact]
    public async Task A_group_message_carrying_its_sender_key_is_decrypted_and_filed_under_the_group()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        const string group = "120363000000000001@g.us";
        var senderName = new SenderKeyName(group, SignalAddress.ForUser(Peer, 0));
        var groups = new GroupCipher(sender.Store);
        var distribution = await groups.CreateDistributionMessageAsync(senderName, None);
        await sender.Store.CommitAsync(distribution.Changes, None);
        var keyMessage = new Message
        {
            SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage { GroupId = group, AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message) },
        };
        var pairwise = await sender.EncryptAsync(keyMessage);
        var skmsg = await groups.EncryptAsync(senderName, WhatsAppPadding.Pad(new Message { Conversation = "hello group" }.ToByteArray(), SecureRandomSource.Instance), None);
        await sender.Store.CommitAsync(skmsg.Changes, None);
        var stanza = new Node("message", NodeAttributes.Of(("id", "g1"), ("from", group), ("participant", Peer + "@s.whatsapp.net"), ("t", "1779285900"), ("notify", "Peer")), [
            pairwise,
            new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "skmsg")), skmsg.Ciphertext),
        ]);

        var events = receiver.Events.Subscribe();
        var answers = await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None);
        Assert.Equal("receipt", Assert.Single(answers).Tag);
        Assert.Equal(Peer + "@s.whatsapp.net", Assert.Single(answers).Attributes.GetValueOrDefault("participant"));
        var stored = (await receiver.Store.FindInChatAsync(group, "g1", None))!;
        Assert.Equal("hello group", stored.Body);
        Assert.Equal(Peer + "@s.whatsapp.net", stored.SenderJid);
        Assert.True(Assert.Single(await receiver.Store.ListChatsAsync(10, None), c => c.Jid == group).IsGroup);
        Assert.True(events.Reader.TryRead(out var published));
        Assert.Equal("g1", Assert.IsType<MessageReceived>(published).Message.MsgId);
    }

    [Fact]
    public async Task A_group_message_whose_store_failed_after_its_sender_key_was_kept_is_stored_when_the_server_delivers_it_again()
    {
        // The sender key (in the pairwise part) is committed as it is read, so the skmsg after it can use it; the skmsg's
        // step and the message commit together. A crash or a full disk between the two left the pairwise part a
        // duplicate on the redelivery, which once answered the whole stanza with a receipt and stored nothing: the
        // message was lost (the CI soak of session 9: a line's group message after a disk-full spell).
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        const string group = "120363000000000002@g.us";
        var senderName = new SenderKeyName(group, SignalAddress.ForUser(Peer, 0));
        var groups = new GroupCipher(sender.Store);
        var distribution = await groups.CreateDistributionMessageAsync(senderName, None);
        await sender.Store.CommitAsync(distribution.Changes, None);
        var pairwise = await sender.EncryptAsync(new Message
        {
            SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage { GroupId = group, AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message) },
        });
        var skmsg = await groups.EncryptAsync(senderName, WhatsAppPadding.Pad(new Message { Conversation = "after the full disk" }.ToByteArray(), SecureRandomSource.Instance), None);
        await sender.Store.CommitAsync(skmsg.Changes, None);
        var stanza = new Node("message", NodeAttributes.Of(("id", "g2"), ("from", group), ("participant", Peer + "@s.whatsapp.net"), ("t", "1779285900"), ("notify", "Peer")), [
            pairwise,
            new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "skmsg")), skmsg.Ciphertext),
        ]);

        receiver.Store.FailNextSave = true;
        await Assert.ThrowsAsync<IOException>(() => receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None));
        Assert.Null(await receiver.Store.FindInChatAsync(group, "g2", None));

        // Redelivered (nothing was acked): stored once, receipted.
        var answers = await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None);
        Assert.Equal("receipt", Assert.Single(answers).Tag);
        Assert.Equal("after the full disk", (await receiver.Store.FindInChatAsync(group, "g2", None))?.Body);

        // Delivered yet again (the receipt was lost): receipted, stored nowhere twice.
        Assert.Equal("receipt", Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None)).Tag);
        Assert.Single(await receiver.Store.HistoryAsync(group, 10, None));
    }

    [Fact]
    public async Task R15_a_placeholder_resend_from_anyone_but_our_own_phone_is_not_stored()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var forged = new WebMessageInfo
        {
            Key = new MessageKey { RemoteJid = "15550000077@s.whatsapp.net", FromMe = false, Id = "forged1" },
            Message = new Message { Conversation = "words put in someone's mouth" },
            MessageTimestamp = 1_779_285_900,
        };
        var response = new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.PeerDataOperationRequestResponseMessage,
                PeerDataOperationRequestResponseMessage = new Message.Types.PeerDataOperationRequestResponseMessage
                {
                    PeerDataOperationResult = { new Message.Types.PeerDataOperationRequestResponseMessage.Types.PeerDataOperationResult { PlaceholderMessageResendResponse = new() { WebMessageInfoBytes = forged.ToByteString() } } },
                },
            },
        };
        var stanza = new Node("message", NodeAttributes.Of(("id", "pdo1"), ("from", Peer + "@s.whatsapp.net"), ("t", "1779285900")), [await sender.EncryptAsync(response)]);

        var answer = Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None));

        Assert.Equal("receipt", answer.Tag);
        Assert.Null(await receiver.Store.FindAsync("forged1", None));
    }

    [Theory]
    [InlineData(null, 0, true)]
    [InlineData("", 13, true)]
    [InlineData("view_once_unavailable_fanout", 0, false)]
    [InlineData("bot_unavailable_fanout", 0, false)]
    [InlineData("hosted_unavailable_fanout", 0, false)]
    [InlineData("", 15, false)]
    public void R15_fanout_types_and_messages_older_than_14_days_are_not_asked_for(string? type, int daysOld, bool asked)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        Assert.Equal(asked, PlaceholderResender.ShouldRequest(type, now.AddDays(-daysOld), now));
    }

    [Fact]
    public void R15_the_request_goes_to_our_phone_as_a_peer_message_keyed_like_the_unavailable_message()
    {
        var unavailable = MessageStanzas.Parse(new Node("message", NodeAttributes.Of(("id", "u1"), ("from", Peer + ":3@s.whatsapp.net"), ("t", "1779285900"), ("type", "text")),
            [new Node("unavailable", NodeAttributes.Of(("type", "view_once_unavailable_fanout")))]));
        Assert.Equal("view_once_unavailable_fanout", unavailable.Unavailable);
        Assert.Empty(unavailable.Parts);

        var key = PlaceholderResender.KeyOf(unavailable, Jid.Parse(Me));
        Assert.Equal((Peer + "@s.whatsapp.net", false, "u1"), (key.RemoteJid, key.FromMe, key.Id));
        Assert.False(key.HasParticipant);
    }

    [Fact]
    public async Task R7_a_message_that_decrypts_but_is_not_a_protobuf_is_nacked_491_and_nothing_is_stored()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var stanza = new Node("message", NodeAttributes.Of(("id", "bad1"), ("from", Peer + "@s.whatsapp.net"), ("t", "1779285900")),
            [await sender.EncryptBytesAsync([0xFF, 0xFF, 0xFF, 0x07])]);

        var answer = Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None));

        Assert.Equal("ack", answer.Tag);
        Assert.Equal("message", answer.Attr("class"));
        Assert.Equal("bad1", answer.Attr("id"));
        Assert.Equal("491", answer.Attr("error"));
        Assert.Null(await receiver.Store.FindAsync("bad1", None));

        // The ratchet step stood: the conversation goes on.
        await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(await sender.PairwiseAsync("m2", "still talking")), receiver.Credentials, None);
        Assert.Equal("still talking", (await receiver.Store.FindAsync("m2", None))!.Body);
    }

    [Fact]
    public async Task R7_an_undecryptable_message_gets_a_retry_receipt_and_an_ack_and_after_the_last_retry_the_give_up_nack_487()
    {
        await using var receiver = await Receiver.OpenAsync();
        var sender = await Sender.CreateAsync(receiver);
        var good = await sender.PairwiseAsync("lost", "never readable");
        var enc = good.RequiredChild("enc");
        var broken = enc.ContentBytes().ToArray();
        broken[^1] ^= 0xFF;
        var stanza = new Node("message", good.Attributes, [new Node("enc", enc.Attributes, broken)]);

        var retries = new LineOptions { ServerUrl = new Uri("ws://127.0.0.1:1/"), TrustedRootKey = new byte[32] }.MaxRetries;
        for (var attempt = 1; attempt <= retries; attempt++)
        {
            var answers = await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None);
            Assert.Equal(["receipt", "ack"], answers.Select(a => a.Tag));
            Assert.Equal("retry", answers[0].Attr("type"));
            Assert.Equal("message", answers[1].Attr("class"));
            Assert.Null(answers[1].Attr("error"));
        }

        var last = Assert.Single(await receiver.Messaging.ReceiveAsync(MessageStanzas.Parse(stanza), receiver.Credentials, None));
        Assert.Equal("ack", last.Tag);
        Assert.Equal("487", last.Attr("error"));
        Assert.Null(await receiver.Store.FindAsync("lost", None));
    }

    /// <summary>Our line: a real SQLite line database whose message store can be told to fail once.</summary>
    internal sealed class Receiver : IAsyncDisposable
    {
        private readonly TempFolder _folder;
        private readonly LineDatabase _database;

        private Receiver(TempFolder folder, LineDatabase database, DeviceCredentials credentials, FlakyMessageStore store, SqliteSignalStore signal)
        {
            _folder = folder;
            _database = database;
            Credentials = credentials;
            Store = store;
            Signal = signal;
            Messaging = new MessageDecryptor(new LineId(1), new LineOptions { ServerUrl = new Uri("ws://127.0.0.1:1/"), TrustedRootKey = new byte[32] }, signal, store, new SignalKeyGenerator(), new IdentityTrust(signal, NullLogger.Instance), Events, TimeProvider.System, NullLogger.Instance);
        }

        public DeviceCredentials Credentials { get; }

        public LineDatabase Database => _database;

        public FlakyMessageStore Store { get; }

        public SqliteSignalStore Signal { get; }

        public LineEventHub Events { get; } = new();

        public MessageDecryptor Messaging { get; }

        public PreKeyRecord PreKey { get; private set; } = null!;

        public static async Task<Receiver> OpenAsync()
        {
            var folder = new TempFolder();
            var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), None);
            var generator = new SignalKeyGenerator();
            var credentials = DeviceCredentials.Create(generator) with { Me = Me };
            var signal = new SqliteSignalStore(database);
            await signal.Identities.SaveLocalIdentityAsync(credentials.SignalIdentity, None);
            await signal.SignedPreKeys.StoreSignedPreKeyAsync(credentials.SignedPreKey, None);
            var preKey = generator.GeneratePreKeys(1, 1)[0];
            await signal.PreKeys.StorePreKeysAsync([preKey], None);
            return new Receiver(folder, database, credentials, new FlakyMessageStore(new SqliteMessageStore(database)), signal) { PreKey = preKey };
        }

        public PreKeyBundle Bundle() => new(
            Credentials.RegistrationId, 2, Credentials.IdentityKey.PublicKey, Credentials.SignedPreKey.Id,
            Credentials.SignedPreKey.KeyPair.PublicKey, Credentials.SignedPreKey.Signature, PreKey.Id, PreKey.KeyPair.PublicKey);

        public ValueTask DisposeAsync()
        {
            _database.Dispose();
            _folder.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The peer: Signal state in memory, a session with our device built from its bundle.</summary>
    internal sealed class Sender(InMemorySignalStore store)
    {
        private static readonly SignalAddress Ours = SignalAddress.ForUser("15550000001", 2);

        public InMemorySignalStore Store => store;

        public static async Task<Sender> CreateAsync(Receiver receiver)
        {
            var store = new InMemorySignalStore();
            var generator = new SignalKeyGenerator();
            await store.Identities.SaveLocalIdentityAsync(generator.GenerateIdentity(), None);
            var cipher = new SessionCipher(store);
            await store.CommitAsync(await cipher.ProcessPreKeyBundleAsync(Ours, receiver.Bundle(), None), None);
            return new Sender(store);
        }

        public Task<Node> EncryptAsync(Message message) => EncryptBytesAsync(message.ToByteArray());

        public async Task<Node> EncryptBytesAsync(byte[] plaintext)
        {
            var encrypted = await new SessionCipher(store).EncryptAsync(Ours, WhatsAppPadding.Pad(plaintext, SecureRandomSource.Instance), None);
            await store.CommitAsync(encrypted.Changes, None);
            return new Node("enc", NodeAttributes.Of(("v", "2"), ("type", encrypted.Type == SignalMessageType.PreKey ? "pkmsg" : "msg")), encrypted.Ciphertext);
        }

        public async Task<Node> PairwiseAsync(string id, string text) =>
            new("message", NodeAttributes.Of(("id", id), ("from", Peer + "@s.whatsapp.net"), ("t", "1779285900"), ("notify", "Peer")),
                [await EncryptAsync(new Message { Conversation = text })]);
    }

    /// <summary>The line's SQLite message store, failing its next inbound save on request (a crash at the storage seam).</summary>
    internal sealed class FlakyMessageStore(SqliteMessageStore inner) : IMessageStore
    {
        public bool FailNextSave { get; set; }

        public Task<bool> SaveInboundAsync(ISignalStoreTransaction? transaction, MessageRecord message, CancellationToken cancellationToken)
        {
            if (FailNextSave)
            {
                FailNextSave = false;
                throw new IOException("disk unplugged (test)");
            }

            return inner.SaveInboundAsync(transaction, message, cancellationToken);
        }

        public Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, CancellationToken cancellationToken) => inner.SaveOutboundAsync(message, toJid, expiresAt, cancellationToken);

        public Task<IReadOnlyList<OutboundEntry>> PendingOutboundAsync(CancellationToken cancellationToken) => inner.PendingOutboundAsync(cancellationToken);

        public Task MarkSendingAsync(string msgId, DateTimeOffset at, CancellationToken cancellationToken) => inner.MarkSendingAsync(msgId, at, cancellationToken);

        public Task<bool> UpdateStatusAsync(string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken) => inner.UpdateStatusAsync(msgId, status, error, at, cancellationToken);

        public Task<MessageRecord?> FindAsync(string msgId, CancellationToken cancellationToken) => inner.FindAsync(msgId, cancellationToken);

        public Task<MessageRecord?> FindInChatAsync(string chatJid, string msgId, CancellationToken cancellationToken) => inner.FindInChatAsync(chatJid, msgId, cancellationToken);

        public Task<IReadOnlyList<ChatSummary>> ListChatsAsync(int limit, CancellationToken cancellationToken) => inner.ListChatsAsync(limit, cancellationToken);

        public Task<IReadOnlyList<MessageRecord>> HistoryAsync(string chatJid, int limit, CancellationToken cancellationToken) => inner.HistoryAsync(chatJid, limit, cancellationToken);

        public Task<IReadOnlyList<MessageRecord>> RecentAsync(int limit, CancellationToken cancellationToken) => inner.RecentAsync(limit, cancellationToken);

        public Task MarkChatReadAsync(string chatJid, CancellationToken cancellationToken) => inner.MarkChatReadAsync(chatJid, cancellationToken);

        public Task SaveLidMappingAsync(string lidJid, string pnJid, CancellationToken cancellationToken) => inner.SaveLidMappingAsync(lidJid, pnJid, cancellationToken);

        public Task<string?> FindPnForLidAsync(string lidJid, CancellationToken cancellationToken) => inner.FindPnForLidAsync(lidJid, cancellationToken);

        public Task<string?> FindLidForPnAsync(string pnJid, CancellationToken cancellationToken) => inner.FindLidForPnAsync(pnJid, cancellationToken);

        public Task<DeviceList?> GetDeviceListAsync(string userJid, CancellationToken cancellationToken) => inner.GetDeviceListAsync(userJid, cancellationToken);

        public Task SaveDeviceListAsync(DeviceList devices, CancellationToken cancellationToken) => inner.SaveDeviceListAsync(devices, cancellationToken);

        public Task ForgetDeviceListAsync(string userJid, CancellationToken cancellationToken) => inner.ForgetDeviceListAsync(userJid, cancellationToken);

        public Task<PrivacyTokenState?> GetPrivacyTokenAsync(string contactJid, CancellationToken cancellationToken) => inner.GetPrivacyTokenAsync(contactJid, cancellationToken);

        public Task SavePrivacyTokenAsync(string contactJid, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
            inner.SavePrivacyTokenAsync(contactJid, token, timestamp, cancellationToken);

        public Task SaveTokenIssuedAsync(string contactJid, DateTimeOffset issuedAt, CancellationToken cancellationToken) => inner.SaveTokenIssuedAsync(contactJid, issuedAt, cancellationToken);
    }
}
