using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Presence;

/// <summary>
/// The presence family of one line: our own availability (after <c>available</c> delivery receipts are active, R13),
/// typing in a chat, presence subscriptions, and contacts' presence and chat states. The line subscribes to a contact
/// when asked to, and the first time on a connection it types to one; subscriptions are kept in the line's store and
/// sent again after every login, a restart's first included (the server keeps them per connection; both references
/// re-subscribe after a reconnect). Updates from subscribed contacts are
/// journalled for the <c>presence.update</c> webhook; every update is published. Called only on the line's loop.
/// </summary>
internal sealed partial class PresenceHandler(LineId lineId, LineOptions options, IMessageStore messages, PrivacyTokenKeeper tokens, TimeProvider time, ILogger logger)
{
    /// <summary>Most contacts one line keeps subscriptions to; beyond it a new subscription is sent but not renewed after a reconnect.</summary>
    public const int MaxSubscriptions = 1000;

    private readonly HashSet<string> _wanted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subscribedNow = new(StringComparer.Ordinal);
    private bool _loaded;

    /// <summary>Whether the line announced itself available on the current connection (delivery receipts are then active, R13).</summary>
    public bool Available { get; private set; }

    /// <summary>The connection ended: the next one starts unavailable and unsubscribed.</summary>
    public void ConnectionEnded()
    {
        Available = false;
        _subscribedNow.Clear();
    }

    /// <summary>Our presence: <c>&lt;presence type="available|unavailable" name&gt;</c>.</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public StanzaOutcome SendPresence(bool available, LineContext context)
    {
        RequireLoggedIn(context);
        Available = available;
        return StanzaOutcome.Reply(ConnectionStanzas.BuildPresence(available, options.ClientPayload.PushName));
    }

    /// <summary>Typing in a chat, subscribing to the contact first if this connection has not yet.</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public async Task<StanzaOutcome> SendChatStateAsync(string toJid, ChatState state, LineContext context)
    {
        RequireLoggedIn(context);
        var replies = new List<Node>();
        if (!_subscribedNow.Contains(toJid) && !toJid.EndsWith("@" + JidServers.Group, StringComparison.Ordinal))
        {
            replies.Add(await SubscribeNodeAsync(toJid, context).ConfigureAwait(false));
        }

        replies.Add(PresenceStanzas.BuildChatState(toJid, state));
        return new StanzaOutcome { Replies = replies };
    }

    /// <summary>Subscribes to a contact's presence (again, if this connection already did: the server answers with the current one).</summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public async Task<StanzaOutcome> SubscribeAsync(string jid, LineContext context)
    {
        RequireLoggedIn(context);
        return StanzaOutcome.Reply(await SubscribeNodeAsync(jid, context).ConfigureAwait(false));
    }

