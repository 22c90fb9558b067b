using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Storage;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Storage;
using WaEngine.Store;
using WaEngine.Store.Signal;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// The primary devices (device 0) of the virtual phones: full Signal participants running the engine's own Signal
/// code. They decrypt what is sent to them (and answer with delivery receipts, or retry receipts when a decrypt fails),
/// and send text or any Message to other accounts, fanned out to every device of the recipient and to the phone's own
/// companions (wrapped as device-sent messages).
/// </summary>
public sealed partial class VirtualPhones : IPrimaryDevice, IDisposable
{
    private const int InitialPreKeys = 200;
    private readonly string _folder;
    private readonly SandboxDatabase _database;
    private readonly AccountRegistry _accounts;
    private readonly DeviceKeyStore _keys;
    private readonly SandboxNetwork _network;
    private readonly TimeProvider _time;
    private readonly ILogger<VirtualPhones> _logger;
    private readonly SignalKeyGenerator _generator = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(LineDatabase Database, SqliteSignalStore Store)>>> _stores = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<(string Phone, string Id), SentMessage> _sent = new();
    private readonly ConcurrentQueue<(string Phone, string Id)> _sentOrder = new();
    private readonly PhoneGroups? _groups;
    private long _receivedSeq;

    /// <summary>Creates the phones over the sandbox's stores; each phone's Signal state lives in <c>phones/&lt;phone&gt;.db</c>.</summary>
    public VirtualPhones(string dataFolder, SandboxDatabase database, AccountRegistry accounts, DeviceKeyStore keys, SandboxNetwork network, TimeProvider time, ILogger<VirtualPhones> logger)
    {
        _folder = Path.Combine(dataFolder, "phones");
        Directory.CreateDirectory(_folder);
        _database = database;
        _accounts = accounts;
        _keys = keys;
        _network = network;
        _time = time;
        _logger = logger;
        _receivedSeq = time.GetUtcNow().ToUnixTimeMilliseconds();
        _groups = network.Groups is not null
            ? new PhoneGroups(database, accounts, keys, network, StoreAsync, Gate, () => Interlocked.Increment(ref _receivedSeq), time, logger)
            : null;
    }

    /// <summary>
    /// Sends <paramref name="message"/> from the phone to the group <paramref name="groupJid"/> with its sender key (see
    /// <see cref="PhoneGroups"/>); returns the message id.
    /// </summary>
    public async Task<string> SendToGroupAsync(SandboxAccount from, string groupJid, Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(groupJid);
        var groups = _network.Groups ?? throw new SandboxInputException("This sandbox keeps no groups.", 404, "to");
        var id = groupJid.EndsWith("@g.us", StringComparison.Ordinal) ? groupJid[..^5] : groupJid;
        var group = await groups.Store.FindAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxInputException($"No group {groupJid} in the sandbox.", 404, "to");
        if (group.Member(from.Phone) is null)
        {
            throw new SandboxInputException($"Phone {from.Phone} is not a participant of {groupJid}.", 403, "to");
        }

        return await _groups!.SendAsync(from, group, message, cancellationToken).ConfigureAwait(false);
    }

    private SemaphoreSlim Gate(string phone) => _locks.GetOrAdd(phone, _ => new SemaphoreSlim(1, 1));

