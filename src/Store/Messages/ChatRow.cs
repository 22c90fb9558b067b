using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>A <c>chats</c> row as Dapper reads it, and its mapping to <see cref="ChatSummary"/>.</summary>
internal sealed class ChatRow
{
    /// <summary>The select list matching this row's properties.</summary>
    public const string Columns = "jid AS Jid, name AS Name, is_group AS IsGroup, last_msg_at_ms AS LastMsgAtMs, unread AS Unread";

    public string Jid { get; set; } = "";

    public string? Name { get; set; }

    public long IsGroup { get; set; }

    public long? LastMsgAtMs { get; set; }

    public long Unread { get; set; }

    public ChatSummary ToSummary() => new(
        Jid, Name, IsGroup != 0, LastMsgAtMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, (int)Unread);
}
