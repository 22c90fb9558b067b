using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Groups;

/// <summary>The sandbox's groups in its database: metadata, participants, invite codes and who may be added (groupadd privacy).</summary>
public sealed class GroupStore(SandboxDatabase database)
{
    private const string InviteAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Stores a new group with its participants; the id and invite code are made here.</summary>
    public async Task<SandboxGroup> CreateAsync(string subject, string creator, AddressingMode addressing, IReadOnlyList<GroupMember> members, long now, CancellationToken cancellationToken)
    {
        // New groups on WhatsApp have 18-digit ids starting 120363.
        var id = "120363" + RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture)
            + RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var code = NewInviteCode();
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT INTO groups (id, subject, subject_owner, subject_t, creator, created_at, addressing, invite_code)
            VALUES (@id, @subject, @creator, @now, @creator, @now, @mode, @code)
            """,
            new { id, subject, creator, now, mode = addressing == AddressingMode.Lid ? "lid" : "pn", code }, transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO group_members (group_id, phone, role, joined_at) VALUES (@id, @Phone, @Role, @now)",
            members.Select(m => new { id, m.Phone, m.Role, now }), transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (await FindAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The group with this id (the user part of its JID), or null.</summary>
    public async Task<SandboxGroup?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<GroupRow>("SELECT * FROM groups WHERE id = @id", new { id }).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var members = await connection.QueryAsync<(string Phone, string Role)>(
            "SELECT phone, role FROM group_members WHERE group_id = @id ORDER BY joined_at, phone", new { id }).ConfigureAwait(false);
        return row.ToGroup(members.Select(m => new GroupMember(m.Phone, m.Role)).ToList());
    }

    /// <summary>The group whose current invite code is <paramref name="code"/>, or null.</summary>
    public async Task<SandboxGroup?> FindByInviteAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.ExecuteScalarAsync<string?>("SELECT id FROM groups WHERE invite_code = @code", new { code }).ConfigureAwait(false);
        return id is null ? null : await FindAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="code"/> was a group's invite code until an admin revoked it.</summary>
    public async Task<bool> WasRevokedAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM group_revoked_invites WHERE code = @code", new { code }).ConfigureAwait(false) > 0;
    }

    /// <summary>Every group <paramref name="phone"/> participates in.</summary>
    public async Task<IReadOnlyList<SandboxGroup>> ListForAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<string>("SELECT group_id FROM group_members WHERE phone = @phone ORDER BY group_id", new { phone }).ConfigureAwait(false);
        var groups = new List<SandboxGroup>();
        foreach (var id in ids)
        {
            if (await FindAsync(id, cancellationToken).ConfigureAwait(false) is { } group)
            {
                groups.Add(group);
            }
        }

        return groups;
    }

    /// <summary>Sets the subject.</summary>
    public Task SetSubjectAsync(string id, string subject, string by, long now, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE groups SET subject = @subject, subject_owner = @by, subject_t = @now WHERE id = @id", new { id, subject, by, now }, cancellationToken);

    /// <summary>Sets the description (null deletes it).</summary>
    public Task SetDescriptionAsync(string id, string? description, string descriptionId, string by, long now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE groups SET description = @description, description_id = @descriptionId, description_owner = @by, description_t = @now WHERE id = @id",
            new { id, description, descriptionId, by, now }, cancellationToken);

    /// <summary>Turns announcement mode (only admins send) on or off.</summary>
    public Task SetAnnounceAsync(string id, bool on, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE groups SET announce = @on WHERE id = @id", new { id, on = on ? 1 : 0 }, cancellationToken);

    /// <summary>Turns locked mode (only admins edit the group info) on or off.</summary>
    public Task SetLockedAsync(string id, bool on, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE groups SET locked = @on WHERE id = @id", new { id, on = on ? 1 : 0 }, cancellationToken);

    /// <summary>Adds participants (a phone already in the group keeps its role).</summary>
    public Task AddMembersAsync(string id, IEnumerable<string> phones, long now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT OR IGNORE INTO group_members (group_id, phone, role, joined_at) VALUES (@id, @phone, 'member', @now)",
            phones.Select(phone => new { id, phone, now }).ToList(), cancellationToken);

    /// <summary>Removes participants; the group goes with its last one.</summary>
    public async Task RemoveMembersAsync(string id, IEnumerable<string> phones, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DELETE FROM group_members WHERE group_id = @id AND phone = @phone", phones.Select(phone => new { id, phone }).ToList(), cancellationToken).ConfigureAwait(false);
        await ExecuteAsync("DELETE FROM groups WHERE id = @id AND NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = @id)", new { id }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets participants' role (<see cref="GroupMember.Admin"/> or <see cref="GroupMember.Plain"/>).</summary>
    public Task SetRoleAsync(string id, IEnumerable<string> phones, string role, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE group_members SET role = @role WHERE group_id = @id AND phone = @phone", phones.Select(phone => new { id, phone, role }).ToList(), cancellationToken);

    /// <summary>Replaces the invite code (the old one stops working); returns the new one.</summary>
    public async Task<string> RevokeInviteAsync(string id, CancellationToken cancellationToken)
    {
        var code = NewInviteCode();
        await ExecuteAsync(
            """
            INSERT OR IGNORE INTO group_revoked_invites (code, group_id) SELECT invite_code, id FROM groups WHERE id = @id;
            UPDATE groups SET invite_code = @code WHERE id = @id;
            """, new { id, code }, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>Whether admins may add <paramref name="phone"/> to groups directly (WhatsApp's groupadd privacy; default yes).</summary>
    public async Task<bool> AcceptsDirectAddAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<string?>("SELECT mode FROM group_add_privacy WHERE phone = @phone", new { phone }).ConfigureAwait(false) is null or "all";
    }

    /// <summary>Sets who may add <paramref name="phone"/> to groups: <c>all</c> or <c>none</c> (then an add answers 403 with an invite).</summary>
    public Task SetGroupAddAsync(string phone, string mode, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO group_add_privacy (phone, mode) VALUES (@phone, @mode) ON CONFLICT (phone) DO UPDATE SET mode = excluded.mode", new { phone, mode }, cancellationToken);

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(sql, parameters).ConfigureAwait(false);
    }

    private static string NewInviteCode() =>
        string.Create(22, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = InviteAlphabet[RandomNumberGenerator.GetInt32(InviteAlphabet.Length)];
            }
        });

#pragma warning disable IDE1006, SA1300 // Dapper maps the snake_case columns onto these names.
    private sealed record GroupRow(
        string id, string subject, string subject_owner, long subject_t, string? description, string? description_id, string? description_owner,
        long? description_t, string creator, long created_at, long announce, long locked, string addressing, string invite_code)
    {
        public SandboxGroup ToGroup(IReadOnlyList<GroupMember> members) => new(
            id, subject, subject_owner, subject_t, description, description_id, description_owner, description_t, creator, created_at,
            announce != 0, locked != 0, addressing == "lid" ? AddressingMode.Lid : AddressingMode.Pn, invite_code, members);
    }
#pragma warning restore IDE1006, SA1300
}
