using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// Answers the <c>w:g2</c> iq family as WhatsApp does (Baileys lib/Socket/groups.js, whatsmeow group.go): to
/// <c>@g.us</c> — create, participating, leave, invite (join by code, or look a code up); to a group — query (metadata,
/// rate-limited: R5), subject, description, announcement / not_announcement, locked / unlocked, add / remove / promote /
/// demote, invite (get, or revoke with <c>set</c>). Errors: unknown group 404 item-not-found, not a participant 403
/// forbidden, not an admin 401 not-authorized (adiwajshing/Baileys #588; whatsmeow maps 401 to "not an admin" and 403 to
/// "not in group"), bad code 406 not-acceptable, revoked code 410 gone, too many metadata queries 429 rate-overlimit.
/// </summary>
public sealed class GroupQueries(GroupStore store, GroupMembership membership, GroupNotifier notifier, GroupMetadataRate rate, TimeProvider time)
{
    /// <summary>WhatsApp's longest subject, in characters (whatsmeow: a longer one gets 406).</summary>
    public const int MaxSubjectLength = 100;

    /// <summary>WhatsApp's longest description, in characters.</summary>
    public const int MaxDescriptionLength = 2048;

    /// <summary>The answer to a <c>w:g2</c> iq from <paramref name="device"/>.</summary>
    public async Task<Node> HandleAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(iq);
        var first = iq.FirstChild() ?? throw new StanzaException("A w:g2 iq has no child.");
        var to = iq.Attr("to") ?? "";
        if (to is "@g.us" or "g.us")
        {
            return (iq.Attr("type"), first.Tag) switch
            {
                ("set", "create") => await CreateAsync(device, iq, first, cancellationToken).ConfigureAwait(false),
                ("get", "participating") => await ParticipatingAsync(device, iq, cancellationToken).ConfigureAwait(false),
                ("set", "leave") => await LeaveAsync(device, iq, first, cancellationToken).ConfigureAwait(false),
                ("set", "invite") => await JoinAsync(device, iq, first, cancellationToken).ConfigureAwait(false),
                ("get", "invite") => await InviteInfoAsync(iq, first, cancellationToken).ConfigureAwait(false),
                _ => Error(iq, 501, "feature-not-implemented"),
            };
        }

        if (!Jid.TryParse(to, out var groupJid) || groupJid.Server != JidServers.Group)
        {
            return Error(iq, 400, "bad-request");
        }

        var group = await store.FindAsync(groupJid.User, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return Error(iq, 404, "item-not-found");
        }

        var member = group.Member(device.Account.Phone);
        if (member is null)
        {
            return Error(iq, 403, "forbidden");
        }

        var type = iq.Attr("type");
        if (type == "get" && first.Tag == "query")
        {
            return rate.Refuses(device.Jid, group.Jid)
                ? Error(iq, 429, "rate-overlimit")
                : GroupResult(iq, group, GroupNodes.Group(group, await membership.AccountsAsync(cancellationToken).ConfigureAwait(false)));
        }

        var adminOnly = first.Tag is not ("subject" or "description") || group.Locked;
        if (type == "set" && adminOnly && !member.IsAdmin)
        {
            return Error(iq, 401, "not-authorized");
        }

