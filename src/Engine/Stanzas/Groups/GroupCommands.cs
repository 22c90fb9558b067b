using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>
/// A line's group commands (CONTRACT §3b): each is one <c>w:g2</c> query on the logged-in connection, and what the
/// server accepted is written to the line's group store at once (the <c>w:gp2</c> notification that follows raises the
/// webhook). Metadata is read from the store; the server is asked only for a group the line does not know (R5).
/// Safe from any thread.
/// </summary>
/// <exception cref="LineException">Disconnected when the line is not logged in; ServerError (with <see cref="LineException.ServerCode"/>: 401/403 not an admin, 404 unknown group) or Timeout.</exception>
public sealed class GroupCommands
{
    /// <summary>Where invite links point.</summary>
    public const string InviteLinkPrefix = "https://chat.whatsapp.com/";

    private readonly IGroupStore _groups;
    private readonly Func<Func<string, Node>, CancellationToken, Task<Node>> _query;
    private readonly Func<(string Me, string? Lid)?> _me;
    private readonly TimeProvider _time;

    internal GroupCommands(IGroupStore groups, Func<Func<string, Node>, CancellationToken, Task<Node>> query, Func<(string Me, string? Lid)?> me, TimeProvider time)
    {
        _groups = groups;
        _query = query;
        _me = me;
        _time = time;
    }

    /// <summary>The line's group store.</summary>
    public IGroupStore Store => _groups;

    /// <summary>Every group the line knows, from its store.</summary>
    public Task<IReadOnlyList<GroupInfo>> ListAsync(CancellationToken cancellationToken) => _groups.ListAsync(cancellationToken);

    /// <summary>Asks the server for every group the account is in and stores them (no webhooks; see <see cref="GroupSync"/>); returns them.</summary>
    public async Task<IReadOnlyList<GroupInfo>> SyncAsync(CancellationToken cancellationToken)
    {
        var storedBefore = await GroupSync.StoredAsync(_groups, cancellationToken).ConfigureAwait(false);
        var answer = await _query(GroupStanzas.BuildParticipatingQuery, cancellationToken).ConfigureAwait(false);
        return await GroupSync.ApplyAsync(_groups, answer, _time.GetUtcNow(), cancellationToken, storedBefore).ConfigureAwait(false);
    }

    /// <summary>The group from the store, or asked once from the server when the line does not know it; null when the server does not know it either (404).</summary>
    public async Task<GroupInfo?> InfoAsync(string groupJid, CancellationToken cancellationToken)
    {
        if (await _groups.GetAsync(groupJid, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        try
        {
            var answer = await _query(id => GroupStanzas.BuildMetadataQuery(id, groupJid), cancellationToken).ConfigureAwait(false);
            if (answer.Child("group") is not { } node)
            {
                return null;
            }

            var group = GroupStanzas.ParseGroup(node);
            await _groups.SaveAsync(group, cancellationToken).ConfigureAwait(false);
            return group;
        }
        catch (LineException ex) when (ex.ServerCode is 404 or 403 or 401)
        {
            return null;
        }
    }

    /// <summary>Creates a group with <paramref name="participantJids"/> (bare JIDs) and stores it; each participant's outcome comes back.</summary>
    public async Task<(GroupInfo Group, IReadOnlyList<GroupParticipantOutcome> Participants)> CreateAsync(string subject, IReadOnlyList<string> participantJids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participantJids);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var answer = await _query(id => GroupStanzas.BuildCreate(id, subject, key, participantJids), cancellationToken).ConfigureAwait(false);
        var node = answer.Child("group") ?? throw new StanzaException("The answer to a group create has no <group>.");
        var results = GroupStanzas.ParseParticipantResults(node).ToDictionary(r => r.Jid, StringComparer.Ordinal);
        var parsed = GroupStanzas.ParseGroup(node);
        var members = parsed.Participants.Where(m => !results.TryGetValue(m.Jid, out var r) || r.Code == 200).ToList();
        var group = parsed with { Participants = members };
        await _groups.SaveAsync(group, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<GroupParticipantOutcome>();
        foreach (var asked in participantJids)
        {
            var member = members.FirstOrDefault(m => m.Is(asked));
            var result = results.Values.FirstOrDefault(r => r.Jid == asked || (r.Member?.Is(asked) ?? false));
            var code = member is not null ? 200 : result.Jid is not null ? result.Code : 404;
            outcomes.Add(new GroupParticipantOutcome(asked, member?.Lid ?? result.Member?.Lid, member?.Admin, GroupParticipantOutcome.StatusOf("add", code == 200 && member is null ? 404 : code)));
        }

        return (group, outcomes);
    }

    /// <summary>add, remove, promote or demote participants; what the server accepted is applied to the store (a removal rotates our sender key).</summary>
    public async Task<IReadOnlyList<GroupParticipantOutcome>> ChangeParticipantsAsync(string groupJid, string action, IReadOnlyList<string> participantJids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participantJids);
        if (action is not ("add" or "remove" or "promote" or "demote"))
        {
            throw new ArgumentException($"'{action}' is not a participant action (add, remove, promote, demote).", nameof(action));
        }

        var answer = await _query(id => GroupStanzas.BuildParticipantsChange(id, groupJid, action, participantJids), cancellationToken).ConfigureAwait(false);
        var results = GroupStanzas.ParseParticipantResults(answer.Child(action) ?? answer);
        var accepted = new List<GroupMember>();
        var outcomes = new List<GroupParticipantOutcome>();
        foreach (var asked in participantJids)
        {
            var match = results.FirstOrDefault(r => r.Jid == asked || (r.Member?.Is(asked) ?? false));
            var code = match.Jid is null ? 200 : match.Code;
            var member = match.Member ?? new GroupMember(asked, asked.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal) ? null : asked, asked.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal) ? asked : null, null);
            if (code == 200)
            {
                accepted.Add(member with { Admin = action == "promote" ? "admin" : null });
            }

            outcomes.Add(new GroupParticipantOutcome(asked, member.Lid, action == "promote" && code == 200 ? "admin" : member.Admin, GroupParticipantOutcome.StatusOf(action, code)));
        }

