using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>Log lines of the group family.</summary>
internal static partial class GroupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Read the account's group list from the server: {Count} groups")]
    public static partial void Synced(ILogger logger, int count);
}