        return (type, first.Tag) switch
        {
            ("set", "subject") => await SubjectAsync(device, iq, group, first, cancellationToken).ConfigureAwait(false),
            ("set", "description") => await DescriptionAsync(device, iq, group, first, cancellationToken).ConfigureAwait(false),
            ("set", "announcement" or "not_announcement" or "locked" or "unlocked") => await SettingAsync(device, iq, group, first.Tag, cancellationToken).ConfigureAwait(false),
            ("set", "add" or "remove" or "promote" or "demote") => await ParticipantsAsync(device, iq, group, first, cancellationToken).ConfigureAwait(false),
            ("get", "invite") when member.IsAdmin => GroupResult(iq, group, new Node("invite", NodeAttributes.Of(("code", group.InviteCode)))),
            ("get", "invite") => Error(iq, 401, "not-authorized"),
            ("set", "invite") => await RevokeAsync(device, iq, group, cancellationToken).ConfigureAwait(false),
            _ => Error(iq, 501, "feature-not-implemented"),
        };
    }

    private async Task<Node> CreateAsync(ConnectedDevice device, Node iq, Node create, CancellationToken cancellationToken)
    {
        var subject = create.Attr("subject") ?? "";
        if (subject.Length is 0 or > MaxSubjectLength)
        {
            return Error(iq, 406, "not-acceptable");
        }

        var asked = create.ChildrenNamed("participant").Select(p => p.Attr("jid")).OfType<string>().ToList();
        var (group, outcomes) = await membership.CreateAsync(device.Account, subject, asked, AddressingMode.Lid, cancellationToken).ConfigureAwait(false);
        var refused = outcomes.Where(o => o.Status != 200).Select(o => RefusedNode(group, o)).ToList();
        return Result(iq, GroupNodes.Group(group, await membership.AccountsAsync(cancellationToken).ConfigureAwait(false), refused));
    }

    private async Task<Node> ParticipatingAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var all = await membership.AccountsAsync(cancellationToken).ConfigureAwait(false);
        var groups = await store.ListForAsync(device.Account.Phone, cancellationToken).ConfigureAwait(false);
        return Result(iq, new Node("groups", null, groups.Select(g => GroupNodes.Group(g, all)).ToList()));
    }

    private async Task<Node> LeaveAsync(ConnectedDevice device, Node iq, Node leave, CancellationToken cancellationToken)
    {
        var left = new List<Node>();
        foreach (var entry in leave.ChildrenNamed("group"))
        {
            var id = entry.Attr("id") ?? "";
            var groupId = id.EndsWith("@g.us", StringComparison.Ordinal) ? id[..^5] : id;
            var group = await store.FindAsync(groupId, cancellationToken).ConfigureAwait(false);
            if (group?.Member(device.Account.Phone) is null)
            {
                left.Add(new Node("group", NodeAttributes.Of(("id", id), ("error", group is null ? "404" : "403"))));
                continue;
            }

            await membership.LeaveAsync(group, device.Account, cancellationToken).ConfigureAwait(false);
            left.Add(new Node("group", NodeAttributes.Of(("id", group.Jid))));
        }

        return left.Count == 0 ? Error(iq, 400, "bad-request") : Result(iq, new Node("leave", null, left));
    }

    private async Task<Node> JoinAsync(ConnectedDevice device, Node iq, Node invite, CancellationToken cancellationToken)
    {
        var (group, error) = await FindByCodeAsync(iq, invite, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return error!;
        }

        if (group.Member(device.Account.Phone) is not null)
        {
            return Error(iq, 409, "conflict");
        }

        await membership.JoinAsync(group, device.Account, cancellationToken).ConfigureAwait(false);
        return Result(iq, new Node("group", NodeAttributes.Of(("jid", group.Jid))));
    }

    private async Task<Node> InviteInfoAsync(Node iq, Node invite, CancellationToken cancellationToken)
    {
        var (group, error) = await FindByCodeAsync(iq, invite, cancellationToken).ConfigureAwait(false);
        return group is null ? error! : Result(iq, GroupNodes.Group(group, await membership.AccountsAsync(cancellationToken).ConfigureAwait(false)));
    }

    private async Task<(SandboxGroup? Group, Node? Error)> FindByCodeAsync(Node iq, Node invite, CancellationToken cancellationToken)
    {
        var code = invite.Attr("code");
        if (string.IsNullOrEmpty(code))
        {
            return (null, Error(iq, 400, "bad-request"));
        }

        var group = await store.FindByInviteAsync(code, cancellationToken).ConfigureAwait(false);
        return group is not null ? (group, null)
            : await store.WasRevokedAsync(code, cancellationToken).ConfigureAwait(false) ? (null, Error(iq, 410, "gone"))
            : (null, Error(iq, 406, "not-acceptable"));
    }

    private async Task<Node> SubjectAsync(ConnectedDevice device, Node iq, SandboxGroup group, Node subjectNode, CancellationToken cancellationToken)
    {
        var subject = GroupNodes.ContentText(subjectNode) ?? "";
        if (subject.Length is 0 or > MaxSubjectLength)
        {
            return Error(iq, 406, "not-acceptable");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await store.SetSubjectAsync(group.Id, subject, device.Account.Phone, now, cancellationToken).ConfigureAwait(false);
        var lid = group.Addressing == AddressingMode.Lid;
        var attributes = new List<(string, string)> { ("subject", subject), ("s_t", now.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("s_o", GroupNodes.UserJid(device.Account, lid)) };
        if (lid)
        {
            attributes.Add(("s_o_pn", device.Account.Jid));
        }

        await NotifyAsync(group, device, new Node("subject", NodeAttributes.Of([.. attributes])), cancellationToken).ConfigureAwait(false);
        return Result(iq);
    }

    private async Task<Node> DescriptionAsync(ConnectedDevice device, Node iq, SandboxGroup group, Node description, CancellationToken cancellationToken)
    {
        var delete = description.Attr("delete") == "true";
        var body = delete ? null : description.Child("body") is { } bodyNode ? GroupNodes.ContentText(bodyNode) : null;
        if (!delete && (body is null || body.Length > MaxDescriptionLength))
        {
            return Error(iq, 406, "not-acceptable");
        }

        // The client names the description it replaces; a stale one is a conflict (whatsmeow SetGroupTopic reads the current id first).
        if (description.Attr("prev") is { } previous && group.DescriptionId is { } current && previous != current)
        {
            return Error(iq, 409, "conflict");
        }

        var id = description.Attr("id") ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await store.SetDescriptionAsync(group.Id, body, id, device.Account.Phone, time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        var change = delete
            ? new Node("description", NodeAttributes.Of(("id", id)), [new Node("delete")])
            : new Node("description", NodeAttributes.Of(("id", id)), [new Node("body", null, Encoding.UTF8.GetBytes(body!))]);
        await NotifyAsync(group, device, change, cancellationToken).ConfigureAwait(false);
        return Result(iq);
    }

    private async Task<Node> SettingAsync(ConnectedDevice device, Node iq, SandboxGroup group, string tag, CancellationToken cancellationToken)
    {
        if (tag is "announcement" or "not_announcement")
        {
            await store.SetAnnounceAsync(group.Id, tag == "announcement", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.SetLockedAsync(group.Id, tag == "locked", cancellationToken).ConfigureAwait(false);
        }

        var change = tag is "announcement" or "not_announcement"
            ? new Node(tag, NodeAttributes.Of(("v_id", Convert.ToHexString(RandomNumberGenerator.GetBytes(4)))))
            : new Node(tag);
        await NotifyAsync(group, device, change, cancellationToken).ConfigureAwait(false);
        return Result(iq);
    }

    private async Task<Node> ParticipantsAsync(ConnectedDevice device, Node iq, SandboxGroup group, Node action, CancellationToken cancellationToken)
    {
        var asked = action.ChildrenNamed("participant").Select(p => p.Attr("jid")).OfType<string>().ToList();
        if (asked.Count == 0)
        {
            return Error(iq, 400, "bad-request");
        }

        var outcomes = action.Tag == "add"
            ? await membership.AddAsync(group, device.Account, asked, cancellationToken).ConfigureAwait(false)
            : await membership.ChangeAsync(group, device.Account, action.Tag, asked, cancellationToken).ConfigureAwait(false);
        var lid = group.Addressing == AddressingMode.Lid;
        var nodes = outcomes.Select(o => o.Status == 200
            ? GroupNodes.Participant(o.Account!, lid, action.Tag == "promote" ? GroupMember.Admin : null)
            : RefusedNode(group, o)).ToList();
        return GroupResult(iq, group, new Node(action.Tag, null, nodes));
    }

    private async Task<Node> RevokeAsync(ConnectedDevice device, Node iq, SandboxGroup group, CancellationToken cancellationToken)
    {
        var code = await store.RevokeInviteAsync(group.Id, cancellationToken).ConfigureAwait(false);
        await NotifyAsync(group, device, new Node("invite", NodeAttributes.Of(("code", code))), cancellationToken).ConfigureAwait(false);
        return GroupResult(iq, group, new Node("invite", NodeAttributes.Of(("code", code))));
    }

    private async Task NotifyAsync(SandboxGroup group, ConnectedDevice device, Node change, CancellationToken cancellationToken)
    {
        var all = await membership.AccountsAsync(cancellationToken).ConfigureAwait(false);
        await notifier.NotifyAsync(group, device.Account, change, GroupMembership.MembersOf(group, all), cancellationToken).ConfigureAwait(false);
    }

    private Node RefusedNode(SandboxGroup group, GroupAddOutcome outcome) => outcome.Account is { } account
        ? GroupNodes.Participant(account, group.Addressing == AddressingMode.Lid, error: outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            children: outcome.Status == 403 ? [membership.AddRequest(group)] : null)
        : GroupNodes.RefusedParticipant(outcome.Asked, outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A result from the group itself (<c>from="&lt;group&gt;@g.us"</c>), as WhatsApp answers iqs sent to a group.</summary>
    private static Node GroupResult(Node iq, SandboxGroup group, params Node[] children) =>
        new("iq", NodeAttributes.Of(("id", iq.Attr("id") ?? ""), ("type", "result"), ("from", group.Jid)), children);
}
