using System.Globalization;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// The nodes the server writes about groups, in the group's addressing mode: a LID group names every participant by LID
/// with the phone number beside it (<c>jid="…@lid" phone_number="…@s.whatsapp.net"</c>), a PN group the other way round
/// (<c>jid="…@s.whatsapp.net" lid="…@lid"</c>), as WhatsApp answers (whatsmeow group.go parseParticipant, Baileys
/// groups.js extractGroupMetadata).
/// </summary>
public static class GroupNodes
{
    /// <summary>The <c>&lt;group&gt;</c> node of a metadata answer, a create answer or a create notification.</summary>
    /// <param name="group">The group.</param>
    /// <param name="accounts">Every account by phone (participants not found are left out).</param>
    /// <param name="extra">More participant nodes (a create's refused participants, with their error).</param>
    public static Node Group(SandboxGroup group, IReadOnlyDictionary<string, SandboxAccount> accounts, IEnumerable<Node>? extra = null)
    {
        var lid = group.Addressing == AddressingMode.Lid;
        var attributes = new List<(string, string)>
        {
            ("id", group.Id), ("subject", group.Subject), ("s_t", Text(group.SubjectTime)), ("creation", Text(group.CreatedAt)),
            ("size", Text(group.Members.Count)), ("addressing_mode", lid ? "lid" : "pn"),
        };
        if (accounts.GetValueOrDefault(group.SubjectOwner) is { } subjectOwner)
        {
            attributes.Add(("s_o", UserJid(subjectOwner, lid)));
            if (lid)
            {
                attributes.Add(("s_o_pn", subjectOwner.Jid));
            }
        }

        if (accounts.GetValueOrDefault(group.Creator) is { } creator)
        {
            attributes.Add(("creator", UserJid(creator, lid)));
            if (lid)
            {
                attributes.Add(("creator_pn", creator.Jid));
            }
        }

        var children = new List<Node>();
        foreach (var member in group.Members)
        {
            if (accounts.GetValueOrDefault(member.Phone) is { } account)
            {
                children.Add(Participant(account, lid, member.Role == GroupMember.Plain ? null : member.Role));
            }
        }

        children.AddRange(extra ?? []);
        if (group.Description is { } description && group.DescriptionId is { } descriptionId)
        {
            var descriptionAttributes = new List<(string, string)> { ("id", descriptionId), ("t", Text(group.DescriptionTime ?? 0)) };
            if (group.DescriptionOwner is { } ownerPhone && accounts.GetValueOrDefault(ownerPhone) is { } owner)
            {
                descriptionAttributes.Add(("participant", UserJid(owner, lid)));
                if (lid)
                {
                    descriptionAttributes.Add(("participant_pn", owner.Jid));
                }
            }

            children.Add(new Node("description", NodeAttributes.Of([.. descriptionAttributes]), [new Node("body", null, Encoding.UTF8.GetBytes(description))]));
        }

        if (group.Announce)
        {
            children.Add(new Node("announcement"));
        }

        if (group.Locked)
        {
            children.Add(new Node("locked"));
        }

        return new Node("group", NodeAttributes.Of([.. attributes]), children);
    }

    /// <summary>A <c>&lt;participant&gt;</c> naming <paramref name="account"/> in the group's namespace, with the other form beside it.</summary>
    public static Node Participant(SandboxAccount account, bool lid, string? type = null, string? error = null, IEnumerable<Node>? children = null)
    {
        var attributes = new List<(string, string)> { ("jid", UserJid(account, lid)) };
        attributes.Add(lid ? ("phone_number", account.Jid) : ("lid", account.LidJid));
        if (type is not null)
        {
            attributes.Add(("type", type));
        }

        if (error is not null)
        {
            attributes.Add(("error", error));
        }

        var list = children?.ToList() ?? [];
        return list.Count == 0 ? new Node("participant", NodeAttributes.Of([.. attributes])) : new Node("participant", NodeAttributes.Of([.. attributes]), list);
    }

    /// <summary>A participant that could not be added, named as the client named it, with the error code WhatsApp gives.</summary>
    public static Node RefusedParticipant(string asked, string error, IEnumerable<Node>? children = null)
    {
        var attributes = NodeAttributes.Of(("jid", asked), ("error", error));
        var list = children?.ToList() ?? [];
        return list.Count == 0 ? new Node("participant", attributes) : new Node("participant", attributes, list);
    }

    /// <summary>The account's user JID in the group's namespace.</summary>
    public static string UserJid(SandboxAccount account, bool lid) => lid ? account.LidJid : account.Jid;

    /// <summary>A device's JID in the group's namespace.</summary>
    public static string DeviceJidOf(SandboxAccount account, int deviceId, bool lid) =>
        lid ? DeviceJid.Format(account.Lid, deviceId, JidServers.Lid) : DeviceJid.Format(account.Phone, deviceId);

    /// <summary>The text content of a node (bytes as UTF-8), or null.</summary>
    public static string? ContentText(Node node) => node.ContentKind switch
    {
        NodeContentKind.Text => node.Text,
        NodeContentKind.Bytes => Encoding.UTF8.GetString(node.Bytes.Span),
        _ => null,
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
