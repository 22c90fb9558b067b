using System.Collections.Concurrent;
using System.Security.Cryptography;
using Dapper;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Storage;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Groups;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Storage;
using WaEngine.Store.Signal;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// The virtual phones in groups, with sender keys as WhatsApp clients use them (Baileys relayMessage, whatsmeow
/// sendGroup): a phone's message to a group is one skmsg under its own sender key, plus its SKDM pairwise-encrypted
/// (in the group's address namespace) to every participant device that has not had it; the sender key is replaced when
/// a device that had it is no longer in the group. Group messages a phone receives are decrypted (an SKDM part first,
/// then the skmsg) and kept with <c>from</c> = the group and <c>participant</c> = the sender.
/// </summary>
internal sealed partial class PhoneGroups(
    SandboxDatabase database, AccountRegistry accounts, DeviceKeyStore keys, SandboxNetwork network,
    Func<string, CancellationToken, Task<SqliteSignalStore>> stores, Func<string, SemaphoreSlim> gates, Func<long> nextSeq, TimeProvider time, ILogger logger)
{
    private readonly SignalKeyGenerator _generator = new();
    private readonly ConcurrentDictionary<(string Phone, string Group), HashSet<string>> _distributed = new();
    private readonly ConcurrentDictionary<(string Phone, string Id), SentToGroup> _sent = new();
    private readonly ConcurrentQueue<(string Phone, string Id)> _sentOrder = new();

    /// <summary>How many group messages the phones keep for retry receipts.</summary>
    private const int SentKept = 5_000;

    /// <summary>Sends <paramref name="message"/> from the phone to the group; returns the id, or throws with the server's refusal.</summary>
    public async Task<string> SendAsync(SandboxAccount from, SandboxGroup group, Message message, CancellationToken cancellationToken)
    {
        var lid = group.Addressing == AddressingMode.Lid;
        var all = (await accounts.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Phone);
        var devices = GroupMembership.MembersOf(group, all)
            .SelectMany(a => a.Devices.Where(d => !d.IsHosted && !(a.Phone == from.Phone && d.DeviceId == 0)).Select(d => (Account: a, d.DeviceId)))
            .ToList();
        var name = new SenderKeyName(group.Jid, Address(from, 0, lid));
        var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var participants = new List<Node>();
        byte[] skmsg;
        var gate = gates(from.Phone);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await stores(from.Phone, cancellationToken).ConfigureAwait(false);
            var cipher = new GroupCipher(store, _generator);
            var had = _distributed.GetOrAdd((from.Phone, group.Jid), _ => []);
            var current = devices.Select(d => GroupNodes.DeviceJidOf(d.Account, d.DeviceId, lid)).ToHashSet();
            if (had.Any(jid => !current.Contains(jid)))
            {
                // Someone who had our key left: a new sender key, sent to everyone (as the reference clients rotate).
                await store.SenderKeys.StoreSenderKeyAsync(name, new SenderKeyRecord(), cancellationToken).ConfigureAwait(false);
                had.Clear();
            }

            var distribution = await cipher.CreateDistributionMessageAsync(name, cancellationToken).ConfigureAwait(false);
            await store.CommitAsync(distribution.Changes, cancellationToken).ConfigureAwait(false);
            var skdm = new Message
            {
                SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage
                {
                    GroupId = group.Jid,
                    AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message),
                },
            }.ToByteArray();
            foreach (var (account, deviceId) in devices)
            {
                var jid = GroupNodes.DeviceJidOf(account, deviceId, lid);
                if (had.Contains(jid))
                {
                    continue;
                }

                var part = await EncryptAsync(store, account, deviceId, lid, skdm, cancellationToken).ConfigureAwait(false);
                if (part is not null)
                {
                    participants.Add(part);
                    had.Add(jid);
                }
            }

            var encrypted = await cipher.EncryptAsync(name, WhatsAppPadding.Pad(message.ToByteArray(), SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
            await store.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
            skmsg = encrypted.Ciphertext;
        }
        finally
        {
            gate.Release();
        }

        var type = MessageContent.KindOf(message) == "reaction" ? "reaction" : "text";
        var attributes = new List<(string, string)>
        {
            ("to", group.Jid), ("id", id), ("type", type), ("addressing_mode", lid ? "lid" : "pn"),
            ("phash", GroupMessageRouter.ParticipantHashOf(GroupMembership.MembersOf(group, all), lid)),
        };
        if (message.ProtocolMessage is { Type: Message.Types.ProtocolMessage.Types.Type.Revoke })
        {
            attributes.Add(("edit", "7"));
        }
        else if (message.ProtocolMessage is { Type: Message.Types.ProtocolMessage.Types.Type.MessageEdit } || message.EditedMessage is not null)
        {
            attributes.Add(("edit", "1"));
        }

        Remember(from.Phone, id, new SentToGroup(group.Jid, lid, message, type, [.. attributes.Where(a => a.Item1 == "edit")], time.GetUtcNow().ToUnixTimeSeconds()));
        var children = new List<Node>();
        if (participants.Count > 0)
        {
            children.Add(new Node("participants", null, participants));
        }

        children.Add(new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "skmsg")), skmsg));
        Node? ack = null;
        await network.SendFromAsync(new ConnectedDevice(from, 0), new Node("message", NodeAttributes.Of([.. attributes]), children), a => ack = a, cancellationToken).ConfigureAwait(false);
        if (ack?.Attr("error") is { } error)
        {
            throw new SandboxInputException($"The server refused the phone's message to {group.Jid} with ack error {error}.", error == "404" ? 404 : 403, "to");
        }

        return id;
    }

    /// <summary>
    /// A device could not decrypt the phone's group message and sent a retry receipt (<c>from</c> = the group,
    /// <c>participant</c> = the device): the phone sends it again to that device only, pairwise-encrypted with its SKDM
    /// inside (as Baileys and whatsmeow answer a group retry), <c>to</c> = the group and <c>participant</c> = the device.
    /// </summary>
    public async Task ResendAsync(SandboxAccount account, Node receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(receipt);
        var id = receipt.Attr("id");
        if (id is null || !Jid.TryParse(receipt.Attr("participant") ?? "", out var device) || !_sent.TryGetValue((account.Phone, id), out var sent))
        {
            LogRetryUnknown(account.Phone, id ?? "", receipt.Attr("participant") ?? "");
            return;
        }

        var requester = await accounts.FindByJidAsync(device with { Device = null }, cancellationToken).ConfigureAwait(false);
        if (requester is null)
        {
            return;
        }

        Node? part;
        var gate = gates(account.Phone);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await stores(account.Phone, cancellationToken).ConfigureAwait(false);
            var distribution = await new GroupCipher(store, _generator).CreateDistributionMessageAsync(new SenderKeyName(sent.GroupJid, Address(account, 0, sent.Lid)), cancellationToken).ConfigureAwait(false);
            await store.CommitAsync(distribution.Changes, cancellationToken).ConfigureAwait(false);
            var plain = sent.Message.Clone();
            plain.SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage
            {
                GroupId = sent.GroupJid,
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message),
            };
            part = await EncryptAsync(store, requester, device.Device ?? 0, sent.Lid, plain.ToByteArray(), cancellationToken, VirtualPhones.RetryKeysOf(receipt)).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        if (part?.Child("enc") is not { } enc)
        {
            return;
        }

        var count = receipt.Child("retry")?.Attr("count") ?? "1";
        var attributes = new List<(string, string)>
        {
            ("to", sent.GroupJid), ("participant", part.Attr("jid")!), ("id", id), ("type", sent.Type),
            ("t", sent.T.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("addressing_mode", sent.Lid ? "lid" : "pn"),
        };
        attributes.AddRange(sent.Extra);
        var resend = new Node("message", NodeAttributes.Of([.. attributes]),
            [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", enc.Attr("type")!), ("count", count)), enc.Bytes.ToArray())]);
        LogResent(account.Phone, id, part.Attr("jid")!, count);
        await network.SendFromAsync(new ConnectedDevice(account, 0), resend, _ => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A group message reached the phone: SKDM parts are taken in, the skmsg decrypted and kept; a receipt goes back.</summary>
    public async Task ReceiveAsync(SandboxAccount account, Node stanza, CancellationToken cancellationToken)
    {
        var reader = new AttributeReader(stanza);
        var id = reader.String("id");
        var group = reader.Jid("from");
        var sender = reader.Jid("participant");
        var t = reader.OptionalInt64("t") ?? time.GetUtcNow().ToUnixTimeSeconds();
        reader.ThrowIfInvalid();
        var address = SignalAddress.ForUser(sender.User, sender.Server == JidServers.Lid ? SignalAddress.LidDomainType : 0, sender.Device ?? 0);
        var name = new SenderKeyName(group.ToString(), address);
        var author = await accounts.FindByJidAsync(sender with { Device = null }, cancellationToken).ConfigureAwait(false);
        var failed = false;
        var gate = gates(account.Phone);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await stores(account.Phone, cancellationToken).ConfigureAwait(false);

            // The pairwise part (the sender key's distribution) decrypts under the one session the phone keeps with the
            // sender's device, its LID's, whatever the group's addressing; the sender key itself is named as the stanza names it.
            var session = author is null ? address : await VirtualPhones.SessionAddressAsync(store, author, (uint)(sender.Device ?? 0), cancellationToken).ConfigureAwait(false);
            var pairwise = new SessionCipher(store, _generator);
            var cipher = new GroupCipher(store, _generator);
            foreach (var enc in stanza.ChildrenNamed("enc"))
            {
                try
                {
                    Message content;
                    if (enc.Attr("type") is "pkmsg" or "msg")
                    {
                        var result = await pairwise.DecryptAsync(session, enc.Attr("type") == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper, enc.Bytes, cancellationToken).ConfigureAwait(false);
                        await store.CommitAsync(result.Changes, cancellationToken).ConfigureAwait(false);
                        content = Message.Parser.ParseFrom(WhatsAppPadding.Unpad(result.Plaintext));
                        if (content.SenderKeyDistributionMessage is { AxolotlSenderKeyDistributionMessage.Length: > 0 } distribution)
                        {
                            await store.CommitAsync(await cipher.ProcessDistributionMessageAsync(name, distribution.AxolotlSenderKeyDistributionMessage.Memory, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                            content.SenderKeyDistributionMessage = null;
                        }
                    }
                    else if (enc.Attr("type") == "skmsg")
                    {
                        var result = await cipher.DecryptAsync(name, enc.Bytes, cancellationToken).ConfigureAwait(false);
                        await store.CommitAsync(result.Changes, cancellationToken).ConfigureAwait(false);
                        content = Message.Parser.ParseFrom(WhatsAppPadding.Unpad(result.Plaintext));
                    }
                    else
                    {
                        continue;
                    }

                    content = MessageContent.Unwrap(content);
                    if (MessageContent.KindOf(content) != "unknown")
                    {
                        await RecordAsync(account.Phone, id, group.ToString(), sender.ToString(), content, t, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (SignalException ex) when (ex.Kind == SignalErrorKind.Duplicate)
                {
                    LogDuplicate(account.Phone, id);
                }
                catch (Exception ex) when (ex is SignalException or InvalidProtocolBufferException or CryptoException)
                {
                    LogDecryptFailed(account.Phone, id, ex.Message);
                    failed = true;
                }
            }
        }
        finally
        {
            gate.Release();
        }

        var attributes = new List<(string, string)> { ("id", id), ("to", group.ToString()), ("participant", sender.ToString()) };
        var children = new List<Node>();
        if (failed)
        {
            attributes.Add(("type", "retry"));
            children.Add(new Node("retry", NodeAttributes.Of(("count", "1"), ("id", id), ("t", stanza.Attr("t") ?? "0"), ("v", "1"))));
            children.Add(new Node("registration", null, ServerNodes.Id32(account.RegistrationId)));
        }

        var receipt = children.Count == 0 ? new Node("receipt", NodeAttributes.Of([.. attributes])) : new Node("receipt", NodeAttributes.Of([.. attributes]), children);
        await network.SendReceiptFromAsync(new ConnectedDevice(account, 0), receipt, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Node?> EncryptAsync(SqliteSignalStore store, SandboxAccount to, int deviceId, bool lid, byte[] plain, CancellationToken cancellationToken, PreKeyBundle? fresh = null)
    {
        var cipher = new SessionCipher(store, _generator);
        var address = await VirtualPhones.SessionAddressAsync(store, to, (uint)deviceId, cancellationToken).ConfigureAwait(false);
        if (fresh is not null)
        {
            // A retry receipt with keys: a new session from them (see VirtualPhones.RetryKeysOf).
            await store.CommitAsync(await cipher.ProcessPreKeyBundleAsync(address, fresh, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        else if (await store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
        {
            var bundle = await keys.TakeBundleAsync(to.Phone, deviceId, cancellationToken).ConfigureAwait(false);
            if (bundle is null)
            {
                // A device that published no keys cannot get our sender key (it will ask with a retry receipt).
                LogNoKeys(to.Phone, deviceId);
                return null;
            }

            var setup = await cipher.ProcessPreKeyBundleAsync(address, new PreKeyBundle(
                (uint)bundle.Keys.RegistrationId, (uint)deviceId, bundle.Keys.Identity, (uint)bundle.Keys.SignedPreKeyId,
                bundle.Keys.SignedPreKeyPublic, bundle.Keys.SignedPreKeySignature, bundle.PreKey is { } p ? (uint)p.Id : null, bundle.PreKey?.Public), cancellationToken).ConfigureAwait(false);
            await store.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        var encrypted = await cipher.EncryptAsync(address, WhatsAppPadding.Pad(plain, SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await store.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
        var type = encrypted.Type == SignalMessageType.PreKey ? "pkmsg" : "msg";
        return new Node("to", NodeAttributes.Of(("jid", GroupNodes.DeviceJidOf(to, deviceId, lid))), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", type)), encrypted.Ciphertext)]);
    }

    private void Remember(string phone, string id, SentToGroup message)
    {
        _sent[(phone, id)] = message;
        _sentOrder.Enqueue((phone, id));
        while (_sentOrder.Count > SentKept && _sentOrder.TryDequeue(out var oldest))
        {
            _sent.TryRemove(oldest, out _);
        }
    }

    private static SignalAddress Address(SandboxAccount account, int deviceId, bool lid) => lid
        ? SignalAddress.ForUser(account.Lid, SignalAddress.LidDomainType, (uint)deviceId)
        : SignalAddress.ForUser(account.Phone, (uint)deviceId);

    private async Task RecordAsync(string phone, string id, string group, string participant, Message message, long t, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT OR IGNORE INTO phone_messages (phone, msg_id, from_jid, chat_jid, participant, type, body, message_json, timestamp, received_seq)
            VALUES (@phone, @id, @group, @group, @participant, @type, @body, @json, @t, @seq)
            """,
            new { phone, id, group, participant, type = MessageContent.KindOf(message), body = MessageContent.BodyOf(message), json = JsonFormatter.Default.Format(message), t, seq = nextSeq() }).ConfigureAwait(false);
    }

    /// <summary>A group message a phone sent, as it can send it again.</summary>
    private sealed record SentToGroup(string GroupJid, bool Lid, Message Message, string Type, IReadOnlyList<(string, string)> Extra, long T);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} sent group message {Id} again to {Device} (retry {Count})")]
    private partial void LogResent(string phone, string id, string device, string count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} got a group retry receipt from {Device} for {Id}, which it does not remember sending")]
    private partial void LogRetryUnknown(string phone, string id, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone {Phone} could not decrypt group message {Id}: {Reason}; sent a retry receipt")]
    private partial void LogDecryptFailed(string phone, string id, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Virtual phone {Phone} got group message {Id} again")]
    private partial void LogDuplicate(string phone, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Virtual phone: device {Phone}:{Device} has published no keys; it gets no sender key")]
    private partial void LogNoKeys(string phone, int device);
}
