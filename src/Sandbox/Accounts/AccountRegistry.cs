using System.Security.Cryptography;
using Dapper;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Accounts;

/// <summary>Creates and finds virtual phones, kept in the sandbox database.</summary>
public sealed partial class AccountRegistry(SandboxDatabase database, TimeProvider time)
{
    /// <summary>Creates an account with its primary device; a number that exists already is a 409.</summary>
    public async Task<SandboxAccount> CreateAsync(string? phone, string? pushName, string? addressing, CancellationToken cancellationToken)
    {
        var digits = PhoneNumber.Normalize(phone);
        var mode = addressing switch
        {
            null or "" or "pn" => AddressingMode.Pn,
            "lid" => AddressingMode.Lid,
            _ => throw new SandboxInputException($"addressing must be \"pn\" or \"lid\", not \"{addressing}\".", param: "addressing"),
        };
        if (pushName is { Length: > 100 })
        {
            throw new SandboxInputException("push_name is longer than 100 characters.", param: "push_name");
        }

        var identity = Curve25519.GenerateKeyPair();
        var registrationId = RandomNumberGenerator.GetInt32(1, 16381);
        var now = time.GetUtcNow().ToUnixTimeSeconds();

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE phone = @digits", new { digits }, transaction).ConfigureAwait(false) > 0)
        {
            throw new SandboxInputException($"An account with phone {digits} exists already.", 409, "phone");
        }

        string lid;
        do
        {
            lid = RandomNumberGenerator.GetInt32(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture)
                + RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)
                + RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE lid = @lid", new { lid }, transaction).ConfigureAwait(false) > 0);

        try
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO accounts (phone, lid, push_name, addressing, identity_public, identity_private, registration_id, created_at)
                VALUES (@digits, @lid, @pushName, @mode, @pub, @priv, @registrationId, @now);
                INSERT INTO devices (phone, device_id, key_index, platform, created_at) VALUES (@digits, 0, 0, 'android', @now);
                """,
                new { digits, lid, pushName, mode = mode == AddressingMode.Lid ? "lid" : "pn", pub = identity.PublicKey, priv = identity.PrivateKey, registrationId, now },
                transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // Another request created the same number a moment earlier (SQLITE_CONSTRAINT).
            throw new SandboxInputException($"An account with phone {digits} exists already.", 409, "phone");
        }

        return new SandboxAccount(digits, lid, pushName, mode, identity.PublicKey, identity.PrivateKey, registrationId,
            [new SandboxDevice(digits, 0, 0, "android")]);
    }

    /// <summary>Every account with its devices, ordered by phone.</summary>
    public async Task<IReadOnlyList<SandboxAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AccountRow>("SELECT * FROM accounts ORDER BY phone").ConfigureAwait(false);
        var devices = (await connection.QueryAsync<DeviceRow>("SELECT phone, device_id, key_index, platform FROM devices ORDER BY phone, device_id").ConfigureAwait(false))
            .GroupBy(d => d.phone)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<SandboxDevice>)g.Select(d => new SandboxDevice(d.phone, (int)d.device_id, (int)d.key_index, d.platform)).ToList());
        return rows.Select(r => r.ToAccount(devices.GetValueOrDefault(r.phone) ?? [])).ToList();
    }

    /// <summary>The account with this phone number (any accepted form), or null.</summary>
    public Task<SandboxAccount?> FindAsync(string phone, CancellationToken cancellationToken) =>
        FindWhereAsync("phone = @value", PhoneNumber.Normalize(phone), cancellationToken);

    /// <summary>The account a user JID names, by phone number (<c>…@s.whatsapp.net</c>) or by LID (<c>…@lid</c>), or null.</summary>
    public Task<SandboxAccount?> FindByJidAsync(Jid jid, CancellationToken cancellationToken) => jid.Server switch
    {
        JidServers.WhatsApp or JidServers.LegacyUser or JidServers.Hosted when jid.User.Length > 0 => FindWhereAsync("phone = @value", jid.User, cancellationToken),
        JidServers.Lid or JidServers.HostedLid when jid.User.Length > 0 => FindWhereAsync("lid = @value", jid.User, cancellationToken),
        _ => Task.FromResult<SandboxAccount?>(null),
    };

    private async Task<SandboxAccount?> FindWhereAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<AccountRow>($"SELECT * FROM accounts WHERE {condition}", new { value }).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var digits = row.phone;
        var devices = (await connection.QueryAsync<DeviceRow>(
            "SELECT phone, device_id, key_index, platform FROM devices WHERE phone = @digits ORDER BY device_id", new { digits }).ConfigureAwait(false))
            .Select(d => new SandboxDevice(d.phone, (int)d.device_id, (int)d.key_index, d.platform))
            .ToList();
        return row.ToAccount(devices);
    }

    /// <summary>The stored Noise static key of a device, or null if there is no such device.</summary>
    public async Task<byte[]?> FindNoiseKeyAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<byte[]?>(
            "SELECT noise_public FROM devices WHERE phone = @phone AND device_id = @deviceId", new { phone, deviceId }).ConfigureAwait(false);
    }

    /// <summary>The id and key index the next companion of this account gets.</summary>
    public async Task<(int DeviceId, int KeyIndex)> NextCompanionSlotAsync(string phone, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var (maxId, maxIndex) = await connection.QuerySingleAsync<(long, long)>(
            "SELECT coalesce(max(CASE WHEN device_id <> @hosted THEN device_id END), 0), coalesce(max(key_index), 0) FROM devices WHERE phone = @phone",
            new { phone, hosted = Engine.Stanzas.Devices.HostedDevice.Id }).ConfigureAwait(false);
        return ((int)maxId + 1, (int)maxIndex + 1);
    }

    /// <summary>Records a newly paired companion device.</summary>
    public async Task AddCompanionAsync(string phone, int deviceId, int keyIndex, byte[] noiseKey, string platform, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO devices (phone, device_id, key_index, noise_public, platform, created_at) VALUES (@phone, @deviceId, @keyIndex, @noiseKey, @platform, @now)",
            new { phone, deviceId, keyIndex, noiseKey, platform, now = time.GetUtcNow().ToUnixTimeSeconds() }).ConfigureAwait(false);
    }

    /// <summary>Gives the account a new identity key pair and registration id (its phone reinstalled); null if there is no such account.</summary>
    public async Task<SandboxAccount?> ResetIdentityAsync(string phone, CancellationToken cancellationToken)
    {
        var identity = Curve25519.GenerateKeyPair();
        var registrationId = RandomNumberGenerator.GetInt32(1, 16381);
        await using (var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            var changed = await connection.ExecuteAsync(
                "UPDATE accounts SET identity_public = @pub, identity_private = @priv, registration_id = @registrationId WHERE phone = @phone",
                new { phone, pub = identity.PublicKey, priv = identity.PrivateKey, registrationId }).ConfigureAwait(false);
            if (changed == 0)
            {
                return null;
            }
        }

        return await FindAsync(phone, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a companion device (unlink or logout); the primary (device 0) cannot be removed.</summary>
    public async Task<bool> RemoveCompanionAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        if (deviceId == 0)
        {
            return false;
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(
            "DELETE FROM devices WHERE phone = @phone AND device_id = @deviceId", new { phone, deviceId }).ConfigureAwait(false) > 0;
    }

#pragma warning disable IDE1006, SA1300 // Dapper maps the snake_case columns by name.
    private sealed record AccountRow(string phone, string lid, string? push_name, string addressing, byte[] identity_public, byte[] identity_private, long registration_id, long created_at)
    {
        public SandboxAccount ToAccount(IReadOnlyList<SandboxDevice> devices) => new(
            phone, lid, push_name, addressing == "lid" ? AddressingMode.Lid : AddressingMode.Pn, identity_public, identity_private, (int)registration_id, devices);
    }

    private sealed record DeviceRow(string phone, long device_id, long key_index, string? platform);
#pragma warning restore IDE1006, SA1300
}
