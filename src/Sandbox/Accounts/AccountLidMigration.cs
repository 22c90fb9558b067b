using System.Collections.Concurrent;
using Dapper;

namespace WaEngine.Sandbox.Accounts;

/// <summary>
/// Each account's one-to-one LID migration, as WhatsApp keeps it per account: not migrated, its chats go by phone number
/// and a DM it addresses by LID is refused (SERVER-RULES R1, whatsapp-rust #941/#943); migrated, by LID. An account
/// created with <c>addressing: "lid"</c> is migrated from the start; <see cref="MigrateToLidAsync"/> migrates one in the
/// middle of its conversations. The state is live: connections opened before a migration see it at once.
/// </summary>
public sealed partial class AccountRegistry
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lidMigratedAt = new();

    /// <summary>How the account's chats are addressed now: <see cref="AddressingMode.Lid"/> once it is migrated.</summary>
    public AddressingMode AddressingOf(SandboxAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.Addressing == AddressingMode.Lid || _lidMigratedAt.ContainsKey(account.Phone) ? AddressingMode.Lid : AddressingMode.Pn;
    }

    /// <summary>Whether the account's one-to-one chats are LID-migrated.</summary>
    public bool IsLidMigrated(SandboxAccount account) => AddressingOf(account) == AddressingMode.Lid;

    /// <summary>When the account's chats moved to LIDs (what its phone tells companions as <c>chatDbMigrationTimestamp</c>); null while it is not migrated.</summary>
    public DateTimeOffset? LidMigratedAt(SandboxAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return !IsLidMigrated(account) ? null : _lidMigratedAt.GetOrAdd(account.Phone, _ => time.GetUtcNow());
    }

    /// <summary>
    /// Migrates the account's one-to-one chats to LIDs from now on (kept in the database, so it outlives a restart);
    /// 409 when it is migrated already.
    /// </summary>
    /// <returns>The account as it is now.</returns>
    public async Task<SandboxAccount> MigrateToLidAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (IsLidMigrated(account) || !_lidMigratedAt.TryAdd(account.Phone, time.GetUtcNow()))
        {
            throw new SandboxInputException($"Account {account.Phone} is LID-migrated already.", 409, "phone");
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("UPDATE accounts SET addressing = 'lid' WHERE phone = @phone", new { phone = account.Phone }).ConfigureAwait(false);
        return account with { Addressing = AddressingMode.Lid };
    }
}
