using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Encrypts a group message as WhatsApp's clients do (Baileys relayMessage, whatsmeow sendGroup): the content once
/// with our sender key (<c>skmsg</c>), and in the same stanza our sender key distribution message pairwise-encrypted
/// for every participant device that lacks it; a key marked for rotation (a participant left) is replaced first and
/// shared with everyone. The stanza carries the group's <c>addressing_mode</c> and the participant hash. Called only
/// on the line's loop (it shares the Signal state with the decryptor).
/// </summary>
internal sealed class GroupMessageEncryptor(ISignalStore signal, IGroupStore groups, SignalKeyGenerator keys, IdentityTrust trust, SessionAddresses? addresses = null)
{
    /// <summary>Builds the stanza for <paramref name="entry"/> from <paramref name="plan"/> and records who now holds our key.</summary>
    public async Task<Node> EncryptAsync(OutboundEntry entry, SendPlan plan, GroupSendPlan group, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var groupCipher = new GroupCipher(signal, keys);
        var sessions = new SessionCipher(signal, keys);
        if (group.RotateKey)
        {
            await signal.CommitAsync(new SignalStateChange().WithSenderKey(group.OwnName, new SenderKeyRecord()), cancellationToken).ConfigureAwait(false);
        }

        var distribution = await groupCipher.CreateDistributionMessageAsync(group.OwnName, cancellationToken).ConfigureAwait(false);
        if (!distribution.Changes.IsEmpty)
        {
            await signal.CommitAsync(distribution.Changes, cancellationToken).ConfigureAwait(false);
        }

        var content = Message.Parser.ParseFrom(entry.Message.Content);
        var mediaType = MessageEncryptor.MediaTypeOf(content);
        var hide = entry.Message.Type is "reaction" or "edit" or "revoke";
        var participants = new List<Node>(plan.Targets.Count);
        var pending = new SignalStateChange();
        if (plan.Targets.Count > 0)
        {
            var setup = new SignalStateChange();
            foreach (var (address, bundle) in plan.Bundles)
            {
                // A bundle fetched once for several queued messages (PlanPrefetch: a one-to-one message and a group
                // message, or two group messages planned before the first was encrypted) builds the session once: a
                // second session from the same one-time prekey would be a pkmsg the device cannot decrypt (its prekey
                // is used up by the first). Baileys and whatsmeow fetch bundles only for devices with no session, right
                // before encrypting.
                if (await signal.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is { HasCurrentSession: true })
                {
                    continue;
                }

                setup.Merge(await trust.RunAsync(() => sessions.ProcessPreKeyBundleAsync(address, bundle, cancellationToken), cancellationToken).ConfigureAwait(false));
            }

            if (!setup.IsEmpty)
            {
                await signal.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
            }

            var keyMessage = new Message
            {
                SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage
                {
                    GroupId = group.GroupJid,
                    AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message),
                },
            };
            var padded = WhatsAppPadding.Pad(keyMessage.ToByteArray(), SecureRandomSource.Instance);
            foreach (var target in plan.Targets)
            {
                if (pending.Sessions.ContainsKey(target.Address))
                {
                    // Two devices on one session (never expected): the second encrypts on the first's stored step.
                    await signal.CommitAsync(pending, cancellationToken).ConfigureAwait(false);
                    pending = new SignalStateChange();
                }

                var encrypted = await sessions.EncryptAsync(target.Address, padded, cancellationToken).ConfigureAwait(false);
                pending.Merge(encrypted.Changes);
                participants.Add(MessageStanzas.BuildParticipant(target.DeviceJid, encrypted, mediaType, hide));
            }
        }

