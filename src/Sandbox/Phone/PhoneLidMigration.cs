using Google.Protobuf;
using WaEngine.Engine.Signal;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Store.Signal;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// The phones' side of an account's LID migration: the migrated phone tells its companions (a
/// <c>LID_MIGRATION_MAPPING_SYNC</c> protocol message with its contacts' phone-number-to-LID pairs and the migration
/// time, which Baileys 7 and whatsmeow read), and every phone keeps one Signal session per device across the move: a
/// session kept under a phone number is moved to the LID once the peer is addressed by LID (as Baileys' migrateSession
/// and whatsapp-rust's lazy PN-to-LID decrypt do), so a conversation goes on without a new key exchange.
/// </summary>
public sealed partial class VirtualPhones
{
    /// <summary>
    /// The account's LID migration as its phone carries it out: the account is migrated, and each of its companions gets
    /// the mapping sync (sent through the queue, so an offline companion gets it at its next login).
    /// </summary>
    /// <returns>The account as it is now and the number of phone-number-to-LID pairs the phone passed on.</returns>
    public async Task<(SandboxAccount Account, int Mappings)> MigrateToLidAsync(SandboxAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var migrated = await _accounts.MigrateToLidAsync(account, cancellationToken).ConfigureAwait(false);
        var payload = new LidMigrationMappingSyncPayload
        {
            ChatDbMigrationTimestamp = (ulong)(_accounts.LidMigratedAt(migrated) ?? _time.GetUtcNow()).ToUnixTimeSeconds(),
        };
        payload.PnToLidMappings.Add(Mapping(migrated));
        foreach (var contact in _network.PrivacyTokens.ContactsOf(migrated.Phone).Order(StringComparer.Ordinal))
        {
            if (await _accounts.FindAsync(contact, cancellationToken).ConfigureAwait(false) is { } known)
            {
                payload.PnToLidMappings.Add(Mapping(known));
            }
        }

        var sync = new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.LidMigrationMappingSync,
                LidMigrationMappingSyncMessage = new Message.Types.LidMigrationMappingSyncMessage { EncodedMappingPayload = payload.ToByteString() },
            },
        };
        foreach (var companion in migrated.Devices.Where(d => d.DeviceId != 0 && !d.IsHosted))
        {
            await SendPeerAsync(migrated, companion.DeviceId, sync, cancellationToken).ConfigureAwait(false);
        }

        LogLidMigrated(migrated.Phone, payload.PnToLidMappings.Count);
        return (migrated, payload.PnToLidMappings.Count);
    }

    private static LidMigrationMapping Mapping(SandboxAccount account) => new()
    {
        Pn = ulong.Parse(account.Phone, System.Globalization.CultureInfo.InvariantCulture),
        AssignedLid = ulong.Parse(account.Lid, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The address of the phone's session with <paramref name="peer"/>'s device: always its LID, whichever namespace the
    /// stanza used, as Baileys 7 (its session store resolves a PN address to the mapped LID) and whatsmeow (a PN sender
    /// with a known LID is decrypted under the LID) keep one session per device. A session still kept under the phone
    /// number is moved to the LID first (Baileys' migrateSession), with its identity. One session per device matters: a
    /// peer that writes to the phone by PN and to a group by LID uses one session, and a second one built from the same
    /// one-time prekey could not be decrypted.
    /// </summary>
    internal static async Task<SignalAddress> SessionAddressAsync(SqliteSignalStore store, SandboxAccount peer, uint deviceId, CancellationToken cancellationToken)
    {
        var lid = SignalAddress.ForUser(peer.Lid, SignalAddress.LidDomainType, deviceId);
        var pn = SignalAddress.ForUser(peer.Phone, deviceId);
        if (await store.Sessions.LoadSessionAsync(pn, cancellationToken).ConfigureAwait(false) is not { } kept)
        {
            return lid;
        }

        if (await store.Sessions.LoadSessionAsync(lid, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.Sessions.StoreSessionAsync(lid, kept, cancellationToken).ConfigureAwait(false);
            if (await store.Identities.GetRemoteIdentityAsync(pn, cancellationToken).ConfigureAwait(false) is { } identity)
            {
                await store.Identities.SaveRemoteIdentityAsync(lid, identity, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.Sessions.DeleteSessionAsync(pn, cancellationToken).ConfigureAwait(false);
        return lid;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox phone {Phone}: chats migrated to LIDs; mapping sync ({Mappings} pairs) sent to its companions")]
    private partial void LogLidMigrated(string phone, int mappings);
}
