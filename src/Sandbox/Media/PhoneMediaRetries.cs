using WaEngine.Engine.Binary;
using WaEngine.Engine.Media;
using WaEngine.Engine.Media.Retry;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Stanzas;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// A virtual phone answers its companions' media retry requests (<c>&lt;receipt type="server-error"&gt;</c>, which the
/// server hands to the account's phone because the companion addresses it to its own account) as a real phone does:
/// it looks the message up among those it received or sent, decrypts the request with the message's media key,
/// uploads the blob again from its copy (<see cref="MediaBlobStore.ReuploadAsync"/>) and answers the asking device with
/// a <c>&lt;notification type="mediaretry"&gt;</c> holding the encrypted <c>MediaRetryNotification</c>: SUCCESS with
/// the new direct path, NOT_FOUND when it no longer has the file, DECRYPTION_ERROR when the request does not decrypt;
/// a message it does not know at all is answered with <c>&lt;error code="2"/&gt;</c> (whatsmeow: not on the phone).
/// </summary>
public sealed partial class PhoneMediaRetries(MediaHost host, SandboxNetwork network, Func<string, string, CancellationToken, Task<Message?>> findMessage, TimeProvider time, ILogger<PhoneMediaRetries> logger)
{
    /// <summary>Answers the request <paramref name="receipt"/> that reached <paramref name="account"/>'s phone.</summary>
    public async Task AnswerAsync(SandboxAccount account, Node receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(receipt);
        var reader = new AttributeReader(receipt);
        var id = reader.String("id");
        var asking = reader.Jid("from");
        reader.ThrowIfInvalid();
        var rmr = receipt.Child("rmr");
        if (asking.Device is not > 0 || rmr?.Attr("jid") is not { } chat)
        {
            LogMalformed(account.Phone, id);
            return;
        }

        var fromMe = rmr.Attr("from_me") == "true";
        var participant = rmr.Attr("participant");
        var message = await findMessage(account.Phone, id, cancellationToken).ConfigureAwait(false);
        var media = message is null ? null : MediaMessageBuilder.ReferenceOf(message);
        Node answer;
        if (media is null || media.MediaKey.Length != MediaKeys.MediaKeyLength)
        {
            LogAnswered(account.Phone, id, "error 2: no such media message on the phone");
            answer = MediaRetryStanzas.BuildAnswer(id, account.Jid, chat, fromMe, participant, Now(), null, null, MediaRetryAnswer.NotOnPhoneCode);
        }
        else
        {
            var result = await ResultAsync(media, id, receipt, cancellationToken).ConfigureAwait(false);
            LogAnswered(account.Phone, id, result.Result.ToString());
            var (ciphertext, iv) = MediaRetryCipher.EncryptAnswer(media.MediaKey.Span, id, result);
            answer = MediaRetryStanzas.BuildAnswer(id, account.Jid, chat, fromMe, participant, Now(), ciphertext, iv, null);
        }

        await network.DeliverToDeviceAsync(account, asking.Device.Value, "notification", answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MediaRetryNotification> ResultAsync(MediaReference media, string id, Node receipt, CancellationToken cancellationToken)
    {
        var encrypt = receipt.Child("encrypt");
        var ciphertext = encrypt?.Child("enc_p")?.Bytes ?? ReadOnlyMemory<byte>.Empty;
        var iv = encrypt?.Child("enc_iv")?.Bytes ?? ReadOnlyMemory<byte>.Empty;
        var request = MediaRetryCipher.DecryptRequest(media.MediaKey.Span, id, ciphertext.Span, iv.Span);
        if (request is null)
        {
            return new MediaRetryNotification { StanzaId = id, Result = MediaRetryNotification.Types.ResultType.DecryptionError };
        }

        var directPath = await host.Blobs.ReuploadAsync(MediaKinds.UploadType(media.Kind), media.FileEncSha256.Memory, cancellationToken).ConfigureAwait(false);
        return directPath is null
            ? new MediaRetryNotification { StanzaId = id, Result = MediaRetryNotification.Types.ResultType.NotFound }
            : new MediaRetryNotification { StanzaId = id, Result = MediaRetryNotification.Types.ResultType.Success, DirectPath = directPath };
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox phone {Phone}: media retry request {Id} without an asking device or <rmr jid>; ignored")]
    private partial void LogMalformed(string phone, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox phone {Phone}: media retry for {Id} answered ({Result})")]
    private partial void LogAnswered(string phone, string id, string result);
}
