namespace WaEngine.Api.Messages;

/// <summary>The kinds of message the line API sends (media kinds come with the media issue).</summary>
public enum OutgoingKind
{
    /// <summary>POST /api/messages/send: <c>{to, text}</c>.</summary>
    Text,

    /// <summary>POST /api/messages/reply: <c>{to, text, quoted_msg_id}</c>.</summary>
    Reply,

    /// <summary>POST /api/messages/reaction: <c>{to, emoji, target_msg_id}</c>.</summary>
    Reaction,

    /// <summary>POST /api/messages/edit: <c>{to, text, target_msg_id}</c>.</summary>
    Edit,

    /// <summary>POST /api/messages/delete: <c>{to, target_msg_id}</c>.</summary>
    Delete,
}
