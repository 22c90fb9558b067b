using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Storage;

/// <summary>
/// A line's messages, chats, contacts, LID mappings, device-list cache and durable send queue. Every write that changes
/// a message also appends to the line's event journal in the same transaction (the webhook outbox reads it), so an
/// event is never lost nor written for a change that did not happen.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores an inbound message (or a copy of our own sent from another device) and updates its chat (last message time,
    /// unread count for messages not from us), the sender's push name and LID mapping; an <c>edit</c> or <c>revoke</c>
    /// also updates its target (body and edited time, or revoked). When <paramref name="transaction"/> is given the
    /// writes join it (the decrypt that produced the message commits with it). Returns false, and writes nothing, when
    /// the same message (chat, sender, id) is already stored.
    /// </summary>
    Task<bool> SaveInboundAsync(ISignalStoreTransaction? transaction, MessageRecord message, CancellationToken cancellationToken);

    /// <summary>Stores a new outbound message (status queued) and its send-queue entry in one write.</summary>
    Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new outbound message as <see cref="SaveOutboundAsync(MessageRecord, string, DateTimeOffset, CancellationToken)"/>
    /// does and, in the same write, sets the recipient's reply routing state (CONTRACT §3c) when <paramref name="state"/> is given.
    /// </summary>
    /// <exception cref="NotSupportedException">A state is given and this store keeps none.</exception>
    Task SaveOutboundAsync(MessageRecord message, string toJid, DateTimeOffset expiresAt, ReplyState? state, CancellationToken cancellationToken) =>
        state is null
            ? SaveOutboundAsync(message, toJid, expiresAt, cancellationToken)
            : throw new NotSupportedException("This message store keeps no reply routing state.");

    /// <summary>
    /// Stores several new outbound messages as <see cref="SaveOutboundAsync(MessageRecord, string, DateTimeOffset, ReplyState?, CancellationToken)"/>
    /// does, in order; a store may write them in one transaction (all or none: the caller stores them one by one to
    /// learn which one failed).
    /// </summary>
    async Task SaveOutboundBatchAsync(IReadOnlyList<OutboundDraft> drafts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        foreach (var draft in drafts)
        {
            await SaveOutboundAsync(draft.Message, draft.ToJid, draft.ExpiresAt, draft.State, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The send queue, oldest first: outbound messages queued, sending, or sent but not yet acknowledged by the server
    /// (after a reconnect those go out again with the same id; peers dedupe).
    /// </summary>
    Task<IReadOnlyList<OutboundEntry>> PendingOutboundAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Queued messages held for a preparation step (<see cref="OutboundDraft.Prepare"/>), by message id with the
    /// step's kind; none when the store keeps no such steps.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> HeldOutboundAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// Ends the hold of message <paramref name="msgId"/>: its content becomes <paramref name="content"/> (null keeps it)
    /// and the hold is removed, in one write.
    /// </summary>
    Task ReleaseHeldAsync(string msgId, byte[]? content, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Counts a send attempt of a queued message and marks it sending.</summary>
    Task MarkSendingAsync(string msgId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The line's send pacing (<see cref="SendPacing.Off"/> until one is set).</summary>
    Task<SendPacing> GetSendPacingAsync(CancellationToken cancellationToken) => Task.FromResult(SendPacing.Off);

    /// <summary>Stores the line's send pacing (<see cref="SendPacing.Off"/> turns it off).</summary>
    Task SetSendPacingAsync(SendPacing pacing, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} keeps no send pacing.");

    /// <summary>
    /// For the new-contact cap: which of <paramref name="msgIds"/> (our queued messages) open their chat, and when our first
    /// messages in chats written since <paramref name="since"/> were due.
    /// </summary>
    Task<FirstContacts> FirstContactsAsync(IReadOnlyCollection<string> msgIds, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(FirstContacts.None);

    /// <summary>Records when each queued message is due to be written (shown as its <see cref="MessageRecord.ScheduledAt"/>).</summary>
    Task ScheduleAsync(IReadOnlyList<(string MsgId, DateTimeOffset At)> schedule, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary><see cref="MarkSendingAsync(string, DateTimeOffset, CancellationToken)"/> for several messages; a store may write them in one transaction.</summary>
    async Task MarkSendingAsync(IReadOnlyList<string> msgIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        foreach (var msgId in msgIds)
        {
            await MarkSendingAsync(msgId, at, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves our message <paramref name="msgId"/> to <paramref name="status"/> when
    /// <see cref="MessageStatusNames.CanAdvance"/> allows it (a late delivery receipt never undoes a read), leaves the send
    /// queue once the server acknowledged it (server_ack or later) or it failed, and journals the change. Returns false when nothing changed.
    /// </summary>
    Task<bool> UpdateStatusAsync(string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="UpdateStatusAsync"/> for several messages; a store may write them in one transaction. Returns, per
    /// update and in order, whether it changed anything.
    /// </summary>
    async Task<IReadOnlyList<bool>> UpdateStatusesAsync(IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var changed = new List<bool>(updates.Count);
        foreach (var update in updates)
        {
            changed.Add(await UpdateStatusAsync(update.MsgId, update.Status, update.Error, update.At, cancellationToken).ConfigureAwait(false));
        }

        return changed;
    }

    /// <summary>
    /// <see cref="UpdateStatusesAsync"/> returning, per update and in order, the chat of the message when it changed and
    /// null when nothing changed (an unknown id, someone else's message, or no progress): for callers that know only the
    /// message id (the server's acks, receipts). A store may write them in one transaction.
    /// </summary>
    async Task<IReadOnlyList<string?>> AdvanceStatusesAsync(IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var chats = new string?[updates.Count];
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i];
            if (await UpdateStatusAsync(update.MsgId, update.Status, update.Error, update.At, cancellationToken).ConfigureAwait(false))
            {
                chats[i] = (await FindAsync(update.MsgId, cancellationToken).ConfigureAwait(false))?.ChatJid ?? update.ChatJid;
            }
        }

        return chats;
    }

    /// <summary>One message by id (our own first, when an inbound one shares the id), or null.</summary>
    Task<MessageRecord?> FindAsync(string msgId, CancellationToken cancellationToken);

    /// <summary>One message of a chat by id, or null.</summary>
    Task<MessageRecord?> FindInChatAsync(string chatJid, string msgId, CancellationToken cancellationToken);

    /// <summary>Chats, the most recently active first.</summary>
    Task<IReadOnlyList<ChatSummary>> ListChatsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>A chat's messages, newest first.</summary>
    Task<IReadOnlyList<MessageRecord>> HistoryAsync(string chatJid, int limit, CancellationToken cancellationToken);

    /// <summary>The newest messages across all chats, newest first.</summary>
    Task<IReadOnlyList<MessageRecord>> RecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The inbound messages of <paramref name="chatJid"/> a read receipt can be sent for: those of
    /// <paramref name="msgIds"/> that are inbound messages of the chat, or — when <paramref name="msgIds"/> is null — the
    /// unread ones (as many as the chat's unread count, newest first). Each with the address it came from.
    /// </summary>
    /// <exception cref="NotSupportedException">This store keeps no read marks.</exception>
    Task<IReadOnlyList<ReadTarget>> FindReadTargetsAsync(string chatJid, IReadOnlyList<string>? msgIds, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This message store keeps no read marks.");

    /// <summary>
    /// Marks inbound messages of <paramref name="chatJid"/> read at <paramref name="at"/>; the chat's unread count drops by
    /// those not read before (to 0 when <paramref name="allUnread"/>). Returns how many were newly marked.
    /// </summary>
    /// <exception cref="NotSupportedException">This store keeps no read marks.</exception>
    Task<int> MarkMessagesReadAsync(string chatJid, IReadOnlyList<string> msgIds, bool allUnread, DateTimeOffset at, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This message store keeps no read marks.");

    /// <summary>
    /// Appends a subscribed contact's presence or chat state to the line's event journal (<c>presence.update</c>, for
    /// webhooks) and commits. A store without a journal ignores it.
    /// </summary>
    Task JournalPresenceAsync(PresenceUpdate update, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The contacts the line keeps presence subscriptions to (renewed on every connect), oldest first.</summary>
    Task<IReadOnlyList<string>> PresenceSubscriptionsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Keeps presence subscriptions to <paramref name="jids"/> across restarts.</summary>
    Task SavePresenceSubscriptionsAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Forgets the presence subscriptions to <paramref name="jids"/> (those not kept are ignored).</summary>
    Task DeletePresenceSubscriptionsAsync(IReadOnlyCollection<string> jids, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Remembers the numbers a contact check found on WhatsApp: each becomes a contact of the line (its push name, if
    /// one is known, kept) and its LID mapping is stored. A store without contacts ignores it.
    /// </summary>
    Task SaveCheckedContactsAsync(IReadOnlyList<ContactCheck> checks, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The contacts the line has seen (push names of inbound messages, LID mappings, checked numbers), by JID.</summary>
    /// <exception cref="NotSupportedException">This store keeps no contacts.</exception>
    Task<IReadOnlyList<ContactEntry>> ListContactsAsync(int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This message store keeps no contacts.");

    /// <summary>Resets a chat's unread count.</summary>
    Task MarkChatReadAsync(string chatJid, CancellationToken cancellationToken);

    /// <summary>Remembers that <paramref name="lidJid"/> and <paramref name="pnJid"/> are the same user (bare JIDs).</summary>
    Task SaveLidMappingAsync(string lidJid, string pnJid, CancellationToken cancellationToken);

    /// <summary>The phone-number JID of a LID, or null.</summary>
    Task<string?> FindPnForLidAsync(string lidJid, CancellationToken cancellationToken);

    /// <summary>The LID JID of a phone-number JID, or null.</summary>
    Task<string?> FindLidForPnAsync(string pnJid, CancellationToken cancellationToken);

    /// <summary>A user's cached device list, or null.</summary>
    Task<DeviceList?> GetDeviceListAsync(string userJid, CancellationToken cancellationToken);

    /// <summary>Replaces a user's cached device list.</summary>
    Task SaveDeviceListAsync(DeviceList devices, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the cached device lists and remembers the LID mappings one usync answered (a 200-member group's is 200
    /// of each): a store that can write them in one transaction should. By default, one by one.
    /// </summary>
    async Task SaveDeviceListsAsync(IReadOnlyList<DeviceList> lists, IReadOnlyList<(string LidJid, string PnJid)> mappings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(mappings);
        foreach (var list in lists)
        {
            await SaveDeviceListAsync(list, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (lid, pn) in mappings)
        {
            await SaveLidMappingAsync(lid, pn, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops a user's cached device list (a devices notification said it changed).</summary>
    Task ForgetDeviceListAsync(string userJid, CancellationToken cancellationToken);

    /// <summary>The privacy-token state of a contact (keyed by its bare LID JID, or its phone-number JID while its LID is unknown), or null.</summary>
    Task<PrivacyTokenState?> GetPrivacyTokenAsync(string contactJid, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a trusted-contact token <paramref name="contactJid"/> gave us (from a <c>privacy_token</c> notification or an
    /// issuance answer); an older token than the one stored is ignored. Our issuance time is kept.
    /// </summary>
    Task SavePrivacyTokenAsync(string contactJid, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken);

    /// <summary>Records when we last issued our own token to <paramref name="contactJid"/> (the received token is kept).</summary>
    Task SaveTokenIssuedAsync(string contactJid, DateTimeOffset issuedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records one issuance answer for many contacts at once: the tokens each gave (as <see cref="SavePrivacyTokenAsync"/>)
    /// and our issuance time (as <see cref="SaveTokenIssuedAsync"/>). A store with transactions writes it in one.
    /// </summary>
    async Task SaveTokensIssuedAsync(IReadOnlyList<TokenIssued> issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        foreach (var contact in issued)
        {
            foreach (var (token, timestamp) in contact.Tokens)
            {
                await SavePrivacyTokenAsync(contact.ContactJid, token, timestamp, cancellationToken).ConfigureAwait(false);
            }

            await SaveTokenIssuedAsync(contact.ContactJid, contact.IssuedAt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Our account's NCT salt (from our phone's history sync), the key of the cstoken fallback (R2); null until known.</summary>
    Task<byte[]?> GetNctSaltAsync(CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);

    /// <summary>Stores our account's NCT salt, replacing any earlier one.</summary>
    Task SaveNctSaltAsync(byte[] salt, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// When our account's one-to-one chats moved to LIDs (our phone's LID migration sync or history sync); null while the
    /// account is not LID-migrated, and then the line writes DMs by phone number (SERVER-RULES R1).
    /// </summary>
    Task<DateTimeOffset?> GetLidMigratedAtAsync(CancellationToken cancellationToken) => Task.FromResult<DateTimeOffset?>(null);

    /// <summary>Records that our account is LID-migrated since <paramref name="migratedAt"/> (the first time is kept).</summary>
    Task SaveLidMigratedAtAsync(DateTimeOffset migratedAt, CancellationToken cancellationToken) => Task.CompletedTask;
}