        // Every pairwise step and the sender key's step commit together (a 200-member group's first message: one write, not 200).
        var skmsg = await groupCipher.EncryptAsync(group.OwnName, WhatsAppPadding.Pad(entry.Message.Content, SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await signal.CommitAsync(pending.Merge(skmsg.Changes), cancellationToken).ConfigureAwait(false);
        await groups.AddKeyHoldersAsync(group.GroupJid, plan.Targets.Select(t => t.DeviceJid), group.RotateKey, cancellationToken).ConfigureAwait(false);
        return GroupMessageStanzas.BuildGroupMessage(
            entry.Message.MsgId, group.GroupJid, MessageContent.StanzaTypeOf(content), MessageContent.EditAttributeOf(content), group.LidAddressing, plan.Phash,
            participants, MessageStanzas.BuildEnc(skmsg, mediaType, hide, retryCount: 0), credentials.AccountIdentity);
    }

    /// <summary>
    /// The resend of our group message to the one device that asked with a retry receipt: the content with our sender
    /// key distribution attached, pairwise-encrypted, <c>to</c> the group with <c>participant</c> that device and one
    /// top-level <c>&lt;enc count&gt;</c> (Baileys relayMessage with a participant; whatsmeow retry.go).
    /// </summary>
    public async Task<Node> EncryptRetryAsync(RetryRequest retry, PreKeyBundle? bundle, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var sessions = new SessionCipher(signal, keys);
        var me = Jid.Parse(credentials.Me!);
        Jid? ownLid = retry.Device.User == me.User && credentials.Lid is { } ownLidText && Jid.TryParse(ownLidText, out var parsedOwnLid) ? parsedOwnLid : null;
        var address = addresses is null ? SendPlanner.AddressOf(retry.Device) : await addresses.ForDeviceAsync(retry.Device, ownLid, cancellationToken).ConfigureAwait(false);
        if ((retry.Keys ?? bundle) is { } fresh)
        {
            var setup = await trust.RunAsync(() => sessions.ProcessPreKeyBundleAsync(address, fresh, cancellationToken), cancellationToken).ConfigureAwait(false);
            await signal.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        var groupJid = retry.Message.ChatJid;
        var content = Message.Parser.ParseFrom(retry.Message.Content);
        var withKey = content.Clone();
        foreach (var own in OwnAddresses(me, credentials.Lid))
        {
            var name = new SenderKeyName(groupJid, own);
            if (await signal.SenderKeys.LoadSenderKeyAsync(name, cancellationToken).ConfigureAwait(false) is { IsEmpty: false })
            {
                var distribution = await new GroupCipher(signal, keys).CreateDistributionMessageAsync(name, cancellationToken).ConfigureAwait(false);
                withKey.SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage
                {
                    GroupId = groupJid,
                    AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.Message),
                };
                break;
            }
        }

        var plain = retry.Device.User == me.User || (Jid.TryParse(credentials.Lid, out var lid) && retry.Device.User == lid.User)
            ? new Message { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = groupJid, Message = withKey }, MessageContextInfo = content.MessageContextInfo }
            : withKey;
        var encrypted = await sessions.EncryptAsync(address, WhatsAppPadding.Pad(plain.ToByteArray(), SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await signal.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
        var attributes = new List<(string, string)>
        {
            ("id", retry.Message.MsgId), ("to", groupJid), ("type", MessageContent.StanzaTypeOf(content)), ("participant", DeviceJid.Format(retry.Device)),
            ("t", retry.Message.Timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (MessageContent.EditAttributeOf(content) is { } edit)
        {
            attributes.Add(("edit", edit));
        }

        var children = new List<Node> { MessageStanzas.BuildEnc(encrypted, MessageEncryptor.MediaTypeOf(content), retry.Message.Type is "reaction" or "edit" or "revoke", Math.Max(retry.Count, 1)) };
        if (encrypted.Type == SignalMessageType.PreKey && credentials.AccountIdentity is { Length: > 0 } identity)
        {
            children.Add(new Node("device-identity", null, identity));
        }

        return new Node("message", NodeAttributes.Of([.. attributes]), children);
    }

    private static IEnumerable<SignalAddress> OwnAddresses(Jid me, string? lid)
    {
        if (Jid.TryParse(lid, out var ownLid))
        {
            yield return SendPlanner.AddressOf(new Jid(ownLid.User, JidServers.Lid, me.Device ?? 0));
        }

        yield return SendPlanner.AddressOf(new Jid(me.User, JidServers.WhatsApp, me.Device ?? 0));
    }
}
