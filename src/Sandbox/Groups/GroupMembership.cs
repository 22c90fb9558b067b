using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// Who is in a group: creating it, adding, removing, promoting and demoting participants, leaving, and joining by invite
/// code. Each change is stored, then every participant device concerned gets its <c>w:gp2</c> notification
/// (<see cref="GroupNotifier"/>). Per-participant outcomes follow WhatsApp: 403 with an <c>add_request</c> when the
/// account's groupadd privacy forbids a direct add (evolution-api #2011, waha #2002), 409 already in the group
/// (open-wa #1497), 404 not on WhatsApp or not a participant.
/// </summary>
public sealed class GroupMembership(GroupStore store, AccountRegistry accounts, GroupNotifier notifier, TimeProvider time)
{
    /// <summary>How long an add_request invite is valid (WhatsApp gives three days).</summary>
    public static readonly TimeSpan AddRequestLifetime = TimeSpan.FromDays(3);

    /// <summary>
    /// <paramref name="creator"/> creates a group (it is its superadmin) with the accounts <paramref name="participants"/>
    /// name; those not on WhatsApp or whose privacy forbids the add are reported, not added.
    /// </summary>
    public async Task<(SandboxGroup Group, IReadOnlyList<GroupAddOutcome> Outcomes)> CreateAsync(
        SandboxAccount creator, string subject, IReadOnlyList<string> participants, AddressingMode addressing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creator);
        var outcomes = new List<GroupAddOutcome>();
        foreach (var asked in participants.Distinct())
        {
            var account = await ResolveAsync(asked, cancellationToken).ConfigureAwait(false);
            if (account?.Phone == creator.Phone || outcomes.Any(o => o.Account is not null && o.Account.Phone == account?.Phone))
            {
                continue;
            }

            outcomes.Add(new GroupAddOutcome(asked, account, account is null ? 404
                : await store.AcceptsDirectAddAsync(account.Phone, cancellationToken).ConfigureAwait(false) ? 200 : 403));
        }

