using Dapper;

namespace WaEngine.Sandbox.Storage;

/// <summary>The Signal keys devices upload to the sandbox and the bundles it hands out for them.</summary>
public sealed class DeviceKeyStore(SandboxDatabase database)
{
    /// <summary>Stores an upload: the device's identity and signed prekey (replacing earlier ones) and more one-time prekeys.</summary>
    public async Task UploadAsync(string phone, int deviceId, DeviceKeys keys, IReadOnlyList<(int Id, byte[] Public)> preKeys, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            """
            INSERT INTO device_keys (phone, device_id, registration_id, identity, skey_id, skey_public, skey_signature)
            VALUES (@phone, @deviceId, @RegistrationId, @Identity, @SignedPreKeyId, @SignedPreKeyPublic, @SignedPreKeySignature)
            ON CONFLICT (phone, device_id) DO UPDATE SET registration_id = excluded.registration_id, identity = excluded.identity,
                skey_id = excluded.skey_id, skey_public = excluded.skey_public, skey_signature = excluded.skey_signature;
            """,
            new { phone, deviceId, keys.RegistrationId, keys.Identity, keys.SignedPreKeyId, keys.SignedPreKeyPublic, keys.SignedPreKeySignature },
            transaction).ConfigureAwait(false);
        foreach (var (id, pub) in preKeys)
        {
            await connection.ExecuteAsync(
                "INSERT OR REPLACE INTO prekeys (phone, device_id, key_id, public_key) VALUES (@phone, @deviceId, @id, @pub)",
                new { phone, deviceId, id, pub },
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many one-time prekeys the device has left on the server.</summary>
    public async Task<int> CountAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM prekeys WHERE phone = @phone AND device_id = @deviceId", new { phone, deviceId }).ConfigureAwait(false);
    }

    /// <summary>The device's identity and signed prekey, or null if it never uploaded.</summary>
    public async Task<DeviceKeys?> FindAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<DeviceKeys>(
            """
            SELECT registration_id AS RegistrationId, identity AS Identity, skey_id AS SignedPreKeyId,
                   skey_public AS SignedPreKeyPublic, skey_signature AS SignedPreKeySignature
            FROM device_keys WHERE phone = @phone AND device_id = @deviceId
            """,
            new { phone, deviceId }).ConfigureAwait(false);
    }

    /// <summary>A bundle for the device, consuming its lowest one-time prekey if any is left; null if it never uploaded.</summary>
    public async Task<PreKeyBundleRecord?> TakeBundleAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        var keys = await FindAsync(phone, deviceId, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return null;
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var preKey = await connection.QuerySingleOrDefaultAsync<(long Id, byte[] Public)?>(
            """
            DELETE FROM prekeys WHERE rowid = (SELECT rowid FROM prekeys WHERE phone = @phone AND device_id = @deviceId ORDER BY key_id LIMIT 1)
            RETURNING key_id, public_key
            """,
            new { phone, deviceId }).ConfigureAwait(false);
        return new PreKeyBundleRecord(keys, preKey is { } p ? ((int)p.Id, p.Public) : null);
    }

    /// <summary>
    /// Bundles for many devices at once (one key fetch), each consuming the device's lowest one-time prekey if any is
    /// left, in one transaction; null for a device that never uploaded. A device asked twice gets two prekeys.
    /// </summary>
    public async Task<IReadOnlyList<PreKeyBundleRecord?>> TakeBundlesAsync(IReadOnlyList<(string Phone, int DeviceId)> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var bundles = new PreKeyBundleRecord?[devices.Count];
        if (devices.Count == 0)
        {
            return bundles;
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < devices.Count; i++)
        {
            var (phone, deviceId) = devices[i];
            var keys = await connection.QuerySingleOrDefaultAsync<DeviceKeys>(
                """
                SELECT registration_id AS RegistrationId, identity AS Identity, skey_id AS SignedPreKeyId,
                       skey_public AS SignedPreKeyPublic, skey_signature AS SignedPreKeySignature
                FROM device_keys WHERE phone = @phone AND device_id = @deviceId
                """,
                new { phone, deviceId }, transaction).ConfigureAwait(false);
            if (keys is null)
            {
                continue;
            }

            var preKey = await connection.QuerySingleOrDefaultAsync<(long Id, byte[] Public)?>(
                """
                DELETE FROM prekeys WHERE rowid = (SELECT rowid FROM prekeys WHERE phone = @phone AND device_id = @deviceId ORDER BY key_id LIMIT 1)
                RETURNING key_id, public_key
                """,
                new { phone, deviceId }, transaction).ConfigureAwait(false);
            bundles[i] = new PreKeyBundleRecord(keys, preKey is { } p ? ((int)p.Id, p.Public) : null);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return bundles;
    }

    /// <summary>Forgets everything a device uploaded (when it is unlinked).</summary>
    public async Task DeleteAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "DELETE FROM prekeys WHERE phone = @phone AND device_id = @deviceId; DELETE FROM device_keys WHERE phone = @phone AND device_id = @deviceId;",
            new { phone, deviceId }).ConfigureAwait(false);
    }
}

/// <summary>A device's long-term Signal keys as uploaded.</summary>
public sealed record DeviceKeys(long RegistrationId, byte[] Identity, long SignedPreKeyId, byte[] SignedPreKeyPublic, byte[] SignedPreKeySignature);

/// <summary>What a bundle fetch hands out: the long-term keys and at most one one-time prekey.</summary>
public sealed record PreKeyBundleRecord(DeviceKeys Keys, (int Id, byte[] Public)? PreKey);