        if (accepted.Count > 0)
        {
            await _groups.ApplyAsync(new GroupChange.Participants(groupJid, OwnJid(), _time.GetUtcNow(), action, accepted), journal: false, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <summary>Changes subject, description, announce and locked (each given one is one query, in that order) and returns the stored group.</summary>
    public async Task<GroupInfo?> UpdateAsync(string groupJid, string? subject, string? description, bool? announce, bool? locked, CancellationToken cancellationToken)
    {
        var current = await InfoAsync(groupJid, cancellationToken).ConfigureAwait(false)
            ?? throw new LineException(LineErrorKind.ServerError, $"The line is not in group {groupJid}.") { ServerCode = 404 };
        var by = OwnJid();
        if (subject is not null)
        {
            await _query(id => GroupStanzas.BuildSubject(id, groupJid, subject), cancellationToken).ConfigureAwait(false);
            await _groups.ApplyAsync(new GroupChange.Updated(groupJid, by, _time.GetUtcNow(), Subject: subject), journal: false, cancellationToken).ConfigureAwait(false);
        }

        if (description is not null)
        {
            var newId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            await _query(id => GroupStanzas.BuildDescription(id, groupJid, description, newId, current.DescriptionId), cancellationToken).ConfigureAwait(false);
            await _groups.ApplyAsync(new GroupChange.Updated(groupJid, by, _time.GetUtcNow(), Description: description, DescriptionId: newId), journal: false, cancellationToken).ConfigureAwait(false);
        }

        if (announce is { } on)
        {
            await _query(id => GroupStanzas.BuildSetting(id, groupJid, on ? "announcement" : "not_announcement"), cancellationToken).ConfigureAwait(false);
            await _groups.ApplyAsync(new GroupChange.Updated(groupJid, by, _time.GetUtcNow(), Announce: on), journal: false, cancellationToken).ConfigureAwait(false);
        }

        if (locked is { } isLocked)
        {
            await _query(id => GroupStanzas.BuildSetting(id, groupJid, isLocked ? "locked" : "unlocked"), cancellationToken).ConfigureAwait(false);
            await _groups.ApplyAsync(new GroupChange.Updated(groupJid, by, _time.GetUtcNow(), Locked: isLocked), journal: false, cancellationToken).ConfigureAwait(false);
        }

        return await _groups.GetAsync(groupJid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's invite code; <paramref name="revoke"/> replaces it first (the old one stops working).</summary>
    public async Task<string> InviteCodeAsync(string groupJid, bool revoke, CancellationToken cancellationToken)
    {
        var answer = await _query(id => GroupStanzas.BuildInvite(id, groupJid, revoke), cancellationToken).ConfigureAwait(false);
        return answer.Child("invite")?.Attr("code") is { Length: > 0 } code
            ? code
            : throw new StanzaException($"The invite answer for {groupJid} has no code.");
    }

    /// <summary>Joins the group <paramref name="code"/> invites to and stores it; returns its JID.</summary>
    public async Task<string> JoinAsync(string code, CancellationToken cancellationToken)
    {
        var answer = await _query(id => GroupStanzas.BuildJoin(id, code), cancellationToken).ConfigureAwait(false);
        var jid = GroupStanzas.Bare(answer.Child("group")?.Attr("jid")) ?? throw new StanzaException("The answer to a join has no group jid.");
        try
        {
            var metadata = await _query(id => GroupStanzas.BuildMetadataQuery(id, jid), cancellationToken).ConfigureAwait(false);
            if (metadata.Child("group") is { } node)
            {
                await _groups.SaveAsync(GroupStanzas.ParseGroup(node), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LineException)
        {
            // Joined all the same: the metadata comes with the next notification or info request.
        }

        return jid;
    }

    /// <summary>Leaves the group and forgets it (its messages stay).</summary>
    public async Task LeaveAsync(string groupJid, CancellationToken cancellationToken)
    {
        var answer = await _query(id => GroupStanzas.BuildLeave(id, groupJid), cancellationToken).ConfigureAwait(false);
        if (answer.Child("leave")?.ChildrenNamed("group").FirstOrDefault()?.Attr("error") is { } error)
        {
            // The server answers per group: 404 no such group, 403 not a participant — either way the line is not in it.
            throw new LineException(LineErrorKind.ServerError, $"The server refused to let the line leave {groupJid}: error {error}.") { ServerCode = 404 };
        }

        await _groups.ForgetAsync(groupJid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether our account is an admin of <paramref name="group"/>.</summary>
    public bool IsAdmin(GroupInfo group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (_me() is not { } me)
        {
            return false;
        }

        return GroupNotificationHandler.OwnNames(me.Me, me.Lid).Any(name => group.Find(name)?.IsAdmin == true);
    }

    private string? OwnJid() => _me() is { } me ? GroupStanzas.Bare(me.Me) : null;
}
