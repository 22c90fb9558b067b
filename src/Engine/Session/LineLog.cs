using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Session;

/// <summary>The session actor's log lines (source-generated).</summary>
internal static partial class LineLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Status {From} -> {To} ({Reason})")]
    public static partial void StatusChanged(ILogger logger, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection attempt {Generation} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, int generation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Generation} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, int generation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void ReconnectScheduled(ILogger logger, TimeSpan delay, int attempt);

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
}