        var members = new List<GroupMember> { new(creator.Phone, GroupMember.SuperAdmin) };
        members.AddRange(outcomes.Where(o => o.Status == 200).Select(o => new GroupMember(o.Account!.Phone, GroupMember.Plain)));
        var group = await store.CreateAsync(subject, creator.Phone, addressing, members, Now(), cancellationToken).ConfigureAwait(false);
        var all = await AccountsAsync(cancellationToken).ConfigureAwait(false);
        var create = new Node("create", NodeAttributes.Of(("reason", "create")), [GroupNodes.Group(group, all)]);
        await notifier.NotifyAsync(group, creator, create, MembersOf(group, all), cancellationToken).ConfigureAwait(false);
        return (group, outcomes);
    }

    /// <summary>An admin adds participants; each gets its outcome, the group a notification naming those added.</summary>
    public async Task<IReadOnlyList<GroupAddOutcome>> AddAsync(SandboxGroup group, SandboxAccount actor, IReadOnlyList<string> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var outcomes = new List<GroupAddOutcome>();
        foreach (var asked in participants.Distinct())
        {
            var account = await ResolveAsync(asked, cancellationToken).ConfigureAwait(false);
            var status = account is null ? 404
                : group.Member(account.Phone) is not null || outcomes.Any(o => o.Account?.Phone == account.Phone) ? 409
                : await store.AcceptsDirectAddAsync(account.Phone, cancellationToken).ConfigureAwait(false) ? 200 : 403;
            outcomes.Add(new GroupAddOutcome(asked, account, status));
        }

        var added = outcomes.Where(o => o.Status == 200).Select(o => o.Account!).ToList();
        if (added.Count > 0)
        {
            await store.AddMembersAsync(group.Id, added.Select(a => a.Phone), Now(), cancellationToken).ConfigureAwait(false);
            await ChangedAsync(group.Id, actor, "add", added, null, [], cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <summary>An admin removes, promotes or demotes participants (<paramref name="action"/>); those not in the group get 404.</summary>
    public async Task<IReadOnlyList<GroupAddOutcome>> ChangeAsync(SandboxGroup group, SandboxAccount actor, string action, IReadOnlyList<string> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var outcomes = new List<GroupAddOutcome>();
        foreach (var asked in participants.Distinct())
        {
            var account = await ResolveAsync(asked, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new GroupAddOutcome(asked, account, account is not null && group.Member(account.Phone) is not null ? 200 : 404));
        }

        var done = outcomes.Where(o => o.Status == 200).Select(o => o.Account!).DistinctBy(a => a.Phone).ToList();
        if (done.Count == 0)
        {
            return outcomes;
        }

        var phones = done.Select(a => a.Phone).ToList();
        switch (action)
        {
            case "remove":
                // The removed hear of it too, then stop hearing from the group.
                var before = await AccountsOfAsync(group, cancellationToken).ConfigureAwait(false);
                await store.RemoveMembersAsync(group.Id, phones, cancellationToken).ConfigureAwait(false);
                await ChangedAsync(group.Id, actor, "remove", done, null, before, cancellationToken).ConfigureAwait(false);
                break;
            case "promote":
                await store.SetRoleAsync(group.Id, phones, GroupMember.Admin, cancellationToken).ConfigureAwait(false);
                await ChangedAsync(group.Id, actor, "promote", done, GroupMember.Admin, [], cancellationToken).ConfigureAwait(false);
                break;
            case "demote":
                await store.SetRoleAsync(group.Id, phones, GroupMember.Plain, cancellationToken).ConfigureAwait(false);
                await ChangedAsync(group.Id, actor, "demote", done, null, [], cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"Unknown participant action '{action}'.", nameof(action));
        }

        return outcomes;
    }

    /// <summary>
    /// <paramref name="account"/> leaves: WhatsApp tells the group with a <c>remove</c> whose actor is the one who left
    /// (Baileys reads that as a leave), and the one who left gets it as well.
    /// </summary>
    public async Task LeaveAsync(SandboxGroup group, SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(account);
        var before = await AccountsOfAsync(group, cancellationToken).ConfigureAwait(false);
        await store.RemoveMembersAsync(group.Id, [account.Phone], cancellationToken).ConfigureAwait(false);
        await ChangedAsync(group.Id, account, "remove", [account], null, before, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><paramref name="account"/> joins by invite code: the group hears an <c>add</c> with <c>reason="invite"</c> by the joiner.</summary>
    public async Task JoinAsync(SandboxGroup group, SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(account);
        await store.AddMembersAsync(group.Id, [account.Phone], Now(), cancellationToken).ConfigureAwait(false);
        await ChangedAsync(group.Id, account, "add", [account], null, [], cancellationToken, ("reason", "invite")).ConfigureAwait(false);
    }

    /// <summary>The account a participant JID names (PN or LID; a device part is ignored), or null.</summary>
    public async Task<SandboxAccount?> ResolveAsync(string jid, CancellationToken cancellationToken) =>
        Jid.TryParse(jid, out var parsed) ? await accounts.FindByJidAsync(parsed with { Device = null }, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Every account by phone.</summary>
    public async Task<IReadOnlyDictionary<string, SandboxAccount>> AccountsAsync(CancellationToken cancellationToken) =>
        (await accounts.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Phone);

    /// <summary>The participants' accounts.</summary>
    public static IReadOnlyList<SandboxAccount> MembersOf(SandboxGroup group, IReadOnlyDictionary<string, SandboxAccount> all) =>
        group.Members.Select(m => all.GetValueOrDefault(m.Phone)).OfType<SandboxAccount>().ToList();

    /// <summary>The add_request child of a 403 participant: an invite the admin can send instead.</summary>
    public Node AddRequest(SandboxGroup group) =>
        new("add_request", NodeAttributes.Of(("code", group.InviteCode),
            ("expiration", (time.GetUtcNow() + AddRequestLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))));

    private async Task<IReadOnlyList<SandboxAccount>> AccountsOfAsync(SandboxGroup group, CancellationToken cancellationToken) =>
        MembersOf(group, await AccountsAsync(cancellationToken).ConfigureAwait(false));

    private async Task ChangedAsync(string groupId, SandboxAccount actor, string tag, IReadOnlyList<SandboxAccount> affected, string? type,
        IReadOnlyList<SandboxAccount> alsoTell, CancellationToken cancellationToken, params (string, string)[] changeAttributes)
    {
        var group = await store.FindAsync(groupId, cancellationToken).ConfigureAwait(false);
        var all = await AccountsAsync(cancellationToken).ConfigureAwait(false);
        var lid = (group?.Addressing ?? AddressingMode.Lid) == AddressingMode.Lid;
        var change = new Node(tag, NodeAttributes.Of(changeAttributes), affected.Select(a => GroupNodes.Participant(a, lid, type)).ToList());
        if (group is null)
        {
            // The last participant left: the group is gone with nobody left in it to tell.
            return;
        }

        await notifier.NotifyAsync(group, actor, change, MembersOf(group, all).Concat(alsoTell), cancellationToken).ConfigureAwait(false);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();
}
