using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// The writes of one stored inbound message, in the caller's transaction: the message, its chat, the sender's push
/// name and LID mapping, the target of an edit or revoke, and the <c>messages.received</c> journal row.
/// </summary>
internal static class InboundMessageWriter
{
    // The target of an edit or revoke is a message of the same side (a peer cannot edit or delete ours, nor we theirs);
    // when two group members' ids collide, the editing sender's own message wins.
    private const string TargetOf =
        "SELECT seq FROM messages WHERE chat_jid = @chat AND msg_id = @target AND from_me = @fromMe ORDER BY sender_key = @senderKey DESC, seq DESC LIMIT 1";

    private const string Edit = $"UPDATE messages SET body = @body, edited_at_ms = @at, updated_at_ms = @now WHERE seq = ({TargetOf});";

    // A message deleted for everyone keeps no text: body and content are cleared.
    private const string Revoke = $"UPDATE messages SET body = NULL, content = X'', revoked = 1, updated_at_ms = @now WHERE seq = ({TargetOf});";

    private const string UpsertContact = """
        INSERT INTO contacts (jid, push_name, updated_at_ms) VALUES (@jid, @name, @now)
        ON CONFLICT (jid) DO UPDATE SET push_name = excluded.push_name, updated_at_ms = excluded.updated_at_ms;
        """;

    /// <summary>Stores <paramref name="message"/>; false, with nothing written, when it is already stored.</summary>
    public static async Task<bool> WriteAsync(
        SqliteConnection connection, SqliteTransaction transaction, MessageRecord message, long nowMs, CancellationToken cancellationToken)
    {
        var senderKey = message.FromMe ? "" : string.IsNullOrEmpty(message.SenderJid) ? message.ChatJid : message.SenderJid;
        var seq = await MessageWrites.InsertAsync(connection, transaction, message, senderKey, nowMs, cancellationToken).ConfigureAwait(false);
        if (seq is null)
        {
            return false;
        }

        var countsAsUnread = !message.FromMe && message.Type is not ("reaction" or "edit" or "revoke" or "protocol");
        var hasPushName = !message.FromMe && !string.IsNullOrEmpty(message.PushName);
        var chatName = hasPushName && !MessageWrites.IsGroup(message.ChatJid) ? message.PushName : null;
        await MessageWrites.UpsertChatAsync(
            connection, transaction, message.ChatJid, chatName, message.Timestamp.ToUnixTimeMilliseconds(), countsAsUnread ? 1 : 0, cancellationToken)
            .ConfigureAwait(false);

        if (hasPushName)
        {
            using var contact = connection.Statement(UpsertContact, transaction).Bind("@jid", senderKey).Bind("@name", message.PushName).Bind("@now", nowMs);
            contact.Execute(cancellationToken);
        }

        if (!string.IsNullOrEmpty(message.SenderPn) && !string.IsNullOrEmpty(message.SenderLid))
        {
            await MessageWrites.WriteLidMappingAsync(connection, transaction, message.SenderLid, message.SenderPn, cancellationToken).ConfigureAwait(false);
        }

        if (message.TargetMsgId is { Length: > 0 } target && message.Type is "edit" or "revoke")
        {
            await connection.ExecuteAsync(new CommandDefinition(
                message.Type == "edit" ? Edit : Revoke,
                new
                {
                    body = message.Body,
                    at = message.Timestamp.ToUnixTimeMilliseconds(),
                    now = nowMs,
                    chat = message.ChatJid,
                    target,
                    fromMe = message.FromMe ? 1L : 0L,
                    senderKey,
                },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await MessageWrites.JournalAsync(
            connection, transaction, "messages.received", message.ChatJid, message.MsgId, seq.Value, MessageStatus.Received.ToName(), null, nowMs, cancellationToken)
            .ConfigureAwait(false);
        return true;
    }
}
