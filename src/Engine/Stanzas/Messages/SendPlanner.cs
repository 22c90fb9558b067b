using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The I/O half of sending, run outside the actor loop: device lists (cached per line, fetched by usync when missing
/// or stale) and prekey bundles for devices without a session. It only reads Signal state; sessions are built and
/// messages encrypted in the loop.
/// </summary>
internal sealed class SendPlanner(LineOptions options, ISignalStore signal, IMessageStore messages, PrivacyTokenKeeper tokens, TimeProvider time, SessionAddresses? sessionAddresses = null)
{
    private readonly SessionAddresses _addresses = sessionAddresses ?? new SessionAddresses(signal, messages, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>Where each device's one Signal session lives (the retry and placeholder paths resolve through it too).</summary>
    public SessionAddresses Addresses => _addresses;

    /// <summary>Plans group messages (set once when the line is composed with a group store).</summary>
    public GroupSendPlanner? Groups { get; set; }

    /// <summary>
    /// The devices to encrypt <paramref name="chatJid"/>'s message for: the peer's, and our own others. The whole stanza
    /// is addressed in one namespace (SERVER-RULES R1): by LID when both the peer's LID and ours are known and our account
    /// is LID-migrated (LID first, as WhatsApp's clients send direct messages), else by phone number. Each device has one Signal session whatever the
    /// stanza's namespace: under its LID once known, else under its phone number (<see cref="SessionAddresses"/>).
    /// Bundles <paramref name="prefetched"/> for a window of queued messages are used first; only the devices still
    /// without one are asked for.
    /// </summary>
    /// <exception cref="LineException">An iq failed or timed out (the message stays queued).</exception>
    /// <exception cref="SendRefusedException">The recipient has no devices (not on WhatsApp).</exception>
    public async Task<SendPlan> PlanAsync(LineConnection connection, string chatJid, Jid me, Jid? meLid, CancellationToken cancellationToken, PlanPrefetch? prefetched = null)
    {
        var chat = Jid.Parse(chatJid);
        if (chat.Server == JidServers.Group)
        {
            return await (Groups ?? throw new SendRefusedException($"{chatJid} is a group, and this line keeps no groups."))
                .PlanAsync(connection, chatJid, me, meLid, cancellationToken).ConfigureAwait(false);
        }

        var ownUser = new Jid(me.User, JidServers.WhatsApp).ToString();
        var lists = await DevicesAsync(connection, [.. new[] { chat.ToString(), ownUser }.Distinct()], cancellationToken).ConfigureAwait(false);
        var (addressed, missing) = await AddressAsync(chat, me, meLid, lists, cancellationToken).ConfigureAwait(false);
        var targets = addressed.Targets;
        var bundles = new Dictionary<SignalAddress, PreKeyBundle>();
        if (missing.Count > 0)
        {
            var ask = new List<string>();
            foreach (var target in missing)
            {
                if (prefetched is not null && prefetched.TryGet(target.DeviceJid, out var bundle))
                {
                    bundles[target.Address] = bundle;
                }
                else
                {
                    ask.Add(target.DeviceJid);
                }
            }

            if (ask.Count > 0)
            {
                var fetched = await FetchBundlesAsync(connection, ask, cancellationToken).ConfigureAwait(false);
                foreach (var target in missing)
                {
                    if (fetched.GetValueOrDefault(target.DeviceJid) is { } bundle)
                    {
                        bundles[target.Address] = bundle;
                    }
                }
            }

            // Devices that published no keys cannot be reached; WhatsApp clients skip them.
            targets.RemoveAll(t => missing.Contains(t) && !bundles.ContainsKey(t.Address));
        }

        if (targets.Count == 0 || (!addressed.ToSelf && !targets.Any(t => !t.Own)))
        {
            throw new SendRefusedException($"No device of {chatJid} has published keys.");
        }

        var (peer, peerPn, peerLid, byLid, stanzaPeer, stanzaOwn, toSelf) = (addressed.Peer, addressed.PeerPn, addressed.PeerLid, addressed.ByLid, addressed.StanzaPeer, addressed.StanzaOwn, addressed.ToSelf);

        // R2: the contact's token rides along when one lives, else our cstoken; ours is issued after the message is written when due.
        if (toSelf)
        {
            return new SendPlan(stanzaPeer.ToString(), byLid ? peerPn?.ToString() : null, targets, bundles);
        }

        var contact = (peerLid ?? peerPn!.Value).ToString();
        var (tcToken, issueDue) = await tokens.ForSendAsync(contact, cancellationToken).ConfigureAwait(false);
        // R16: the devices the lists name (before any without keys are dropped), ours included, as the server counts them.
        var listed = peer.DeviceIds.Select(d => HostedDevice.Of(stanzaPeer, d))
            .Concat((lists.GetValueOrDefault(ownUser)?.DeviceIds ?? []).Select(d => HostedDevice.Of(stanzaOwn, d)));
        return new SendPlan(stanzaPeer.ToString(), byLid ? peerPn?.ToString() : null, targets, bundles, contact, tcToken, issueDue,
            ParticipantHash.Of(listed), [peer.UserJid, ownUser])
        {
            CsToken = tcToken is null ? await tokens.CsTokenAsync(contact, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    /// <summary>
    /// The devices of a 1:1 chat to encrypt for (from <paramref name="lists"/>, which hold the peer's and our own device
    /// lists), each under its one Signal session, and those of them without a session yet.
    /// </summary>
    /// <exception cref="SendRefusedException">The recipient has no devices, or is a LID we cannot write to.</exception>
    internal async Task<(Addressed Addressed, List<SendTarget> Missing)> AddressAsync(Jid chat, Jid me, Jid? meLid, IReadOnlyDictionary<string, DeviceList> lists, CancellationToken cancellationToken)
    {
        var ownUser = new Jid(me.User, JidServers.WhatsApp).ToString();
        var peer = lists.GetValueOrDefault(chat.ToString());
        if (peer is null || peer.DeviceIds.Count == 0)
        {
            throw new SendRefusedException($"{chat} has no WhatsApp devices (the number is not on WhatsApp).");
        }

        var peerPn = chat.Server == JidServers.Lid ? await KnownUserAsync(messages.FindPnForLidAsync(chat.ToString(), cancellationToken)).ConfigureAwait(false) : chat;
        var peerLid = chat.Server == JidServers.Lid ? chat : await KnownUserAsync(messages.FindLidForPnAsync(chat.ToString(), cancellationToken)).ConfigureAwait(false);
        var ownLid = meLid is { } lid ? new Jid(lid.User, JidServers.Lid) : (Jid?)null;
        // By LID only once our account is LID-migrated (R1's account side), or when the peer is a LID with no known number.
        var byLid = peerLid is not null && ownLid is not null
            && (peerPn is null || await messages.GetLidMigratedAtAsync(cancellationToken).ConfigureAwait(false) is not null);
        if (!byLid && peerPn is null)
        {
            throw new SendRefusedException($"{chat} is a LID whose phone number is unknown, and this line has no LID of its own to write to it with.");
        }

        var stanzaPeer = byLid ? peerLid!.Value : peerPn!.Value;
        var stanzaOwn = byLid ? ownLid!.Value : new Jid(me.User, JidServers.WhatsApp);

        // One session per device, under its LID once the LID is known (SessionAddresses), whichever id the stanza carries.
        var targets = new List<SendTarget>();
        var toSelf = chat.User == me.User || (ownLid is { } selfLid && chat.User == selfLid.User);
        foreach (var device in toSelf ? [] : peer.DeviceIds)
        {
            var named = (peerPn ?? peerLid!.Value) with { Device = (ushort)device };
            var address = await _addresses.ForDeviceAsync(named, peerLid, cancellationToken).ConfigureAwait(false);
            targets.Add(new SendTarget(DeviceJid.Format(HostedDevice.Of(stanzaPeer, device)), address, Own: false));
        }

        if (lists.GetValueOrDefault(ownUser) is { } own)
        {
            // Our own hosted device, if the account has one, is the business's Cloud API, not a companion to mirror to.
            foreach (var device in own.DeviceIds.Where(d => d != (me.Device ?? 0) && d != HostedDevice.Id))
            {
                var session = await _addresses.ForDeviceAsync(new Jid(me.User, JidServers.WhatsApp, (ushort)device), ownLid, cancellationToken).ConfigureAwait(false);
                targets.Add(new SendTarget(DeviceJid.Format(stanzaOwn with { Device = (ushort)device }), session, Own: true));
            }
        }

        var missing = new List<SendTarget>();
        foreach (var target in targets)
        {
            if (await signal.Sessions.LoadSessionAsync(target.Address, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
            {
                missing.Add(target);
            }
        }

        return (new Addressed(peer, peerPn, peerLid, byLid, stanzaPeer, stanzaOwn, toSelf, targets), missing);
    }

    /// <summary>Fetches the prekey bundles of <paramref name="deviceJids"/>.</summary>
    public async Task<IReadOnlyDictionary<string, PreKeyBundle?>> FetchBundlesAsync(LineConnection connection, IEnumerable<string> deviceJids, CancellationToken cancellationToken)
    {
        var answer = await connection.QueryAsync(DeviceStanzas.BuildBundleQuery(connection.NextId(), deviceJids), options.IqTimeout, cancellationToken).ConfigureAwait(false);
        return DeviceStanzas.ParseBundles(answer);
    }

    /// <summary>The Signal address of a device JID (LID devices live in the LID domain).</summary>
    public static SignalAddress AddressOf(Jid device) =>
        SignalAddress.ForUser(device.User, device.Server == JidServers.Lid ? SignalAddress.LidDomainType : 0, device.Device ?? 0);

    private static async Task<Jid?> KnownUserAsync(Task<string?> lookup) =>
        await lookup.ConfigureAwait(false) is { } text && Jid.TryParse(text, out var jid) ? jid with { Device = null } : null;

    internal async Task<Dictionary<string, DeviceList>> DevicesAsync(LineConnection connection, IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, DeviceList>(StringComparer.Ordinal);
        var stale = new List<string>();
        var now = time.GetUtcNow();
        foreach (var user in users)
        {
            if (await messages.GetDeviceListAsync(user, cancellationToken).ConfigureAwait(false) is { } cached && now - cached.FetchedAt < options.DeviceListTtl)
            {
                result[user] = cached;
            }
            else
            {
                stale.Add(user);
            }
        }

        if (stale.Count == 0)
        {
            return result;
        }

        var answer = await connection.QueryAsync(DeviceStanzas.BuildDeviceQuery(connection.NextId(), stale), options.IqTimeout, cancellationToken).ConfigureAwait(false);
        // One answer, one write: a big group's lists and LID mappings go in one transaction.
        var lists = new List<DeviceList>();
        var mappings = new List<(string, string)>();
        foreach (var user in DeviceStanzas.ParseDeviceList(answer))
        {
            var list = new DeviceList(user.UserJid, user.DeviceIds, now);
            lists.Add(list);
            if (user.Lid is { } lid && Jid.TryParse(lid, out var lidJid) && Jid.TryParse(user.UserJid, out var pn) && pn.Server == JidServers.WhatsApp)
            {
                mappings.Add(((lidJid with { Device = null }).ToString(), user.UserJid));
            }

            result[user.UserJid] = list;
        }

        await messages.SaveDeviceListsAsync(lists, mappings, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>How a 1:1 message is addressed: the peer's device list and ids, the stanza's namespace, the targets.</summary>
    internal sealed record Addressed(DeviceList Peer, Jid? PeerPn, Jid? PeerLid, bool ByLid, Jid StanzaPeer, Jid StanzaOwn, bool ToSelf, List<SendTarget> Targets);
}
