using System.Collections.Concurrent;
using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Groups;
using WaEngine.Sandbox.Protocol;

namespace WaEngine.Sandbox.Conversations;

/// <summary>
/// Presence and chat state as the server routes them (PROTOCOL-MAP §14). An account is available while one of its
/// connected companions has announced <c>&lt;presence type="available"&gt;</c> and not taken it back; a companion that never
/// announced it (or went away) counts as unavailable, and the account's last seen is when it last stopped being
/// available. <c>&lt;presence type="subscribe" to&gt;</c> subscribes the sending device to an account: it gets the current
/// presence at once and every change after, but only while it is itself available — WhatsApp sends presence only to
/// clients that are online (W:presence.go SubscribePresence). Presence is never queued: a device offline or unavailable
/// misses it. A <c>&lt;chatstate to&gt;</c> goes to every connected companion of the addressed account (not its phone, not
/// queued), from the sender's account in the sender's addressing. Subscriptions live as long as the subscriber's
/// connection. Neither stanza is acked.
/// </summary>
internal sealed class PresenceHub(AccountRegistry accounts, DeviceDirectory devices, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Phone, int Device), string>> _subscribers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _available = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RoutedChatState> _routed = new();

    /// <summary>How many routed chat states <see cref="RoutedChatStates"/> keeps.</summary>
    public const int RoutedKept = 256;

    /// <summary>The latest chat states the server routed, oldest first, each with the server's time (what tests measure pacing by).</summary>
    public IReadOnlyList<RoutedChatState> RoutedChatStates => [.. _routed];

    /// <summary>A device's own <c>&lt;presence&gt;</c>: an announcement, or a subscription when it has <c>to</c>.</summary>
    public async Task OnPresenceAsync(ServerConnection connection, ConnectedDevice device, Node presence, CancellationToken cancellationToken)
    {
        if (presence.Attr("type") == "subscribe")
        {
            await SubscribeAsync(connection, device, presence, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (presence.Attr("to") is not null)
        {
            return;
        }

        await AccountChangedAsync(device.Account, cancellationToken).ConfigureAwait(false);
        if (connection.PresenceAvailable)
        {
            // Back online: what it subscribed to, as it is now.
            foreach (var (target, subscribers) in _subscribers)
            {
                if (subscribers.TryGetValue((device.Account.Phone, device.DeviceId), out var addressedAs))
                {
                    connection.Send(PresenceOf(target, addressedAs));
                }
            }
        }
    }

    /// <summary>The device's connection ended: its subscriptions go, and its account may now be unavailable.</summary>
    public async Task LeftAsync(ConnectedDevice device, CancellationToken cancellationToken)
    {
        foreach (var subscribers in _subscribers.Values)
        {
            subscribers.TryRemove((device.Account.Phone, device.DeviceId), out _);
        }

        await AccountChangedAsync(device.Account, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds a group by id (its members get typing to the group); null without groups.</summary>
    public Func<string, CancellationToken, Task<SandboxGroup?>>? FindGroup { get; init; }

    /// <summary>
    /// A device's <c>&lt;chatstate to&gt;</c>: to the addressed account's connected companions; typing to a group goes to
    /// every other member's connected companions as <c>&lt;chatstate from="&lt;group&gt;" participant="&lt;sender&gt;"&gt;</c>
    /// (the sender in the group's addressing; W:presence.go handleChatState, B:chats.js handlePresenceUpdate read it so).
    /// </summary>
    public async Task OnChatStateAsync(ConnectedDevice sender, Node chatState, CancellationToken cancellationToken)
    {
        if (Jid.TryParse(chatState.Attr("to"), out var groupJid) && groupJid.Server == JidServers.Group)
        {
            await OnGroupChatStateAsync(sender, groupJid, chatState, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Jid.TryParse(chatState.Attr("to"), out var to) || to.Server is not (JidServers.WhatsApp or JidServers.Lid)
            || await accounts.FindByJidAsync(to with { Device = null, Agent = null }, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return;
        }

        var from = sender.Account.Addressing == AddressingMode.Lid ? sender.Account.LidJid : sender.Account.Jid;
        var forwarded = new Node("chatstate", NodeAttributes.Of(("from", from)), chatState.Children);
        Remember(sender.Account.Phone, target.Phone, chatState);

        foreach (var device in target.Devices.Where(d => d.DeviceId != 0))
        {
            if (devices.Find(target.Phone, device.DeviceId) is { CaughtUp: true } connection && !(target.Phone == sender.Account.Phone && device.DeviceId == sender.DeviceId))
            {
                connection.Send(forwarded);
            }
        }
    }

    private async Task OnGroupChatStateAsync(ConnectedDevice sender, Jid groupJid, Node chatState, CancellationToken cancellationToken)
    {
        if (FindGroup is null || await FindGroup(groupJid.User, cancellationToken).ConfigureAwait(false) is not { } group
            || group.Member(sender.Account.Phone) is null)
        {
            return;
        }

        var participant = group.Addressing == AddressingMode.Lid ? sender.Account.LidJid : sender.Account.Jid;
        var forwarded = new Node("chatstate", NodeAttributes.Of(("from", group.Jid), ("participant", participant)), chatState.Children);
        Remember(sender.Account.Phone, group.Jid, chatState);
        foreach (var member in group.Members.Where(m => m.Phone != sender.Account.Phone))
        {
            if (await accounts.FindAsync(member.Phone, cancellationToken).ConfigureAwait(false) is not { } account)
            {
                continue;
            }

            foreach (var device in account.Devices.Where(d => d.DeviceId != 0))
            {
                if (devices.Find(account.Phone, device.DeviceId) is { CaughtUp: true } connection)
                {
                    connection.Send(forwarded);
                }
            }
        }
    }

    private void Remember(string fromPhone, string to, Node chatState)
    {
        _routed.Enqueue(new RoutedChatState(fromPhone, to, chatState.Children.FirstOrDefault()?.Tag ?? "", time.GetUtcNow()));
        while (_routed.Count > RoutedKept && _routed.TryDequeue(out _))
        {
        }
    }

    /// <summary>Whether the account is available now (one of its connected companions announced it).</summary>
    public bool IsAvailable(string phone) => _available.GetValueOrDefault(phone);

    private async Task SubscribeAsync(ServerConnection connection, ConnectedDevice device, Node presence, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(presence.Attr("to"), out var to) || to.Server is not (JidServers.WhatsApp or JidServers.Lid)
            || await accounts.FindByJidAsync(to with { Device = null, Agent = null }, cancellationToken).ConfigureAwait(false) is not { } target)
        {
            return;
        }

        var addressedAs = (to with { Device = null, Agent = null }).ToString();
        _subscribers.GetOrAdd(target.Phone, _ => new())[(device.Account.Phone, device.DeviceId)] = addressedAs;
        if (connection.PresenceAvailable)
        {
            connection.Send(PresenceOf(target.Phone, addressedAs));
        }
    }

    private Task AccountChangedAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        var available = account.Devices.Any(d => d.DeviceId != 0 && devices.Find(account.Phone, d.DeviceId) is { PresenceAvailable: true });
        var was = _available.GetValueOrDefault(account.Phone);
        if (available == was)
        {
            return Task.CompletedTask;
        }

        _available[account.Phone] = available;
        if (!available)
        {
            _lastSeen[account.Phone] = time.GetUtcNow().ToUnixTimeSeconds();
        }

        if (_subscribers.TryGetValue(account.Phone, out var subscribers))
        {
            foreach (var ((phone, deviceId), addressedAs) in subscribers)
            {
                if (devices.Find(phone, deviceId) is { PresenceAvailable: true } connection)
                {
                    connection.Send(PresenceOf(account.Phone, addressedAs));
                }
            }
        }

        return Task.CompletedTask;
    }

    private Node PresenceOf(string phone, string addressedAs) =>
        IsAvailable(phone)
            ? new Node("presence", NodeAttributes.Of(("from", addressedAs)))
            : _lastSeen.TryGetValue(phone, out var last)
                ? new Node("presence", NodeAttributes.Of(("from", addressedAs), ("type", "unavailable"), ("last", last.ToString(CultureInfo.InvariantCulture))))
                : new Node("presence", NodeAttributes.Of(("from", addressedAs), ("type", "unavailable")));
}

/// <summary>A chat state the server routed: from whom to whom (a phone, or a group JID), which (<c>composing</c> or <c>paused</c>), and when.</summary>
internal sealed record RoutedChatState(string FromPhone, string ToPhone, string State, DateTimeOffset At);
