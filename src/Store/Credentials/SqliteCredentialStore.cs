using Dapper;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Credentials;

/// <summary>Credentials in <c>device_credentials</c>, the desired-running flag in <c>line_run_state</c>.</summary>
public sealed class SqliteCredentialStore : ICredentialStore
{
    private const string Upsert = """
        INSERT OR REPLACE INTO device_credentials (id, noise_public, noise_private, identity_public, identity_private, registration_id,
            signed_prekey_id, signed_prekey_public, signed_prekey_private, signed_prekey_signature, adv_secret, next_prekey_id,
            me_jid, me_lid, platform, account_identity)
        VALUES (1, @NoisePublic, @NoisePrivate, @IdentityPublic, @IdentityPrivate, @RegistrationId,
            @SignedPreKeyId, @SignedPreKeyPublic, @SignedPreKeyPrivate, @SignedPreKeySignature, @AdvSecret, @NextPreKeyId,
            @MeJid, @MeLid, @Platform, @AccountIdentity);
        """;

    private const string Select = """
        SELECT noise_public AS NoisePublic, noise_private AS NoisePrivate, identity_public AS IdentityPublic,
            identity_private AS IdentityPrivate, registration_id AS RegistrationId, signed_prekey_id AS SignedPreKeyId,
            signed_prekey_public AS SignedPreKeyPublic, signed_prekey_private AS SignedPreKeyPrivate,
            signed_prekey_signature AS SignedPreKeySignature, adv_secret AS AdvSecret, next_prekey_id AS NextPreKeyId,
            me_jid AS MeJid, me_lid AS MeLid, platform AS Platform, account_identity AS AccountIdentity
        FROM device_credentials WHERE id = 1;
        """;

    private const string Wipe = """
        DELETE FROM device_credentials;
        DELETE FROM signal_local_identity;
        DELETE FROM signal_remote_identity;
        DELETE FROM signal_prekey;
        DELETE FROM signal_signed_prekey;
        DELETE FROM signal_session;
        DELETE FROM signal_sender_key;
        """;

    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqliteCredentialStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<DeviceCredentials?> LoadAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToCredentials();
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(Upsert, Row.From(credentials), cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task WipeAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await connection.ExecuteAsync(new CommandDefinition(Wipe, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> GetDesiredRunningAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var value = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT desired_running FROM line_run_state WHERE id = 1;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return value == 1;
        }
    }

    /// <inheritdoc />
    public async Task SetDesiredRunningAsync(bool running, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO line_run_state (id, desired_running) VALUES (1, @running);",
                new { running = running ? 1L : 0L },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private sealed class Row
    {
        public byte[] NoisePublic { get; set; } = [];

        public byte[] NoisePrivate { get; set; } = [];

        public byte[] IdentityPublic { get; set; } = [];

        public byte[] IdentityPrivate { get; set; } = [];

        public long RegistrationId { get; set; }

        public long SignedPreKeyId { get; set; }

        public byte[] SignedPreKeyPublic { get; set; } = [];

        public byte[] SignedPreKeyPrivate { get; set; } = [];

        public byte[] SignedPreKeySignature { get; set; } = [];

        public byte[] AdvSecret { get; set; } = [];

        public long NextPreKeyId { get; set; }

        public string? MeJid { get; set; }

        public string? MeLid { get; set; }

        public string? Platform { get; set; }

        public byte[]? AccountIdentity { get; set; }

        public static Row From(DeviceCredentials c) => new()
        {
            NoisePublic = c.NoiseKey.PublicKey,
            NoisePrivate = c.NoiseKey.PrivateKey,
            IdentityPublic = c.IdentityKey.PublicKey,
            IdentityPrivate = c.IdentityKey.PrivateKey,
            RegistrationId = c.RegistrationId,
            SignedPreKeyId = c.SignedPreKey.Id,
            SignedPreKeyPublic = c.SignedPreKey.KeyPair.PublicKey,
            SignedPreKeyPrivate = c.SignedPreKey.KeyPair.PrivateKey,
            SignedPreKeySignature = c.SignedPreKey.Signature,
            AdvSecret = c.AdvSecret,
            NextPreKeyId = c.NextPreKeyId,
            MeJid = c.Me,
            MeLid = c.Lid,
            Platform = c.Platform,
            AccountIdentity = c.AccountIdentity,
        };

        public DeviceCredentials ToCredentials() => new(
            new KeyPair(NoisePublic, NoisePrivate),
            new KeyPair(IdentityPublic, IdentityPrivate),
            (uint)RegistrationId,
            new SignedPreKeyRecord((uint)SignedPreKeyId, new KeyPair(SignedPreKeyPublic, SignedPreKeyPrivate), SignedPreKeySignature),
            AdvSecret,
            (uint)NextPreKeyId,
            MeJid,
            MeLid,
            Platform,
            AccountIdentity);
    }
}
