using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.PreKeys;

/// <summary>
/// Keeps the server's one-time prekeys topped up: after a login (then leaves passive mode and settles the login) and
/// when an <c>encrypt</c> notification says the count is low. New keys are made, stored and their next id saved on the
/// line's loop; only the upload iq runs in the background.
/// </summary>
internal sealed class PreKeyHandler(LineOptions options, SignalKeyGenerator keys, ISignalStore signal, ICredentialStore store, ILogger logger)
{
    /// <summary>The server's count after a login (or a notification): upload when low; after a login, then go active.</summary>
    public async Task<StanzaOutcome> HandleCountAsync(LineMail.PreKeyCountKnown mail, LineContext context)
    {
        if (context.Paired is not { } credentials || context.Connection is not { } connection)
        {
            return StanzaOutcome.None;
        }

        Node? upload = null;
        DeviceCredentials? next = null;
        if (mail.Count < options.MinPreKeyCount)
        {
            // A server that holds none gets the first batch WhatsApp clients upload (R11); a low one is topped up.
            var count = mail.Count == 0 ? options.InitialPreKeyUploadCount : options.PreKeyUploadCount;
            LineLog.UploadingPreKeys(logger, count, mail.Count);
            (next, upload) = await PrepareUploadAsync(credentials, count, connection.NextId(), context.Lifetime).ConfigureAwait(false);
        }

        if (upload is null && !mail.AfterLogin)
        {
            return StanzaOutcome.None;
        }

        var generation = context.Generation;
        var afterLogin = mail.AfterLogin;
        return new StanzaOutcome
        {
            Credentials = next,
            Work =
            [
                new BackgroundWork(afterLogin ? "after_login" : "prekey_top_up", async (mailbox, cancellationToken) =>
                {
                    LineMail settled = new LineMail.LoginSettled(generation);
                    try
                    {
                        if (upload is not null)
                        {
                            await connection.QueryAsync(upload, options.IqTimeout, cancellationToken).ConfigureAwait(false);
                        }

                        if (afterLogin)
                        {
                            await connection.QueryAsync(ConnectionStanzas.BuildPassiveActive(connection.NextId()), options.IqTimeout, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (LineException ex) when (ex.Kind == LineErrorKind.Timeout && afterLogin)
                    {
                        LineLog.FlowFailed(logger, "after_login", ex.Message);
                        settled = new LineMail.LoginUnanswered(generation, ex.Message);
                    }
                    catch (Exception ex) when (ex is WaEngineException or ChannelClosedException or IOException)
                    {
                        LineLog.FlowFailed(logger, afterLogin ? "after_login" : "prekey_top_up", ex.Message);
                    }

                    if (afterLogin)
                    {
                        await mailbox.PostAsync(settled, cancellationToken).ConfigureAwait(false);
                    }
                }),
            ],
        };
    }

    /// <summary>An <c>encrypt</c> notification with the server's count: a top-up when it is low.</summary>
    public async Task<StanzaOutcome> HandleEncryptNotificationAsync(Node notification, LineContext context)
    {
        if (notification.Child("count") is not { } count || !context.LoggedIn)
        {
            return StanzaOutcome.None;
        }

        var reader = new AttributeReader(count);
        var value = reader.Int64("value");
        reader.ThrowIfInvalid();
        return await HandleCountAsync(new LineMail.PreKeyCountKnown(context.Generation, (int)Math.Clamp(value, 0, int.MaxValue), AfterLogin: false), context).ConfigureAwait(false);
    }

    private async Task<(DeviceCredentials Credentials, Node Upload)> PrepareUploadAsync(DeviceCredentials credentials, int count, string iqId, CancellationToken cancellationToken)
    {
        var preKeys = keys.GeneratePreKeys(credentials.NextPreKeyId, count);
        await signal.PreKeys.StorePreKeysAsync(preKeys, cancellationToken).ConfigureAwait(false);
        var next = credentials with { NextPreKeyId = SignalKeyGenerator.NextPreKeyId(preKeys[^1].Id) };
        await store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
        var upload = ConnectionStanzas.BuildPreKeyUpload(iqId, credentials.RegistrationId, credentials.IdentityKey.PublicKey, preKeys, credentials.SignedPreKey);
        return (next, upload);
    }
}
