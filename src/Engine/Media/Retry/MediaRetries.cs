using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Proto;

namespace WaEngine.Engine.Media.Retry;

/// <summary>
/// One line's media retries in flight: <see cref="RequestAsync"/> sends the request to our own phone and waits (bounded)
/// for the <c>mediaretry</c> notification the line's loop hands to <see cref="Offer"/>; requests for the same message
/// share one wait. An answer nobody waits for any more is dropped.
/// </summary>
public sealed class MediaRetries
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MediaRetryAnswer>> _waiting = new(StringComparer.Ordinal);

    /// <summary>How many requests are waiting for their answer.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>
    /// Asks our phone to upload the media of message <paramref name="target"/> again and returns its decrypted answer
    /// when it says <see cref="MediaRetryNotification.Types.ResultType.Success"/> with a direct path.
    /// </summary>
    /// <param name="send">Writes a stanza to the server.</param>
    /// <param name="ownUserJid">Our account's user JID (no device), where the request is addressed.</param>
    /// <param name="target">The message and its media key.</param>
    /// <param name="timeout">How long the phone has to answer.</param>
    /// <param name="time">The clock of the timeout.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="MediaException"><see cref="MediaErrorCodes.NotOnPhone"/>, <see cref="MediaErrorCodes.RetryTimeout"/>
    /// or <see cref="MediaErrorCodes.RetryUnreadable"/>.</exception>
    public async Task<MediaRetryNotification> RequestAsync(Func<Node, CancellationToken, ValueTask> send, string ownUserJid, MediaRetryTarget target, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(time);
        var waiter = _waiting.GetOrAdd(target.MsgId, _ => new TaskCompletionSource<MediaRetryAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        MediaRetryAnswer answer;
        try
        {
            var (ciphertext, iv) = MediaRetryCipher.EncryptRequest(target.MediaKey.Span, target.MsgId);
            await send(MediaRetryStanzas.BuildRequest(target.MsgId, ownUserJid, target.ChatJid, target.FromMe, target.Participant, ciphertext, iv), cancellationToken).ConfigureAwait(false);
            answer = await waiter.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new MediaException(MediaErrorCodes.RetryTimeout, $"The phone did not answer the request to upload the media of message '{target.MsgId}' again within {timeout.TotalSeconds:0} s (it may be offline); try again later.");
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource<MediaRetryAnswer>>(target.MsgId, waiter));
        }

        return Read(answer, target);
    }

    /// <summary>Hands an arrived answer to whoever waits for it; false when nobody does.</summary>
    public bool Offer(MediaRetryAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return _waiting.TryGetValue(answer.MsgId, out var waiter) && waiter.TrySetResult(answer);
    }

    private static MediaRetryNotification Read(MediaRetryAnswer answer, MediaRetryTarget target)
    {
        if (answer.ErrorCode is { } code)
        {
            throw code == MediaRetryAnswer.NotOnPhoneCode
                ? new MediaException(MediaErrorCodes.NotOnPhone, $"The media of message '{target.MsgId}' expired on the media hosts and the phone no longer has it (error {code}); ask the sender to send it again.")
                : new MediaException(MediaErrorCodes.RetryUnreadable, $"The phone could not upload the media of message '{target.MsgId}' again (error {code}).");
        }

        var notification = MediaRetryCipher.DecryptAnswer(target.MediaKey.Span, target.MsgId, answer.Ciphertext ?? [], answer.Iv ?? []);
        return notification.Result switch
        {
            MediaRetryNotification.Types.ResultType.Success when notification.DirectPath.StartsWith('/') => notification,
            MediaRetryNotification.Types.ResultType.Success => throw new MediaException(MediaErrorCodes.RetryUnreadable, $"The phone uploaded the media of message '{target.MsgId}' again but gave no usable direct path ('{notification.DirectPath}')."),
            MediaRetryNotification.Types.ResultType.NotFound => throw new MediaException(MediaErrorCodes.NotOnPhone, $"The media of message '{target.MsgId}' expired on the media hosts and the phone no longer has it (NOT_FOUND); ask the sender to send it again."),
            var other => throw new MediaException(MediaErrorCodes.RetryUnreadable, $"The phone could not upload the media of message '{target.MsgId}' again ({other})."),
        };
    }
}
