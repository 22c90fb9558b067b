using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Session;

/// <summary>The session actor's log lines (source-generated).</summary>
internal static partial class LineLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The disk is full: {What} could not be stored, so nothing of it was acked or marked sent; reconnecting with backoff so the server delivers it again once there is room ({Reason})")]
    public static partial void StorageFull(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The disk is full: {What} could not be stored and is kept to be stored again once there is room ({Reason})")]
    public static partial void StorageRefused(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status {From} -> {To} ({Reason})")]
    public static partial void StatusChanged(ILogger logger, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection attempt {Generation} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, int generation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Generation} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, int generation, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message written {Waited} ago is still not acked by the server though the connection answers pings: replacing the connection (what it lost goes out again)")]
    public static partial void AckOverdue(ILogger logger, TimeSpan waited);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void ReconnectScheduled(ILogger logger, TimeSpan delay, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp refused client version {Refused} (405); logging in again with {Current}")]
    public static partial void VersionRetry(ILogger logger, string refused, string current);

    [LoggerMessage(Level = LogLevel.Error, Message = "WhatsApp refused client version {Refused} (405) and no newer one is known (WhatsApp Web: {Published}): client_outdated")]
    public static partial void VersionOutdated(ILogger logger, string refused, string published);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account temporarily banned (402, code {Code}) until {Until}: no login before then")]
    public static partial void TemporarilyBanned(ILogger logger, string code, string until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server stream error: {Error}")]
    public static partial void StreamError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pair-success refused: {Reason}")]
    public static partial void PairSuccessRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paired as {Jid}")]
    public static partial void Paired(ILogger logger, string jid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploading {Count} prekeys (server holds {ServerCount})")]
    public static partial void UploadingPreKeys(ILogger logger, int count, int serverCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background step {Step} failed: {Reason}")]
    public static partial void FlowFailed(ILogger logger, string step, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not handle <{Tag}>: {Reason}")]
    public static partial void StanzaFailed(ILogger logger, string tag, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure handling {Message}")]
    public static partial void Unexpected(ILogger logger, string message, Exception exception);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Ignored <{Tag}>")]
    public static partial void Ignored(ILogger logger, string tag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity key of {Address} changed; the new key is trusted")]
    public static partial void IdentityChanged(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not decrypt message {Id} from {Sender} ({Reason}); sent retry receipt {Count}")]
    public static partial void DecryptFailed(ILogger logger, string id, string sender, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up on message {Id} from {Sender} after the last retry: {Reason}")]
    public static partial void GaveUp(ILogger logger, string id, string sender, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {Id} has a part of unknown type {Type}; skipped")]
    public static partial void UnknownPart(ILogger logger, string id, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resent message {Id} to {Device} (retry {Count})")]
    public static partial void RetryResent(ILogger logger, string id, string device, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a retry receipt for {Id} from {Device}: {Reason}")]
    public static partial void RetryIgnored(ILogger logger, string id, string device, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {MsgId} again: the server never acknowledged it on the previous connection")]
    public static partial void Resending(ILogger logger, string msgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send queue pass ended before {MsgId} (connection changed); it stays queued")]
    public static partial void PassEnded(ILogger logger, string msgId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send queue pass failed ({Reason}); what it left queued goes out on the next pass, in {Delay}")]
    public static partial void PassFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MsgId} refused with 463: issuing our privacy token to {Contact}, then sending it once more")]
    public static partial void TokenRecovery(ILogger logger, string msgId, string contact);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MsgId}: the server's participant hash {ServerHash} differs from ours {OurHash}; device lists dropped")]
    public static partial void ParticipantHashDiffers(ILogger logger, string msgId, string ourHash, string serverHash);
}