    /// <summary>Gives a phone its Signal keys (identity = the account key) and publishes its prekeys, once.</summary>
    public async Task EnsureKeysAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        var store = await StoreAsync(account.Phone, cancellationToken).ConfigureAwait(false);
        if (await store.Identities.GetLocalIdentityAsync(cancellationToken).ConfigureAwait(false) is not null
            && await _keys.FindAsync(account.Phone, 0, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var identity = new SignalIdentity(new KeyPair(account.IdentityPublic, account.IdentityPrivate), (uint)account.RegistrationId);
        await store.Identities.SaveLocalIdentityAsync(identity, cancellationToken).ConfigureAwait(false);
        var signed = _generator.GenerateSignedPreKey(identity, 1);
        await store.SignedPreKeys.StoreSignedPreKeyAsync(signed, cancellationToken).ConfigureAwait(false);
        var preKeys = _generator.GeneratePreKeys(1, InitialPreKeys);
        await store.PreKeys.StorePreKeysAsync(preKeys, cancellationToken).ConfigureAwait(false);
        await _keys.UploadAsync(account.Phone, 0,
            new DeviceKeys(account.RegistrationId, account.IdentityPublic, signed.Id, signed.KeyPair.PublicKey, signed.Signature),
            preKeys.Select(p => ((int)p.Id, p.KeyPair.PublicKey)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The phone is reinstalled: its companions are unlinked, its account gets a new identity, its Signal state starts
    /// afresh (new prekeys published, every session gone), and the accounts in contact with it are told (R16).
    /// </summary>
    /// <returns>The account with its new identity.</returns>
    public async Task<SandboxAccount> ReinstallAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var gate = _locks.GetOrAdd(account.Phone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        SandboxAccount changed;
        try
        {
            foreach (var companion in account.Devices.Where(d => d.DeviceId != 0 && !d.IsHosted))
            {
                await _network.RemoveDeviceAsync(account.Phone, companion.DeviceId, cancellationToken).ConfigureAwait(false);
            }

            changed = await _accounts.ResetIdentityAsync(account.Phone, cancellationToken).ConfigureAwait(false)
                ?? throw new SandboxInputException($"No account with phone {account.Phone}.", 404, "phone");
            if (_stores.TryRemove(account.Phone, out var old))
            {
                (await old.Value.ConfigureAwait(false)).Database.Dispose();
            }

            var path = Path.Combine(_folder, account.Phone + ".db");
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            await EnsureKeysAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        // The phones in contact are told too: they drop their sessions with it and trust its new identity.
        foreach (var contact in _network.PrivacyTokens.ContactsOf(changed.Phone))
        {
            var contactGate = _locks.GetOrAdd(contact, _ => new SemaphoreSlim(1, 1));
            await contactGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var store = await StoreAsync(contact, cancellationToken).ConfigureAwait(false);
                foreach (var address in new[] { SignalAddress.ForUser(changed.Phone, 0), SignalAddress.ForUser(changed.Lid, SignalAddress.LidDomainType, 0) })
                {
                    await store.Sessions.DeleteSessionAsync(address, cancellationToken).ConfigureAwait(false);
                    await store.Identities.SaveRemoteIdentityAsync(address, changed.IdentityPublic, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                contactGate.Release();
            }
        }

        await _network.NotifyIdentityChangedAsync(changed, _accounts, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>
    /// The account turns on a hosted (Cloud API) device, id 99: its keys are made and published and usync lists it
    /// <c>is_hosted</c> from now on (R4). It never connects; what reaches it is recorded by <see cref="SandboxNetwork.HostedDevices"/>.
    /// </summary>
    /// <returns>The account with its hosted device.</returns>
    public async Task<SandboxAccount> AddHostedDeviceAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Devices.Any(d => d.IsHosted))
        {
            throw new SandboxInputException($"Account {account.Phone} has a hosted device already.", 409, "phone");
        }

        var identity = new SignalIdentity(Curve25519.GenerateKeyPair(), (uint)RandomNumberGenerator.GetInt32(1, 16381));
        var signed = _generator.GenerateSignedPreKey(identity, 1);
        var preKeys = _generator.GeneratePreKeys(1, InitialPreKeys);
        await _keys.UploadAsync(account.Phone, HostedDevice.Id,
            new DeviceKeys(identity.RegistrationId, identity.KeyPair.PublicKey, signed.Id, signed.KeyPair.PublicKey, signed.Signature),
            preKeys.Select(p => ((int)p.Id, p.KeyPair.PublicKey)).ToList(), cancellationToken).ConfigureAwait(false);
        var (_, keyIndex) = await _accounts.NextCompanionSlotAsync(account.Phone, cancellationToken).ConfigureAwait(false);
        await _accounts.AddCompanionAsync(account.Phone, HostedDevice.Id, keyIndex, RandomNumberGenerator.GetBytes(32), "hosted", cancellationToken).ConfigureAwait(false);
        return (await _accounts.FindAsync(account.Phone, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Sends <paramref name="message"/> from the phone to <paramref name="to"/>; returns the message id. With
    /// <paramref name="unavailable"/> the recipient's companions get the message as <c>&lt;unavailable&gt;</c> (of that
    /// type, none when empty) instead of a ciphertext, as WhatsApp delivers what a sender did not encrypt for them
    /// (SERVER-RULES R15); the recipient's phone gets it whole and resends it when a companion asks.
    /// </summary>
    public async Task<string> SendAsync(SandboxAccount from, SandboxAccount to, Message message, CancellationToken cancellationToken, string? unavailable = null)
    {
        var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var participants = new List<Node>();
        var gate = _locks.GetOrAdd(from.Phone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plain = message.ToByteArray();
            foreach (var device in to.Devices)
            {
                participants.Add(unavailable is not null && device.DeviceId != 0
                    ? PlaceholderResends.Unavailable(DeviceJid.Format(to.Phone, device.DeviceId), unavailable)
                    : await EncryptForAsync(from, to, device.DeviceId, plain, cancellationToken).ConfigureAwait(false));
            }

            var sent = new Message
            {
                DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = to.Jid, Message = message },
            }.ToByteArray();
            foreach (var device in from.Devices.Where(d => d.DeviceId != 0 && !d.IsHosted))
            {
                participants.Add(await EncryptForAsync(from, from, device.DeviceId, sent, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            gate.Release();
        }

        var type = MessageContent.KindOf(message) switch
        {
            "reaction" => "reaction",
            "poll" or "poll_vote" => "poll",
            _ => "text",
        };
        var attributes = new List<(string, string)> { ("to", to.Jid), ("id", id), ("type", type) };
        if (message.ProtocolMessage is { Type: Message.Types.ProtocolMessage.Types.Type.Revoke })
        {
            attributes.Add(("edit", "7"));
        }
        else if (message.ProtocolMessage is { Type: Message.Types.ProtocolMessage.Types.Type.MessageEdit } || message.EditedMessage is not null)
        {
            attributes.Add(("edit", "1"));
        }

        // A phone holds its account's NCT salt, so its first message to a stranger carries a cstoken (R2).
        var stanza = new Node("message", NodeAttributes.Of([.. attributes]), [
            new Node("participants", null, participants),
            new Node("cstoken", null, _network.PrivacyTokens.CsToken(from, to)),
            .. MessageContent.PollTypeOf(message) is { } pollType ? [new Node("meta", NodeAttributes.Of(("polltype", pollType)))] : Array.Empty<Node>(),
        ]);
        Remember(from.Phone, id, new SentMessage(to.Jid, message, type, [.. attributes.Where(a => a.Item1 == "edit")], _time.GetUtcNow().ToUnixTimeSeconds()));
        await _network.SendFromAsync(new ConnectedDevice(from, 0), stanza, _ => { }, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc />
    public async Task ReceiveAsync(SandboxAccount account, Node stanza, CancellationToken cancellationToken)
    {
        if (stanza.Tag == "receipt" && stanza.Attr("type") == "retry")
        {
            await ResendAsync(account, stanza, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (stanza.Tag == "receipt" && stanza.Attr("type") == "server-error")
        {
            await (MediaRetries?.AnswerAsync(account, stanza, cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            return;
        }

        if (stanza.Tag != "message")
        {
            return;
        }

        if (_groups is not null && stanza.Attr("from")?.EndsWith("@g.us", StringComparison.Ordinal) == true)
        {
            await _groups.ReceiveAsync(account, stanza, cancellationToken).ConfigureAwait(false);
            return;
        }

        var reader = new AttributeReader(stanza);
        var id = reader.String("id");
        var sender = reader.Jid("from");
        var t = reader.OptionalInt64("t") ?? _time.GetUtcNow().ToUnixTimeSeconds();
        reader.ThrowIfInvalid();
        var chat = stanza.Attr("recipient") ?? (sender with { Device = null }).ToString();
        var address = SignalAddress.ForUser(sender.User, sender.Server == JidServers.Lid ? SignalAddress.LidDomainType : 0, sender.Device ?? 0);
        var peer = await _accounts.FindByJidAsync(sender with { Device = null }, cancellationToken).ConfigureAwait(false);

        var fromCompanion = sender.Device is > 0 && (sender.User == account.Phone || sender.User == account.Lid);
        var requests = new List<Message.Types.PeerDataOperationRequestMessage>();
        var gate = _locks.GetOrAdd(account.Phone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await StoreAsync(account.Phone, cancellationToken).ConfigureAwait(false);
            if (peer is not null)
            {
                // One session per device, under its LID, whether this stanza came by PN or by LID.
                address = await SessionAddressAsync(store, peer, (uint)(sender.Device ?? 0), cancellationToken).ConfigureAwait(false);
            }

            var cipher = new SessionCipher(store, _generator);
            foreach (var enc in stanza.ChildrenNamed("enc"))
            {
                var type = enc.Attr("type") switch
                {
                    "pkmsg" => SignalMessageType.PreKey,
                    "msg" => SignalMessageType.Whisper,
                    _ => (SignalMessageType?)null,
                };
                if (type is null)
                {
                    continue;
                }

                try
                {
                    var result = await cipher.DecryptAsync(address, type.Value, enc.Bytes, cancellationToken).ConfigureAwait(false);
                    var message = MessageContent.Unwrap(Message.Parser.ParseFrom(WhatsAppPadding.Unpad(result.Plaintext)));
                    await store.CommitAsync(result.Changes, cancellationToken).ConfigureAwait(false);
                    if (fromCompanion && message.ProtocolMessage?.PeerDataOperationRequestMessage is { } request)
                    {
                        // A companion asks its phone for something (R15): answered below, once the phone's lock is free.
                        requests.Add(request);
                    }
                    else
                    {
                        await RecordAsync(account.Phone, id, sender.ToString(), chat, message, t, cancellationToken).ConfigureAwait(false);
                    }

                    await ReceiptAsync(account, stanza, sender, ReceiptTypeOf(stanza, fromCompanion), cancellationToken).ConfigureAwait(false);
                }
                catch (SignalException ex) when (ex.Kind == SignalErrorKind.Duplicate)
                {
                    await ReceiptAsync(account, stanza, sender, ReceiptTypeOf(stanza, fromCompanion), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SignalException or InvalidProtocolBufferException or CryptoException)
                {
                    LogDecryptFailed(account.Phone, id, ex.Message);
                    await ReceiptAsync(account, stanza, sender, "retry", cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            gate.Release();
        }

        foreach (var request in requests)
        {
            await AnswerPeerRequestAsync(account, sender, id, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A poll the phone sent or received, for voting on it: the poll message (with its secret), its creator's bare JID,
    /// its chat as the phone sees it, and whether the phone created it; null when the phone knows no such poll.
    /// </summary>
    public async Task<PhonePoll?> FindPollAsync(SandboxAccount account, string msgId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (_sent.TryGetValue((account.Phone, msgId), out var sent) && MessageContent.PollOf(sent.Message) is not null)
        {
            return new PhonePoll(sent.Message, account.Jid, sent.ToJid, FromMe: true);
        }

        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<(string From, string Chat, string Json)?>(
            "SELECT from_jid, chat_jid, message_json FROM phone_messages WHERE phone = @phone AND msg_id = @msgId",
            new { phone = account.Phone, msgId }).ConfigureAwait(false);
        if (row is not { } found || !Jid.TryParse(found.From, out var creator))
        {
            return null;
        }

        var message = PollJson.Parse<Message>(found.Json);
        return MessageContent.PollOf(message) is null ? null : new PhonePoll(message, (creator with { Device = null, Agent = null }).ToString(), found.Chat, FromMe: false);
    }

    private static readonly JsonParser PollJson = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Answers companions' media retry requests; set once the media host runs.</summary>
    public Media.PhoneMediaRetries? MediaRetries { get; set; }

    /// <summary>A message the phone sent or received (its companions' sends included), or null when it has none with that id.</summary>
    public async Task<Message?> FindMessageAsync(string phone, string msgId, CancellationToken cancellationToken)
    {
        if (_sent.TryGetValue((phone, msgId), out var sent))
        {
            return sent.Message;
        }

        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var json = await connection.QueryFirstOrDefaultAsync<string?>(
            "SELECT message_json FROM phone_messages WHERE phone = @phone AND msg_id = @msgId", new { phone, msgId }).ConfigureAwait(false);
        try
        {
            return json is null ? null : JsonParser.Default.Parse<Message>(json);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>What the phone received, oldest first.</summary>
    public async Task<IReadOnlyList<PhoneMessage>> ReceivedAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string MsgId, string From, string Chat, string Type, string? Body, string Json, long Timestamp, string? Participant)>(
            "SELECT msg_id, from_jid, chat_jid, type, body, message_json, timestamp, participant FROM phone_messages WHERE phone = @phone ORDER BY received_seq",
            new { phone }).ConfigureAwait(false);
        return rows.Select(r => new PhoneMessage(r.MsgId, r.From, r.Chat, r.Type, r.Body, System.Text.Json.Nodes.JsonNode.Parse(r.Json), r.Timestamp) { Participant = r.Participant }).ToList();
    }

    /// <summary>
    /// Which of the <paramref name="wanted"/> messages (a phone and a message id each) their phones have received: one
    /// query for many phones, so a bench driver waiting for hundreds of first messages does not load the sandbox with a
    /// request per phone.
    /// </summary>
    public async Task<IReadOnlyList<string>> ArrivedAsync(IReadOnlyCollection<(string Phone, string MsgId)> wanted, CancellationToken cancellationToken)
    {
        var arrived = new List<string>(wanted.Count);
        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in wanted.Chunk(400))
        {
            var pairs = chunk.Select(w => w.Phone + "\n" + w.MsgId).ToHashSet(StringComparer.Ordinal);
            var rows = await connection.QueryAsync<(string Phone, string MsgId)>(
                "SELECT phone, msg_id FROM phone_messages WHERE phone IN @phones AND msg_id IN @ids",
                new { phones = chunk.Select(w => w.Phone).Distinct().ToList(), ids = chunk.Select(w => w.MsgId).Distinct().ToList() }).ConfigureAwait(false);
            arrived.AddRange(rows.Where(r => pairs.Contains(r.Phone + "\n" + r.MsgId)).Select(r => r.MsgId));
        }

        return arrived;
    }

    /// <summary>The phone reads messages: a read receipt goes to each sender (<c>read-self</c>, reaching nobody else, when the account's read receipts are off).</summary>
    public async Task<int> MarkReadAsync(SandboxAccount account, IReadOnlyCollection<string> msgIds, CancellationToken cancellationToken)
    {
        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<(string MsgId, string From, string? Participant)>(
            "SELECT msg_id, from_jid, participant FROM phone_messages WHERE phone = @phone AND msg_id IN @msgIds", new { phone = account.Phone, msgIds }).ConfigureAwait(false)).ToList();
        foreach (var group in rows.GroupBy(r => (r.From, r.Participant)))
        {
            var ids = group.Select(r => r.MsgId).ToList();
            var type = _network.ReadReceipts.Of(account.Phone) == Conversations.ReadReceiptSettings.None ? "read-self" : "read";
            var pairs = new List<(string, string)> { ("id", ids[0]), ("to", group.Key.From), ("type", type), ("t", _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)) };
            if (group.Key.Participant is { } participant)
            {
                // A group message's read receipt names its sender (the chat is the group).
                pairs.Add(("participant", participant));
            }

            var attributes = NodeAttributes.Of([.. pairs]);
            var receipt = ids.Count == 1
                ? new Node("receipt", attributes)
                : new Node("receipt", attributes, [new Node("list", null, ids.Skip(1).Select(i => new Node("item", NodeAttributes.Of(("id", i)))))]);
            await _network.SendReceiptFromAsync(new ConnectedDevice(account, 0), receipt, cancellationToken).ConfigureAwait(false);
        }

        return rows.Count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var entry in _stores.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                entry.Value.Result.Database.Dispose();
            }
        }
    }

    // R14: what a device of the account sends its own phone as a peer message is receipted peer_msg.
    // The receipt a phone sends for what it decrypted: peer_msg for a companion's peer message, sender for the copy of
    // a message its own account sent from another device (Baileys' handleMessage and whatsmeow send "sender" there: it
    // tells the sending device one of its own devices has the copy, never that the recipient has it), else a delivery.
    private static string? ReceiptTypeOf(Node stanza, bool fromCompanion) =>
        stanza.Attr("category") == "peer" ? "peer_msg" : fromCompanion ? "sender" : null;

    /// <summary>
    /// A companion's peer data operation request: for a placeholder resend the phone looks up each message it has and
    /// sends the companion a <c>peer_data_operation_request_response_message</c> carrying it as a WebMessageInfo (R15).
    /// Other requests, and messages the phone does not have, go unanswered, as the phone leaves them.
    /// </summary>
    private async Task AnswerPeerRequestAsync(SandboxAccount account, Jid companion, string requestId, Message.Types.PeerDataOperationRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.PeerDataOperationRequestType != Message.Types.PeerDataOperationRequestType.PlaceholderMessageResend)
        {
            LogPeerRequestIgnored(account.Phone, request.PeerDataOperationRequestType.ToString());
            return;
        }

        var ids = request.PlaceholderMessageResendRequest.Select(r => r.MessageKey?.Id).OfType<string>().ToList();
        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<(string MsgId, string From, string Chat, string Json, long Timestamp)>(
            "SELECT msg_id, from_jid, chat_jid, message_json, timestamp FROM phone_messages WHERE phone = @phone AND msg_id IN @ids",
            new { phone = account.Phone, ids }).ConfigureAwait(false)).ToList();
        var found = new List<PlaceholderResends.Held>();
        foreach (var row in rows)
        {
            var known = Jid.TryParse(row.From, out var author);
            var fromMe = known && (author.User == account.Phone || author.User == account.Lid);
            var pushName = !known || fromMe ? null : (await _accounts.FindByJidAsync(author with { Device = null }, cancellationToken).ConfigureAwait(false))?.PushName;
            found.Add(new PlaceholderResends.Held(row.MsgId, row.Chat, fromMe, JsonParser.Default.Parse<Message>(row.Json), row.Timestamp, pushName));
        }

        LogPlaceholderResend(account.Phone, companion.ToString(), found.Count, ids.Count);
        if (found.Count == 0)
        {
            return;
        }

        await SendPeerAsync(account, companion.Device ?? 0, PlaceholderResends.Response(requestId, found), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A peer message from the phone to one of its own companions (<c>category="peer"</c>).</summary>
    private async Task SendPeerAsync(SandboxAccount account, int deviceId, Message message, CancellationToken cancellationToken)
    {
        Node participant;
        var gate = _locks.GetOrAdd(account.Phone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            participant = await EncryptForAsync(account, account, deviceId, message.ToByteArray(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var stanza = new Node("message", NodeAttributes.Of(("to", account.Jid), ("id", id), ("type", "text"), ("category", "peer"), ("push_priority", "high_force")),
            [new Node("participants", null, [participant])]);
        await _network.SendFromAsync(new ConnectedDevice(account, 0), stanza, _ => { }, cancellationToken).ConfigureAwait(false);
    }

    private Task<Node> EncryptForAsync(SandboxAccount from, SandboxAccount to, int deviceId, byte[] plain, CancellationToken cancellationToken, PreKeyBundle? fresh = null) =>
        EncryptForAsync(from, to, deviceId, plain, null, cancellationToken, fresh);

    // With staged, the ratchet steps are laid over the phone's store for one commit later (PhoneLoad), not committed each.
    private async Task<Node> EncryptForAsync(SandboxAccount from, SandboxAccount to, int deviceId, byte[] plain, StagedSignalStore? staged, CancellationToken cancellationToken, PreKeyBundle? fresh = null)
    {
        var store = await StoreAsync(from.Phone, cancellationToken).ConfigureAwait(false);
        ISignalStore view = staged is null ? store : staged;
        var cipher = new SessionCipher(view, _generator);
        var address = await SessionAddressAsync(store, to, (uint)deviceId, cancellationToken).ConfigureAwait(false);
        if (fresh is not null)
        {
            // A retry receipt with keys: the device starts over, so the phone builds a new session from them.
            await CommitOrStageAsync(await cipher.ProcessPreKeyBundleAsync(address, fresh, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else if (await view.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
        {
            var bundle = await _keys.TakeBundleAsync(to.Phone, deviceId, cancellationToken).ConfigureAwait(false)
                ?? throw new SandboxInputException($"Device {to.Phone}:{deviceId} has published no keys.", 409, "to");
            var setup = await cipher.ProcessPreKeyBundleAsync(address, new PreKeyBundle(
                (uint)bundle.Keys.RegistrationId, (uint)deviceId, bundle.Keys.Identity, (uint)bundle.Keys.SignedPreKeyId,
                bundle.Keys.SignedPreKeyPublic, bundle.Keys.SignedPreKeySignature, bundle.PreKey is { } p ? (uint)p.Id : null, bundle.PreKey?.Public), cancellationToken).ConfigureAwait(false);
            await CommitOrStageAsync(setup).ConfigureAwait(false);
        }

        var encrypted = await cipher.EncryptAsync(address, WhatsAppPadding.Pad(plain, SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await CommitOrStageAsync(encrypted.Changes).ConfigureAwait(false);
        var deviceJid = DeviceJid.Format(HostedDevice.Of(new Jid(to.Phone, JidServers.WhatsApp), deviceId));
        var type = encrypted.Type == SignalMessageType.PreKey ? "pkmsg" : "msg";
        return new Node("to", NodeAttributes.Of(("jid", deviceJid)), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", type)), encrypted.Ciphertext)]);

        async Task CommitOrStageAsync(SignalStateChange change)
        {
            if (staged is null)
            {
                await store.CommitAsync(change, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                staged.Stage(change);
            }
        }
    }

    private async Task RecordAsync(string phone, string id, string from, string chat, Message message, long t, CancellationToken cancellationToken)
    {
        await using var connection = await _database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var insert = connection.Statement(
            """
            INSERT OR IGNORE INTO phone_messages (phone, msg_id, from_jid, chat_jid, type, body, message_json, timestamp, received_seq)
            VALUES (@phone, @id, @from, @chat, @type, @body, @json, @t, @seq)
            """,
            null)
            .Bind("@phone", phone).Bind("@id", id).Bind("@from", from).Bind("@chat", chat).Bind("@type", MessageContent.KindOf(message))
            .Bind("@body", MessageContent.BodyOf(message)).Bind("@json", WaEngine.Engine.Messaging.Kinds.MessageJson.Format(message)).Bind("@t", t)
            .Bind("@seq", Interlocked.Increment(ref _receivedSeq));
        insert.Execute(cancellationToken);
    }

    private async Task ReceiptAsync(SandboxAccount account, Node message, Jid from, string? type, CancellationToken cancellationToken)
    {
        var attributes = new List<(string, string)> { ("id", message.Attr("id")!), ("to", from.ToString()) };
        if (type is not null)
        {
            attributes.Add(("type", type));
        }

        if (message.Attr("recipient") is { } recipient)
        {
            attributes.Add(("recipient", recipient));
        }

        var children = type == "retry"
            ? new List<Node>
            {
                new("retry", NodeAttributes.Of(("count", "1"), ("id", message.Attr("id")!), ("t", message.Attr("t") ?? "0"), ("v", "1"))),
                new("registration", null, ServerNodes.Id32(account.RegistrationId)),
            }
            : [];
        var receipt = children.Count == 0 ? new Node("receipt", NodeAttributes.Of([.. attributes])) : new Node("receipt", NodeAttributes.Of([.. attributes]), children);
        await _network.SendReceiptFromAsync(new ConnectedDevice(account, 0), receipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A device could not decrypt a message this phone sent and asked for it again (a retry receipt), as a real phone
    /// answers: the message encrypted anew for that one device only, in the reference shape (one top-level enc with the
    /// retry count, <c>device_fanout="false"</c>, the original id and time). The phone keeps its recent sends for this.
    /// </summary>
    private async Task ResendAsync(SandboxAccount account, Node receipt, CancellationToken cancellationToken)
    {
        if (_groups is not null && receipt.Attr("from")?.EndsWith("@g.us", StringComparison.Ordinal) == true)
        {
            await _groups.ResendAsync(account, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var id = receipt.Attr("id");
        if (id is null || !Jid.TryParse(receipt.Attr("from") ?? "", out var device) || device.Device is not (> 0 and var deviceId))
        {
            return;
        }

        if (!_sent.TryGetValue((account.Phone, id), out var sent))
        {
            LogRetryUnknown(account.Phone, id, device.ToString());
            return;
        }

        var requester = await _accounts.FindByJidAsync(device with { Device = null }, cancellationToken).ConfigureAwait(false);
        if (requester is null || requester.Devices.All(d => d.DeviceId != deviceId))
        {
            return;
        }

        // The phone's own companion gets what it got the first time: the device-sent copy.
        var own = requester.Phone == account.Phone;
        var plain = own
            ? new Message { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = sent.ToJid, Message = sent.Message } }.ToByteArray()
            : sent.Message.ToByteArray();
        var count = receipt.Child("retry")?.Attr("count") ?? "1";
        Node target;
        var gate = _locks.GetOrAdd(account.Phone, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            target = await EncryptForAsync(account, requester, deviceId, plain, cancellationToken, RetryKeysOf(receipt)).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        var enc = target.Child("enc")!;
        var attributes = new List<(string, string)>
        {
            ("to", target.Attr("jid")!), ("id", id), ("type", sent.Type), ("t", sent.T.ToString(CultureInfo.InvariantCulture)), ("device_fanout", "false"),
        };
        attributes.AddRange(sent.Extra);
        if (own)
        {
            attributes.Add(("recipient", sent.ToJid));
        }

        var resend = new Node("message", NodeAttributes.Of([.. attributes]),
            [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", enc.Attr("type")!), ("count", count)), enc.Bytes.ToArray())]);
        LogResent(account.Phone, id, target.Attr("jid")!, count);
        await _network.SendFromAsync(new ConnectedDevice(account, 0), resend, _ => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The fresh prekey bundle a retry receipt carries (the engine and whatsmeow add one from the second retry on), or
    /// null. A sender that has it starts a new session from it (W:retry.go handleRetryReceipt): a session the device can
    /// no longer decrypt heals instead of failing every retry until the device gives up (487).
    /// </summary>
    internal static PreKeyBundle? RetryKeysOf(Node receipt)
    {
        if (receipt.Child("keys") is null)
        {
            return null;
        }

        try
        {
            return WaEngine.Engine.Stanzas.Receipts.ReceiptStanzas.Parse(receipt).Keys;
        }
        catch (StanzaException)
        {
            // Malformed keys: answered as without them.
            return null;
        }
    }

    /// <summary>Keeps a sent message for retry receipts; the oldest are forgotten beyond <see cref="SentKept"/>.</summary>
    private void Remember(string phone, string id, SentMessage message)
    {
        _sent[(phone, id)] = message;
        _sentOrder.Enqueue((phone, id));
        while (_sentOrder.Count > SentKept && _sentOrder.TryDequeue(out var oldest))
        {
            _sent.TryRemove(oldest, out _);
        }
    }

    private const int SentKept = 20_000;

    /// <summary>A message a phone sent, as it can send it again.</summary>
    private sealed record SentMessage(string ToJid, Message Message, string Type, IReadOnlyList<(string, string)> Extra, long T);

    private async Task<SqliteSignalStore> StoreAsync(string phone, CancellationToken cancellationToken)
    {
        var lazy = _stores.GetOrAdd(phone, p => new Lazy<Task<(LineDatabase, SqliteSignalStore)>>(async () =>
        {
            // A phone's Signal state, not fsynced per message (like the sandbox's own database): kept through a kill of the process.
            var database = await LineDatabase.OpenAsync(Path.Combine(_folder, p + ".db"), SqliteSynchronous.Normal, CancellationToken.None).ConfigureAwait(false);
            return (database, new SqliteSignalStore(database));
        }));
        return (await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false)).Store;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} sent {Id} again to {Device} (retry {Count})")]
    private partial void LogResent(string phone, string id, string device, string count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} got a retry receipt from {Device} for {Id}, which it does not remember sending")]
    private partial void LogRetryUnknown(string phone, string id, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} answers {Companion}'s placeholder resend: {Found} of {Asked} message(s) found")]
    private partial void LogPlaceholderResend(string phone, string companion, int found, int asked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} leaves a peer data operation request of type {Type} unanswered")]
    private partial void LogPeerRequestIgnored(string phone, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} could not decrypt {Id}: {Reason}; sent a retry receipt")]
    private partial void LogDecryptFailed(string phone, string id, string reason);
}
