using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The sending half of the Signal work: builds sessions from a plan's bundles, encrypts one message for every target
/// (our own devices get it wrapped as device-sent) and commits the message's ratchet steps in one transaction; re-encrypts for a device that sent a
/// retry receipt. Called only on the line's loop, like <see cref="MessageDecryptor"/>, with which it shares the Signal
/// state.
/// </summary>
internal sealed class MessageEncryptor(ISignalStore signal, SignalKeyGenerator keys, IdentityTrust trust, SessionAddresses addresses, ILogger logger, GroupMessageEncryptor? groups = null)
{
    /// <summary>
    /// Builds sessions from the plan's bundles, encrypts <paramref name="entry"/> for every target (our own devices get
    /// it wrapped as device-sent), commits the ratchet steps, and returns the stanza to send.
    /// </summary>
    public Task<Node> EncryptAsync(OutboundEntry entry, SendPlan plan, DeviceCredentials credentials, CancellationToken cancellationToken) =>
        EncryptAsync(entry, plan, credentials, signal, cancellationToken);

    /// <summary>
    /// As <see cref="EncryptAsync(OutboundEntry, SendPlan, DeviceCredentials, CancellationToken)"/>, reading and committing
    /// the ratchet steps through <paramref name="store"/> (a <see cref="PendingSignalState"/> gathering several messages'
    /// steps for one commit).
    /// </summary>
    public async Task<Node> EncryptAsync(OutboundEntry entry, SendPlan plan, DeviceCredentials credentials, ISignalStore store, CancellationToken cancellationToken)
    {
        if (plan.Group is { } group)
        {
            return await (groups ?? throw new SignalException(SignalErrorKind.NoSession, $"Message {entry.Message.MsgId} is for a group, and this line has no group store."))
                .EncryptAsync(entry, plan, group, credentials, cancellationToken).ConfigureAwait(false);
        }

        var cipher = new SessionCipher(store, keys);
        var content = Message.Parser.ParseFrom(entry.Message.Content);
        var plain = WhatsAppPadding.Pad(entry.Message.Content, SecureRandomSource.Instance);
        var sentCopy = WhatsAppPadding.Pad(DeviceSentCopy(content, plan.To).ToByteArray(), SecureRandomSource.Instance);
        var hide = entry.Message.Type is "reaction" or "edit" or "revoke";
        var participants = new List<Node>(plan.Targets.Count);
        var setup = new SignalStateChange();
        foreach (var (address, bundle) in plan.Bundles)
        {
            // A bundle fetched once for several queued messages (PlanPrefetch) builds the session once: the first of them
            // encrypted processes it, the rest find the session and go on it (pkmsgs with the same base key, as libsignal).
            if (await store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is { HasCurrentSession: true })
            {
                continue;
            }

            setup.Merge(await trust.RunAsync(() => cipher.ProcessPreKeyBundleAsync(address, bundle, cancellationToken), cancellationToken, store).ConfigureAwait(false));
        }

        // Sessions built from fresh bundles must be visible to the encrypts below: commit them first.
        if (!setup.IsEmpty)
        {
            await store.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        // The targets are different devices, so no encrypt below reads another's ratchet step: the steps of all targets
        // are committed together, before the stanza can be written (a device listed twice commits what came before it).
        var steps = new SignalStateChange();
        var stepped = new HashSet<SignalAddress>();
        foreach (var target in plan.Targets)
        {
            if (!stepped.Add(target.Address))
            {
                await store.CommitAsync(steps, cancellationToken).ConfigureAwait(false);
                steps = new SignalStateChange();
                stepped.Clear();
                stepped.Add(target.Address);
            }

            var encrypted = await cipher.EncryptAsync(target.Address, target.Own ? sentCopy : plain, cancellationToken).ConfigureAwait(false);
            steps.Merge(encrypted.Changes);
            participants.Add(MessageStanzas.BuildParticipant(target.DeviceJid, encrypted, MediaTypeOf(content), hide));
        }

        if (!steps.IsEmpty)
        {
            await store.CommitAsync(steps, cancellationToken).ConfigureAwait(false);
        }

        return MessageStanzas.BuildMessage(
            entry.Message.MsgId, plan.To, MessageContent.StanzaTypeOf(content), MessageContent.EditAttributeOf(content), participants, credentials.AccountIdentity, plan.PeerRecipientPn, plan.TcToken, MessageContent.PollTypeOf(content), plan.CsToken);
    }

    /// <summary>A view of the line's Signal store that gathers the ratchet steps of several messages for one commit.</summary>
    public PendingSignalState Gather() => new(signal);

    /// <summary>Commits the steps <paramref name="gathered"/> holds in one transaction.</summary>
    public Task CommitGatheredAsync(PendingSignalState gathered, CancellationToken cancellationToken) =>
        gathered.HasChanges ? signal.CommitAsync(gathered.TakeChanges(), cancellationToken) : Task.CompletedTask;

    /// <summary>Re-encrypts our message for the one device that asked (building a new session from its keys or a fresh bundle).</summary>
    public async Task<Node> EncryptRetryAsync(RetryRequest retry, PreKeyBundle? bundle, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        if (groups is not null && retry.Message.ChatJid.EndsWith("@" + JidServers.Group, StringComparison.Ordinal))
        {
            return await groups.EncryptRetryAsync(retry, bundle, credentials, cancellationToken).ConfigureAwait(false);
        }

        var cipher = new SessionCipher(signal, keys);
        var me = Jid.Parse(credentials.Me!);
        var own = retry.Device.User == me.User;
        Jid? ownLid = own && credentials.Lid is { } lidText && Jid.TryParse(lidText, out var lid) ? lid : null;
        var address = await addresses.ForDeviceAsync(retry.Device, ownLid, cancellationToken).ConfigureAwait(false);
        if ((retry.Keys ?? bundle) is { } fresh)
        {
            var setup = await trust.RunAsync(() => cipher.ProcessPreKeyBundleAsync(address, fresh, cancellationToken), cancellationToken).ConfigureAwait(false);
            await signal.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        var content = Message.Parser.ParseFrom(retry.Message.Content);
        var plain = own ? DeviceSentCopy(content, retry.Message.ChatJid).ToByteArray() : retry.Message.Content;
        var encrypted = await cipher.EncryptAsync(address, WhatsAppPadding.Pad(plain, SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await signal.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
        var deviceJid = DeviceJid.Format(retry.Device);
        LineLog.RetryResent(logger, retry.Message.MsgId, deviceJid, retry.Count);
        return MessageStanzas.BuildRetryResend(
            retry.Message.MsgId, deviceJid, own ? retry.Message.ChatJid : null, MessageContent.StanzaTypeOf(content), MessageContent.EditAttributeOf(content),
            retry.Message.Timestamp.ToUnixTimeSeconds(), encrypted, Math.Max(retry.Count, 1), credentials.AccountIdentity);
    }

    private static Message DeviceSentCopy(Message content, string destination) => new()
    {
        DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = destination, Message = content },
        MessageContextInfo = content.MessageContextInfo,
    };

    internal static string? MediaTypeOf(Message content) => MessageContent.KindOf(content) switch
    {
        "image" => "image",
        "video" => "video",
        "audio" => content.AudioMessage?.Ptt == true ? "ptt" : "audio",
        "document" => "document",
        "sticker" => "sticker",
        "contact" => content.ContactsArrayMessage is not null ? "contact_array" : "vcard",
        "live_location" => "livelocation",
        _ => null,
    };
}
