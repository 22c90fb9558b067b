using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>A <c>messages</c> row as Dapper reads it (SQLite integers as <see cref="long"/>), and its mapping to <see cref="MessageRecord"/>.</summary>
internal sealed class MessageRow
{
    /// <summary>The select list matching this row's properties, over <c>messages</c> aliased <c>m</c>.</summary>
    public const string Columns = """
        m.seq AS Seq, m.msg_id AS MsgId, m.chat_jid AS ChatJid, m.from_me AS FromMe, m.sender_jid AS SenderJid,
        m.sender_pn AS SenderPn, m.sender_lid AS SenderLid, m.type AS Type, m.body AS Body, m.content AS Content,
        m.target_msg_id AS TargetMsgId, m.push_name AS PushName, m.timestamp_ms AS TimestampMs, m.status AS Status,
        m.error AS Error, m.media_path AS MediaPath, m.edited_at_ms AS EditedAtMs, m.revoked AS Revoked,
        m.scheduled_at_ms AS ScheduledAtMs
        """;

    public long Seq { get; set; }

    public string MsgId { get; set; } = "";

    public string ChatJid { get; set; } = "";

    public long FromMe { get; set; }

    public string? SenderJid { get; set; }

    public string? SenderPn { get; set; }

    public string? SenderLid { get; set; }

    public string Type { get; set; } = "";

    public string? Body { get; set; }

    public byte[]? Content { get; set; }

    public string? TargetMsgId { get; set; }

    public string? PushName { get; set; }

    public long TimestampMs { get; set; }

    public long Status { get; set; }

    public string? Error { get; set; }

    public string? MediaPath { get; set; }

    public long? EditedAtMs { get; set; }

    public long Revoked { get; set; }

    public long? ScheduledAtMs { get; set; }

    public MessageRecord ToRecord() => new()
    {
        MsgId = MsgId,
        ChatJid = ChatJid,
        FromMe = FromMe != 0,
        SenderJid = SenderJid,
        SenderPn = SenderPn,
        SenderLid = SenderLid,
        Type = Type,
        Body = Body,
        Content = Content ?? [],
        TargetMsgId = TargetMsgId,
        PushName = PushName,
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs),
        Status = (MessageStatus)Status,
        Error = Error,
        MediaPath = MediaPath,
        EditedAt = EditedAtMs is { } edited ? DateTimeOffset.FromUnixTimeMilliseconds(edited) : null,
        Revoked = Revoked != 0,
        ScheduledAt = ScheduledAtMs is { } scheduled ? DateTimeOffset.FromUnixTimeMilliseconds(scheduled) : null,
    };
}
