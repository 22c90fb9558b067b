using System.Globalization;
using System.Text;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>
/// The <c>w:g2</c> queries a line sends about groups and the <c>&lt;group&gt;</c> node the server answers with, in the
/// shapes WhatsApp uses (Baileys lib/Socket/groups.js, whatsmeow group.go): <c>to</c> is the group, or <c>@g.us</c>
/// for create, join, leave and the participating list.
/// </summary>
public static class GroupStanzas
{
    /// <summary>The <c>to</c> of queries about no group in particular.</summary>
    public const string GroupServer = "@g.us";

    /// <summary>The namespace of group queries.</summary>
    public const string Xmlns = "w:g2";

    /// <summary>The metadata of one group (rate-limited by the server: R5).</summary>
    public static Node BuildMetadataQuery(string id, string groupJid) => Query(id, groupJid, "get", new Node("query", NodeAttributes.Of(("request", "interactive"))));

    /// <summary>Every group the account is in, with participants and descriptions.</summary>
    public static Node BuildParticipatingQuery(string id) =>
        Query(id, GroupServer, "get", new Node("participating", null, [new Node("participants"), new Node("description")]));

    /// <summary>Tells the server the account's <paramref name="type"/> (<c>groups</c>) is no longer dirty (Baileys cleanDirtyBits; whatsmeow MarkNotDirty).</summary>
    public static Node BuildCleanDirty(string id, string type) =>
        new("iq", NodeAttributes.Of(("id", id), ("type", "set"), ("xmlns", "urn:xmpp:whatsapp:dirty"), ("to", "@" + JidServers.WhatsApp)),
            [new Node("clean", NodeAttributes.Of(("type", type)))]);

    /// <summary>Creates a group; <paramref name="key"/> is a fresh message-style id that makes the create idempotent.</summary>
    public static Node BuildCreate(string id, string subject, string key, IEnumerable<string> participantJids) =>
        Query(id, GroupServer, "set", new Node("create", NodeAttributes.Of(("subject", subject), ("key", key)),
            participantJids.Select(jid => new Node("participant", NodeAttributes.Of(("jid", jid))))));

    /// <summary>add, remove, promote or demote <paramref name="participantJids"/>.</summary>
    public static Node BuildParticipantsChange(string id, string groupJid, string action, IEnumerable<string> participantJids) =>
        Query(id, groupJid, "set", new Node(action, null, participantJids.Select(jid => new Node("participant", NodeAttributes.Of(("jid", jid))))));

    /// <summary>A new subject.</summary>
    public static Node BuildSubject(string id, string groupJid, string subject) =>
        Query(id, groupJid, "set", new Node("subject", null, Encoding.UTF8.GetBytes(subject)));

    /// <summary>A new description (<paramref name="text"/> empty deletes it); <paramref name="previousId"/> names the one it replaces.</summary>
    public static Node BuildDescription(string id, string groupJid, string? text, string newId, string? previousId)
    {
        var attributes = new List<(string, string)>();
        attributes.Add(string.IsNullOrEmpty(text) ? ("delete", "true") : ("id", newId));
        if (previousId is { Length: > 0 })
        {
            attributes.Add(("prev", previousId));
        }

        var description = string.IsNullOrEmpty(text)
            ? new Node("description", NodeAttributes.Of([.. attributes]))
            : new Node("description", NodeAttributes.Of([.. attributes]), [new Node("body", null, Encoding.UTF8.GetBytes(text))]);
        return Query(id, groupJid, "set", description);
    }

    /// <summary>A setting: <c>announcement</c>/<c>not_announcement</c> or <c>locked</c>/<c>unlocked</c>.</summary>
    public static Node BuildSetting(string id, string groupJid, string setting) => Query(id, groupJid, "set", new Node(setting));

    /// <summary>The invite code (get), or a new one that revokes the old (set).</summary>
    public static Node BuildInvite(string id, string groupJid, bool revoke) => Query(id, groupJid, revoke ? "set" : "get", new Node("invite"));

    /// <summary>Joins the group an invite code names.</summary>
    public static Node BuildJoin(string id, string code) => Query(id, GroupServer, "set", new Node("invite", NodeAttributes.Of(("code", code))));

    /// <summary>Leaves a group.</summary>
    public static Node BuildLeave(string id, string groupJid) =>
        Query(id, GroupServer, "set", new Node("leave", null, [new Node("group", NodeAttributes.Of(("id", groupJid)))]));

    /// <summary>Reads a <c>&lt;group&gt;</c> node (an answer's child, or a <c>create</c> notification's).</summary>
    /// <exception cref="StanzaException">The node has no id.</exception>
    public static GroupInfo ParseGroup(Node group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var id = group.Attr("id") ?? throw new StanzaException("<group> has no id.");
        var jid = id.Contains('@', StringComparison.Ordinal) ? id : id + "@" + JidServers.Group;
        var lid = group.Attr("addressing_mode") == "lid";
        var description = group.Child("description");
        var members = group.ChildrenNamed("participant").Select(ParseMember).Where(m => m is not null).Select(m => m!).ToList();
        return new GroupInfo(
            jid,
            group.Attr("subject"),
            description?.Child("body") is { } body ? Encoding.UTF8.GetString(body.ContentBytes().Span) : null,
            description?.Attr("id"),
            Bare(group.Attr("creator")),
            long.TryParse(group.Attr("creation"), NumberStyles.None, CultureInfo.InvariantCulture, out var created) ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            group.Child("announcement") is not null,
            group.Child("locked") is not null,
            lid,
            members);
    }

    /// <summary>Reads one <c>&lt;participant&gt;</c>, or null when it names no JID.</summary>
    public static GroupMember? ParseMember(Node participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (Bare(participant.Attr("jid")) is not { } jid)
        {
            return null;
        }

        var isLid = jid.EndsWith("@" + JidServers.Lid, StringComparison.Ordinal);
        var phone = isLid ? Bare(participant.Attr("phone_number")) : jid;
        var lid = isLid ? jid : Bare(participant.Attr("lid"));
        return new GroupMember(jid, phone, lid, participant.Attr("type") is "admin" or "superadmin" ? participant.Attr("type") : null);
    }

    /// <summary>The per-participant outcome of an add/remove/promote/demote or create: each JID with its error code (200 when none).</summary>
    public static IReadOnlyList<(string Jid, int Code, GroupMember? Member)> ParseParticipantResults(Node parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var results = new List<(string, int, GroupMember?)>();
        foreach (var participant in parent.ChildrenNamed("participant"))
        {
            var jid = participant.Attr("jid");
            if (jid is null)
            {
                continue;
            }

            var code = int.TryParse(participant.Attr("error"), NumberStyles.None, CultureInfo.InvariantCulture, out var error) ? error : 200;
            results.Add((jid, code, ParseMember(participant)));
        }

        return results;
    }

    /// <summary><paramref name="jid"/> without device or agent, or null when it is not a JID.</summary>
    public static string? Bare(string? jid) => Jid.TryParse(jid, out var parsed) ? (parsed with { Device = null, Agent = null }).ToString() : null;

    private static Node Query(string id, string to, string type, Node child) =>
        new("iq", NodeAttributes.Of(("id", id), ("type", type), ("xmlns", Xmlns), ("to", to)), [child]);
}
