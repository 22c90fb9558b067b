using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Plans a group message outside the loop: the participants from the line's group store (asked from the server only
/// when the line does not know the group, SERVER-RULES R5), every participant device in one batched usync (cached
/// lists reused), which of them lack our sender key, and the prekey bundles of those without a session, fetched in one
/// query. Addresses follow the group's addressing mode (LID or phone number) throughout.
/// </summary>
internal sealed class GroupSendPlanner(LineOptions options, ISignalStore signal, IGroupStore groups, SendPlanner devices)
{
    /// <exception cref="SendRefusedException">The line is not in the group.</exception>
    /// <exception cref="LineException">An iq failed or timed out (the message stays queued).</exception>
    public async Task<SendPlan> PlanAsync(LineConnection connection, string groupJid, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        var group = await groups.GetAsync(groupJid, cancellationToken).ConfigureAwait(false)
            ?? await FetchAsync(connection, groupJid, cancellationToken).ConfigureAwait(false)
            ?? throw new SendRefusedException($"The line is not in group {groupJid}.");
        var byLid = group.LidAddressing && meLid is not null;
        var own = byLid ? new Jid(meLid!.Value.User, JidServers.Lid) : new Jid(me.User, JidServers.WhatsApp);
        var ownNames = GroupNotificationHandler.OwnNames(me.ToString(), meLid?.ToString());
        if (!group.Participants.Any(p => ownNames.Any(p.Is)))
        {
            throw new SendRefusedException($"The line is no longer a participant of group {groupJid}.");
        }

        // Device lists are asked by phone number where the group names one (a usync by LID may be answered under the phone
        // number, and the cached lists are keyed by it); the devices are then addressed in the group's namespace.
        var members = group.Participants
            .Select(p => ownNames.Any(p.Is)
                ? (Query: new Jid(me.User, JidServers.WhatsApp).ToString(), Address: own.ToString())
                : (Query: p.PhoneNumber ?? p.Jid, Address: byLid ? p.Lid ?? p.Jid : p.PhoneNumber ?? p.Jid))
            .DistinctBy(m => m.Address, StringComparer.Ordinal)
            .ToList();
        var lists = await devices.DevicesAsync(connection, [.. members.Select(m => m.Query).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var ownDevice = me.Device ?? 0;
        var all = new List<Jid>();
        foreach (var (query, address) in members)
        {
            if ((lists.GetValueOrDefault(query) ?? lists.GetValueOrDefault(address)) is not { } list || !Jid.TryParse(address, out var userJid))
            {
                continue;
            }

            // Hosted (Cloud API) devices take no group messages (R4).
            all.AddRange(list.DeviceIds.Where(d => d != HostedDevice.Id).Select(d => userJid with { Device = (ushort)d }));
        }

        var recipients = all.Where(d => !(d.User == own.User && (d.Device ?? 0) == ownDevice)).ToList();
        var (holders, rotate) = await groups.KeyHoldersAsync(groupJid, cancellationToken).ConfigureAwait(false);
        var ownName = new SenderKeyName(groupJid, SendPlanner.AddressOf(own with { Device = (ushort)ownDevice }));
        var hasKey = await signal.SenderKeys.LoadSenderKeyAsync(ownName, cancellationToken).ConfigureAwait(false) is { IsEmpty: false };
        rotate |= !hasKey;
        // The pairwise part goes on each device's one session (under its LID once known), as for one-to-one messages.
        var targets = new List<SendTarget>();
        foreach (var device in recipients.Where(d => rotate || !holders.Contains(DeviceJid.Format(d))))
        {
            Jid? lidHint = device.User == me.User && meLid is { } ownLid ? ownLid : null;
            var address = await devices.Addresses.ForDeviceAsync(device, lidHint, cancellationToken).ConfigureAwait(false);
            targets.Add(new SendTarget(DeviceJid.Format(device), address, Own: false));
        }

        var missing = new List<SendTarget>();
        foreach (var target in targets)
        {
            if (await signal.Sessions.LoadSessionAsync(target.Address, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
            {
                missing.Add(target);
            }
        }

        var bundles = new Dictionary<SignalAddress, PreKeyBundle>();
        if (missing.Count > 0)
        {
            var fetched = await devices.FetchBundlesAsync(connection, missing.Select(t => t.DeviceJid), cancellationToken).ConfigureAwait(false);
            foreach (var target in missing)
            {
                if (fetched.GetValueOrDefault(target.DeviceJid) is { } bundle)
                {
                    bundles[target.Address] = bundle;
                }
            }

            targets.RemoveAll(t => missing.Contains(t) && !bundles.ContainsKey(t.Address));
        }

        return new SendPlan(groupJid, null, targets, bundles, Phash: ParticipantHash.Of(all), ListedUsers: [.. members.Select(m => m.Query)])
        {
            Group = new GroupSendPlan(groupJid, group.LidAddressing, ownName, rotate, [.. recipients.Select(d => DeviceJid.Format(d))]),
        };
    }

    private async Task<GroupInfo?> FetchAsync(LineConnection connection, string groupJid, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await connection.QueryAsync(GroupStanzas.BuildMetadataQuery(connection.NextId(), groupJid), options.IqTimeout, cancellationToken).ConfigureAwait(false);
            if (answer.Child("group") is not { } node)
            {
                return null;
            }

            var group = GroupStanzas.ParseGroup(node);
            await groups.SaveAsync(group, cancellationToken).ConfigureAwait(false);
            return group;
        }
        catch (LineException ex) when (ex.ServerCode is 403 or 404 or 401)
        {
            return null;
        }
    }
}