    /// <summary>
    /// Stops following a contact's presence (both its LID and phone number): forgotten in the store, no longer renewed
    /// after a login, and its updates no longer journalled for the webhook. Neither reference sends an unsubscribe
    /// stanza (the server keeps a subscription until the connection ends), so none is sent; typing to the contact
    /// subscribes again. True when the line followed it.
    /// </summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public async Task<bool> UnsubscribeAsync(string jid, LineContext context)
    {
        RequireLoggedIn(context);
        await LoadAsync(context).ConfigureAwait(false);
        var alternate = jid.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal)
            ? await messages.FindPnForLidAsync(jid, context.Lifetime).ConfigureAwait(false)
            : await messages.FindLidForPnAsync(jid, context.Lifetime).ConfigureAwait(false);
        List<string> gone = alternate is null ? [jid] : [jid, alternate];
        var followed = gone.Aggregate(false, (any, one) => _wanted.Remove(one) | any);
        await messages.DeletePresenceSubscriptionsAsync(gone, context.Lifetime).ConfigureAwait(false);
        LogUnsubscribed(logger, jid);
        return followed;
    }

    /// <summary>After a login: the subscriptions the line holds, sent again.</summary>
    public async Task<StanzaOutcome> AfterLoginAsync(LineContext context)
    {
        await LoadAsync(context).ConfigureAwait(false);
        if (!context.LoggedIn || _wanted.Count == 0)
        {
            return StanzaOutcome.None;
        }

        var replies = new List<Node>();
        foreach (var jid in _wanted.Where(j => !_subscribedNow.Contains(j)).ToList())
        {
            replies.Add(await SubscribeNodeAsync(jid, context).ConfigureAwait(false));
        }

        return new StanzaOutcome { Replies = replies };
    }

    /// <summary>A contact's <c>&lt;presence&gt;</c> (not acked).</summary>
    public Task<StanzaOutcome> HandlePresenceAsync(Node node, LineContext context) =>
        PublishAsync(PresenceStanzas.ParsePresence(node, time.GetUtcNow()), context);

    /// <summary>A <c>&lt;chatstate&gt;</c> (not acked).</summary>
    public Task<StanzaOutcome> HandleChatStateAsync(Node node, LineContext context) =>
        PublishAsync(PresenceStanzas.ParseChatState(node, time.GetUtcNow()), context);

    private async Task<StanzaOutcome> PublishAsync(PresenceUpdate? update, LineContext context)
    {
        if (update is null)
        {
            return StanzaOutcome.None;
        }

        var subscribed = _wanted.Contains(update.Jid) || (update.Participant is { } participant && _wanted.Contains(participant));
        if (subscribed)
        {
            await messages.JournalPresenceAsync(update, context.Lifetime).ConfigureAwait(false);
        }

        return new StanzaOutcome { Events = [new PresenceUpdated(lineId, update.At, update, subscribed)] };
    }

    /// <summary>The kept subscriptions, read from the store once per actor (before the first login's renewal).</summary>
    private async Task LoadAsync(LineContext context)
    {
        if (_loaded)
        {
            return;
        }

        foreach (var jid in await messages.PresenceSubscriptionsAsync(context.Lifetime).ConfigureAwait(false))
        {
            if (_wanted.Count < MaxSubscriptions)
            {
                _wanted.Add(jid);
            }
        }

        _loaded = true;
    }

    private async Task<Node> SubscribeNodeAsync(string jid, LineContext context)
    {
        await LoadAsync(context).ConfigureAwait(false);
        var alternate = jid.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal)
            ? await messages.FindPnForLidAsync(jid, context.Lifetime).ConfigureAwait(false)
            : await messages.FindLidForPnAsync(jid, context.Lifetime).ConfigureAwait(false);
        var isNew = !_wanted.Contains(jid) || (alternate is not null && !_wanted.Contains(alternate));
        if (isNew && (_wanted.Count < MaxSubscriptions || _wanted.Contains(jid)))
        {
            List<string> added = [jid];
            _wanted.Add(jid);
            if (alternate is not null)
            {
                _wanted.Add(alternate);
                added.Add(alternate);
            }

            await messages.SavePresenceSubscriptionsAsync(added, context.Lifetime).ConfigureAwait(false);
        }

        _subscribedNow.Add(jid);
        if (alternate is not null)
        {
            _subscribedNow.Add(alternate);
        }

        var contact = await tokens.ContactKeyAsync(jid, context.Lifetime).ConfigureAwait(false);
        var token = (await tokens.ForSendAsync(contact, context.Lifetime).ConfigureAwait(false)).TcToken;
        LogSubscribed(logger, jid);
        return PresenceStanzas.BuildSubscribe(jid, context.Connection?.NextId() ?? "presence", token);
    }

    private static void RequireLoggedIn(LineContext context)
    {
        if (!context.LoggedIn)
        {
            throw new LineException(LineErrorKind.WrongState, $"Line {context.LineId} is {context.Status.ToName()}: presence and typing need a connected line.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No longer following the presence of {Jid}")]
    private static partial void LogUnsubscribed(ILogger logger, string jid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscribing to the presence of {Jid}")]
    private static partial void LogSubscribed(ILogger logger, string jid);
}
