using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
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

    /// <summary>Our line: a real SQLite line database whose message store can be told to fail once.</summary>
    private sealed class Receiver : IAsyncDisposable
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
    private sealed class Sender(InMemorySignalStore store)
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

        public async Task<Node> EncryptAsync(Message message)
        {
            var encrypted = await new SessionCipher(store).EncryptAsync(Ours, WhatsAppPadding.Pad(message.ToByteArray(), SecureRandomSource.Instance), None);
            await store.CommitAsync(encrypted.Changes, None);
            return new Node("enc", NodeAttributes.Of(("v", "2"), ("type", encrypted.Type == SignalMessageType.PreKey ? "pkmsg" : "msg")), encrypted.Ciphertext);
        }

        public async Task<Node> PairwiseAsync(string id, string text) =>
            new("message", NodeAttributes.Of(("id", id), ("from", Peer + "@s.whatsapp.net"), ("t", "1779285900"), ("notify", "Peer")),
                [await EncryptAsync(new Message { Conversation = text })]);
    }

    /// <summary>The line's SQLite message store, failing its next inbound save on request (a crash at the storage seam).</summary>
    private sealed class FlakyMessageStore(SqliteMessageStore inner) : IMessageStore
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
