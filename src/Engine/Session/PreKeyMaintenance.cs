using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>Keeps the server's one-time prekeys topped up: asks the count, makes and stores new keys, builds the upload.</summary>
internal sealed class PreKeyMaintenance(LineOptions options, SignalKeyGenerator keys, ISignalStore signal, ICredentialStore store)
{
    public async Task<int> QueryServerCountAsync(LineConnection connection, CancellationToken cancellationToken)
    {
        var answer = await connection.QueryAsync(ConnectionStanzas.BuildPreKeyCount(connection.NextId()), options.IqTimeout, cancellationToken).ConfigureAwait(false);
        var reader = new AttributeReader(answer.RequiredChild("count"));
        var value = reader.Int64("value");
        reader.ThrowIfInvalid();
        return (int)Math.Clamp(value, 0, int.MaxValue);
    }

    /// <summary>Makes <see cref="LineOptions.PreKeyUploadCount"/> keys, stores them and the advanced next id, and builds the upload iq.</summary>
    public async Task<(DeviceCredentials Credentials, Node Upload)> PrepareUploadAsync(DeviceCredentials credentials, string iqId, CancellationToken cancellationToken)
    {
        var preKeys = keys.GeneratePreKeys(credentials.NextPreKeyId, options.PreKeyUploadCount);
        await signal.PreKeys.StorePreKeysAsync(preKeys, cancellationToken).ConfigureAwait(false);
        var next = credentials with { NextPreKeyId = SignalKeyGenerator.NextPreKeyId(preKeys[^1].Id) };
        await store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
        var upload = ConnectionStanzas.BuildPreKeyUpload(iqId, credentials.RegistrationId, credentials.IdentityKey.PublicKey, preKeys, credentials.SignedPreKey);
        return (next, upload);
    }
}
