using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>
/// <c>w:gp2</c> notifications (the router acks them first): each change updates the stored group and journals its
/// <c>group.update</c> / <c>group.participants</c> webhook; a participant leaving or removed marks our sender key for
/// rotation. A group the line does not know yet (we were added, or a create) is read once from the notification or,
/// when it carries no metadata, fetched once in the background. Called only on the line's loop.
/// </summary>
internal sealed class GroupNotificationHandler(IGroupStore groups, LineOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Held while our removal from a group is stored and while a background fetch's answer is saved: a fetch answered
    /// while we were still in the group must not bring it back after the removal was handled (seen under load).
    /// </summary>
    private readonly SemaphoreSlim _saving = new(1, 1);

    /// <summary>How many times we left or were removed from each group, for a fetch to see that it is outdated.</summary>
    private readonly Dictionary<string, int> _departures = new(StringComparer.Ordinal);

    /// <summary>Handles one <c>w:gp2</c> notification.</summary>
    public async Task<StanzaOutcome> HandleAsync(Node notification, LineContext context)
    {
        if (GroupStanzas.Bare(notification.Attr("from")) is not { } groupJid || context.Paired is not { Me: { } me } credentials)
        {
            return StanzaOutcome.None;
        }

        var by = GroupStanzas.Bare(notification.Attr("participant_pn")) ?? GroupStanzas.Bare(notification.Attr("participant"));
        var at = long.TryParse(notification.Attr("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? DateTimeOffset.FromUnixTimeSeconds(t) : time.GetUtcNow();
        var ownNames = OwnNames(me, credentials.Lid);
        var fetch = false;
        var events = new List<Events.LineEvent>();
        foreach (var child in notification.Children)
        {
            var change = Parse(groupJid, by, at, child, notification.Attr("participant"));
            if (change is null)
            {
                continue;
            }

            var known = await groups.GetAsync(groupJid, context.Lifetime).ConfigureAwait(false) is not null;
            await groups.ApplyAsync(change, journal: true, context.Lifetime).ConfigureAwait(false);
            events.Add(new Events.GroupChanged(context.LineId, time.GetUtcNow(), change));
            if (change is GroupChange.Participants { Action: "remove" or "leave" } gone && gone.Members.Any(m => ownNames.Any(m.Is)))
            {
                await _saving.WaitAsync(context.Lifetime).ConfigureAwait(false);
                try
                {
                    _departures[groupJid] = _departures.GetValueOrDefault(groupJid) + 1;
                    await groups.ForgetAsync(groupJid, context.Lifetime).ConfigureAwait(false);
                }
                finally
                {
                    _saving.Release();
                }

                fetch = false;
            }
            else if (!known && change is not GroupChange.Created)
            {
                fetch = true;
            }
        }

        var outcome = fetch && context.Connection is { } connection ? FetchOnce(connection, groupJid) : StanzaOutcome.None;
        return events.Count == 0 ? outcome : outcome with { Events = events };
    }

    /// <summary>The change one child of a <c>w:gp2</c> notification describes, or null for one the line does not track.</summary>
    public static GroupChange? Parse(string groupJid, string? by, DateTimeOffset at, Node child, string? actor)
    {
        ArgumentNullException.ThrowIfNull(child);
        switch (child.Tag)
        {
            case "create":
                return child.Child("group") is { } group ? new GroupChange.Created(GroupStanzas.ParseGroup(group), by, at) : null;
            case "add" or "remove" or "promote" or "demote" or "leave":
                var members = child.ChildrenNamed("participant").Select(GroupStanzas.ParseMember).Where(m => m is not null).Select(m => m!).ToList();
                var action = child.Tag;
                if (action == "add" && child.Attr("reason") is "invite" or "linked_group_join")
                {
                    action = "join";
                }
                else if (action == "remove" && members.Count == 1 && actor is not null && members[0].Is(GroupStanzas.Bare(actor) ?? ""))
                {
                    action = "leave";
                }

                return new GroupChange.Participants(groupJid, by, at, action, members);
            case "subject":
                return new GroupChange.Updated(groupJid, by, at, Subject: child.Attr("subject") ?? "");
            case "description":
                var text = child.Child("body") is { } body ? Encoding.UTF8.GetString(body.ContentBytes().Span) : "";
                return new GroupChange.Updated(groupJid, by, at, Description: text, DescriptionId: child.Attr("id"));
            case "announcement" or "not_announcement":
                return new GroupChange.Updated(groupJid, by, at, Announce: child.Tag == "announcement");
            case "locked" or "unlocked":
                return new GroupChange.Updated(groupJid, by, at, Locked: child.Tag == "locked");
            default:
                return null;
        }
    }

    /// <summary>Our account's bare JIDs (phone number and LID).</summary>
    public static string[] OwnNames(string me, string? lid)
    {
        var names = new List<string>();
        if (GroupStanzas.Bare(me) is { } pn)
        {
            names.Add(pn);
        }

        if (GroupStanzas.Bare(lid) is { } ownLid)
        {
            names.Add(ownLid);
        }

        return [.. names];
    }

    private StanzaOutcome FetchOnce(LineConnection connection, string groupJid)
    {
        var departures = _departures.GetValueOrDefault(groupJid);
        return StanzaOutcome.Run("group_metadata", async (_, cancellationToken) =>
        {
            try
            {
                var answer = await connection.QueryAsync(GroupStanzas.BuildMetadataQuery(connection.NextId(), groupJid), options.IqTimeout, cancellationToken).ConfigureAwait(false);
                if (answer.Child("group") is not { } group)
                {
                    return;
                }

                await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    // Removed from the group while the answer was on its way: it describes a group we are no longer in.
                    if (_departures.GetValueOrDefault(groupJid) == departures)
                    {
                        await groups.SaveAsync(GroupStanzas.ParseGroup(group), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _saving.Release();
                }
            }
            catch (Exception ex) when (ex is LineException or StanzaException)
            {
                LineLog.StanzaFailed(logger, "w:gp2 " + groupJid, "metadata fetch failed: " + ex.Message);
            }
        });
    }
}
