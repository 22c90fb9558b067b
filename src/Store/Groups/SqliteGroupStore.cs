using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Groups;

/// <summary>
/// The line's groups in its SQLite file (migrations 0012, 0025): metadata, participants, who holds our sender key, and the
/// chat row that shows a group's subject in the chat list. A change and its journal row (<c>group.update</c>,
/// <c>group.participants</c>, the webhook's data in <c>detail</c>) commit together; <see cref="LineDatabase.Journalled"/>
/// is raised after.
/// </summary>
/// <param name="database">The line's database.</param>
/// <param name="time">Stamps rows; the system clock by default.</param>
public sealed class SqliteGroupStore(LineDatabase database, TimeProvider? time = null) : IGroupStore
{
    private const int BusyTimeoutMs = 30_000;

    /// <inheritdoc />
    public async Task<GroupInfo?> GetAsync(string groupJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupJid);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<GroupRow>(new CommandDefinition(
                $"SELECT {GroupRow.Columns} FROM groups WHERE jid = @groupJid;", new { groupJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            var members = await connection.QueryAsync<ParticipantRow>(new CommandDefinition(
                $"SELECT {ParticipantRow.Columns} FROM group_participants WHERE group_jid = @groupJid ORDER BY rowid;", new { groupJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return ToInfo(row, members.Select(m => m.ToMember()).ToList());
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GroupInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<GroupRow>(new CommandDefinition(
                $"SELECT {GroupRow.Columns} FROM groups ORDER BY subject COLLATE NOCASE, jid;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            var members = (await connection.QueryAsync<ParticipantRow>(new CommandDefinition(
                    $"SELECT {ParticipantRow.Columns} FROM group_participants ORDER BY rowid;", cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToLookup(m => m.GroupJid, StringComparer.Ordinal);
            return rows.Select(r => ToInfo(r, members[r.Jid].Select(m => m.ToMember()).ToList())).ToList();
        }
    }

    /// <inheritdoc />
    public Task SaveAsync(GroupInfo group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        return WriteAsync(async (connection, transaction) =>
        {
            await ReplaceAsync(connection, transaction, group, cancellationToken).ConfigureAwait(false);
            return false;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ApplyAsync(GroupChange change, bool journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WriteAsync(async (connection, transaction) =>
        {
            var known = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM groups WHERE jid = @jid;", new { jid = change.GroupJid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
            switch (change)
            {
                case GroupChange.Created created:
                    await ReplaceAsync(connection, transaction, created.Group, cancellationToken).ConfigureAwait(false);
                    break;
                case GroupChange.Updated updated when known:
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        UPDATE groups SET
                            subject = COALESCE(@Subject, subject),
                            description = CASE WHEN @Description IS NULL THEN description WHEN @Description = '' THEN NULL ELSE @Description END,
                            description_id = COALESCE(@DescriptionId, description_id),
                            announce = COALESCE(@Announce, announce),
                            locked = COALESCE(@Locked, locked),
                            updated_at_ms = @now
                        WHERE jid = @GroupJid;
                        """,
                        new { updated.GroupJid, updated.Subject, updated.Description, updated.DescriptionId, Announce = Flag(updated.Announce), Locked = Flag(updated.Locked), now = NowMs() },
                        transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (updated.Subject is not null)
                    {
                        await UpsertChatAsync(connection, transaction, updated.GroupJid, updated.Subject, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case GroupChange.Participants participants when known:
                    await ApplyParticipantsAsync(connection, transaction, participants, cancellationToken).ConfigureAwait(false);
                    break;
            }

            if (!journal)
            {
                return false;
            }

            var (name, data) = GroupEventJson.Of(change);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO line_events (event, chat_jid, status, detail, created_at_ms) VALUES (@name, @jid, @status, @data, @at);",
                new { name, jid = change.GroupJid, status = (change as GroupChange.Participants)?.Action, data, at = NowMs() },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ForgetAsync(string groupJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupJid);
        return WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM group_participants WHERE group_jid = @groupJid;
                DELETE FROM group_key_holders WHERE group_jid = @groupJid;
                DELETE FROM groups WHERE jid = @groupJid;
                """,
                new { groupJid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return false;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<(IReadOnlySet<string> Holders, bool RotateKey)> KeyHoldersAsync(string groupJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupJid);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var holders = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT device_jid FROM group_key_holders WHERE group_jid = @groupJid;", new { groupJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var rotate = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT rotate_key FROM groups WHERE jid = @groupJid;", new { groupJid }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (holders.ToHashSet(StringComparer.Ordinal), rotate == 1);
        }
    }

    /// <inheritdoc />
    public Task AddKeyHoldersAsync(string groupJid, IEnumerable<string> deviceJids, bool rotated, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupJid);
        ArgumentNullException.ThrowIfNull(deviceJids);
        var devices = deviceJids.ToList();
        return WriteAsync(async (connection, transaction) =>
        {
            if (rotated)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM group_key_holders WHERE group_jid = @groupJid; UPDATE groups SET rotate_key = 0 WHERE jid = @groupJid;",
                    new { groupJid }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            foreach (var device in devices)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT OR IGNORE INTO group_key_holders (group_jid, device_jid) VALUES (@groupJid, @device);",
                    new { groupJid, device }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            return false;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> SyncedAsync(string deviceJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceJid);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM group_sync WHERE device_jid = @deviceJid;", new { deviceJid }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
        }
    }

    /// <inheritdoc />
    public Task MarkSyncedAsync(string deviceJid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceJid);
        return WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO group_sync (device_jid, synced_at_ms) VALUES (@deviceJid, @now) ON CONFLICT (device_jid) DO UPDATE SET synced_at_ms = excluded.synced_at_ms;",
                new { deviceJid, now = NowMs() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return false;
        }, cancellationToken);
    }

    private async Task ApplyParticipantsAsync(SqliteConnection connection, SqliteTransaction transaction, GroupChange.Participants change, CancellationToken cancellationToken)
    {
        foreach (var member in change.Members)
        {
            var names = new[] { member.Jid, member.PhoneNumber, member.Lid }.Where(n => n is not null).ToArray();
            switch (change.Action)
            {
                case "add" or "join":
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        DELETE FROM group_participants WHERE group_jid = @group AND (jid IN @names OR phone_number IN @names OR lid IN @names);
                        INSERT INTO group_participants (group_jid, jid, phone_number, lid, admin) VALUES (@group, @Jid, @PhoneNumber, @Lid, @Admin);
                        """,
                        new { group = change.GroupJid, names, member.Jid, member.PhoneNumber, member.Lid, member.Admin },
                        transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    break;
                case "remove" or "leave":
                    // Whoever leaves must not read what we send next: our sender key is replaced before the next message.
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        DELETE FROM group_participants WHERE group_jid = @group AND (jid IN @names OR phone_number IN @names OR lid IN @names);
                        UPDATE groups SET rotate_key = 1 WHERE jid = @group;
                        """,
                        new { group = change.GroupJid, names }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    break;
                case "promote" or "demote":
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE group_participants SET admin = @admin WHERE group_jid = @group AND (jid IN @names OR phone_number IN @names OR lid IN @names);",
                        new { group = change.GroupJid, names, admin = change.Action == "promote" ? "admin" : null },
                        transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    break;
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE groups SET updated_at_ms = @now WHERE jid = @group;", new { group = change.GroupJid, now = NowMs() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(SqliteConnection connection, SqliteTransaction transaction, GroupInfo group, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO groups (jid, subject, description, description_id, owner, created_at_ms, announce, locked, lid_addressing, updated_at_ms)
            VALUES (@Jid, @Subject, @Description, @DescriptionId, @Owner, @created, @announce, @locked, @lid, @now)
            ON CONFLICT (jid) DO UPDATE SET subject = excluded.subject, description = excluded.description, description_id = excluded.description_id,
                owner = excluded.owner, created_at_ms = excluded.created_at_ms, announce = excluded.announce, locked = excluded.locked,
                lid_addressing = excluded.lid_addressing, updated_at_ms = excluded.updated_at_ms;
            DELETE FROM group_participants WHERE group_jid = @Jid;
            """,
            new
            {
                group.Jid, group.Subject, group.Description, group.DescriptionId, group.Owner, created = group.CreatedAt?.ToUnixTimeMilliseconds(),
                announce = group.Announce ? 1L : 0L, locked = group.Locked ? 1L : 0L, lid = group.LidAddressing ? 1L : 0L, now = NowMs(),
            },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var member in group.Participants)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO group_participants (group_jid, jid, phone_number, lid, admin) VALUES (@group, @Jid, @PhoneNumber, @Lid, @Admin);",
                new { group = group.Jid, member.Jid, member.PhoneNumber, member.Lid, member.Admin }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await UpsertChatAsync(connection, transaction, group.Jid, group.Subject, cancellationToken).ConfigureAwait(false);
    }

    // The chat list shows a group under its subject even before its first message.
    private static Task UpsertChatAsync(SqliteConnection connection, SqliteTransaction transaction, string groupJid, string? subject, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chats (jid, name, is_group, unread) VALUES (@groupJid, @subject, 1, 0) ON CONFLICT (jid) DO UPDATE SET name = COALESCE(excluded.name, chats.name);",
            new { groupJid, subject }, transaction, cancellationToken: cancellationToken));

    private async Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task<bool>> write, CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition($"PRAGMA busy_timeout = {BusyTimeoutMs};", cancellationToken: cancellationToken)).ConfigureAwait(false);
            var transaction = connection.BeginTransaction(deferred: false);
            bool journalled;
            await using (transaction.ConfigureAwait(false))
            {
                journalled = await write(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (journalled)
            {
                database.OnJournalled();
            }
        }
    }

    private static GroupInfo ToInfo(GroupRow row, IReadOnlyList<GroupMember> members) => new(
        row.Jid, row.Subject, row.Description, row.DescriptionId, row.Owner,
        row.CreatedAtMs is { } created ? DateTimeOffset.FromUnixTimeMilliseconds(created) : null,
        row.Announce != 0, row.Locked != 0, row.LidAddressing != 0, members);

    private static long? Flag(bool? value) => value is { } set ? (set ? 1L : 0L) : null;

    private long NowMs() => (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
}
