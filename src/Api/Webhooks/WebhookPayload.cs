using WaEngine.Engine.Session;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Store.Journal;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// Turns a journal row into the JSON a receiver gets (CONTRACT.md §4):
/// <c>{"event", "timestamp", "session": {"id"}, "data"}</c>. The bytes are made once, when the row enters the outbox,
/// and every attempt sends them unchanged.
/// </summary>
public static class WebhookPayload
{
    /// <summary>An inbound message (or our own, sent from another device) was stored.</summary>
    public const string MessagesReceived = "messages.received";

    /// <summary>One of our outbound messages changed status.</summary>
    public const string MessageStatus = "message.status";

    /// <summary>The line's status changed.</summary>
    public const string LineStatus = "session.status";

    /// <summary>Someone called the line's account (the engine does not answer calls).</summary>
    public const string CallReceived = "call.received";

    /// <summary>A contact the line subscribed to came online, went offline, or typed, recorded or paused in a chat.</summary>
    public const string PresenceUpdate = "presence.update";

    /// <summary>A group's subject, description or settings changed, or a group with the line in it was created.</summary>
    public const string GroupUpdate = "group.update";

    /// <summary>A group's participants changed (add, remove, promote, demote, leave, join).</summary>
    public const string GroupParticipants = "group.participants";

    /// <summary>Every event a session can ask for.</summary>
    public static IReadOnlyList<string> Events { get; } = [MessagesReceived, MessageStatus, LineStatus, CallReceived, PresenceUpdate, GroupUpdate, GroupParticipants];

    // Text stays readable UTF-8 (emoji, accents); the body is JSON for machines, never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The draft for <paramref name="entry"/>, or null when the session does not want its event.</summary>
    public static WebhookDraft? Render(LineId sessionId, JournalEntry entry, IReadOnlySet<string> wanted)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(wanted);
        if (!wanted.Contains(entry.Event))
        {
            return null;
        }

        return entry.Event switch
        {
            MessagesReceived => new WebhookDraft(entry.ChatJid ?? entry.Message?.ChatJid ?? "", Write(sessionId, entry, WriteMessage)),
            MessageStatus => new WebhookDraft(entry.ChatJid ?? "", Write(sessionId, entry, WriteMessageStatus)),
            LineStatus => new WebhookDraft("", Write(sessionId, entry, WriteSessionStatus)),
            CallReceived => new WebhookDraft(entry.ChatJid ?? "", Write(sessionId, entry, WriteCall)),
            PresenceUpdate => new WebhookDraft(entry.ChatJid ?? "", Write(sessionId, entry, WritePresence)),
            GroupUpdate or GroupParticipants => new WebhookDraft(entry.ChatJid ?? "", Write(sessionId, entry, WriteGroupChange)),
            _ => null,
        };
    }

    /// <summary>The digits of a JID's user part (<c>15550001111:3@s.whatsapp.net</c> → <c>15550001111</c>), or null.</summary>
    public static string? CleanPhone(string? jid)
    {
        if (string.IsNullOrEmpty(jid))
        {
            return null;
        }

        var user = jid.AsSpan();
        var end = user.IndexOfAny(':', '@');
        if (end >= 0)
        {
            user = user[..end];
        }

        Span<char> digits = stackalloc char[user.Length];
        var count = 0;
        foreach (var c in user)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[count++] = c;
            }
        }

        return count == 0 ? null : new string(digits[..count]);
    }

    private static byte[] Write(LineId sessionId, JournalEntry entry, Action<Utf8JsonWriter, JournalEntry> data)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("event", entry.Event);
            writer.WriteNumber("timestamp", entry.CreatedAt.ToUnixTimeSeconds());
            writer.WriteStartObject("session");
            writer.WriteNumber("id", sessionId.Value);
            writer.WriteEndObject();
            writer.WritePropertyName("data");
            writer.WriteStartObject();
            data(writer, entry);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, JournalEntry entry)
    {
        var record = entry.Message;
        Message? message = null;
        if (record is not null)
        {
            try
            {
                message = Message.Parser.ParseFrom(record.Content);
            }
            catch (InvalidProtocolBufferException)
            {
                // Stored bytes that do not parse: the payload says so with message null and the stored body.
                message = null;
            }
        }

        var kind = record?.Type;
        var pointsAt = kind is "reaction" or "edit" or "revoke" or "poll_vote";
        writer.WriteStartObject("messages");
        writer.WriteStartObject("key");
        writer.WriteString("id", record?.MsgId ?? entry.MsgId);
        writer.WriteBoolean("fromMe", record?.FromMe ?? false);
        writer.WriteString("remoteJid", record?.ChatJid ?? entry.ChatJid);
        if ((record?.ChatJid ?? entry.ChatJid)?.EndsWith("@g.us", StringComparison.Ordinal) == true)
        {
            // In a group the sender is the participant (CONTRACT §4); senderPn/senderLid below name the same sender.
            writer.WriteString("participant", record?.FromMe == true ? record.SenderPn : record?.SenderJid ?? record?.SenderPn ?? record?.SenderLid);
        }

        writer.WriteString("senderPn", record?.SenderPn);
        writer.WriteString("cleanedSenderPn", CleanPhone(record?.SenderPn));
        writer.WriteString("senderLid", record?.SenderLid);
        writer.WriteEndObject();

        // The body as the message carried it (a later edit changes the stored row, not this event).
        writer.WriteString("messageBody", message is not null ? MessageContent.BodyOf(MessageContent.Unwrap(message)) : record?.Body);
        writer.WritePropertyName("message");
        if (message is not null)
        {
            // Protobuf JSON, plus any kind our schema lacks under its WhatsApp name (issue #16: nothing dropped for its kind).
            WaEngine.Engine.Messaging.Kinds.MessageJson.ToJson(message).WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (record is not null)
        {
            writer.WriteNumber("messageTimestamp", record.Timestamp.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNull("messageTimestamp");
        }

        writer.WriteString("pushName", record?.PushName);
        writer.WriteString("messageType", kind);
        writer.WriteString("quotedMsgId", pointsAt ? null : record?.TargetMsgId);
        writer.WriteString("targetMsgId", pointsAt ? record?.TargetMsgId : null);
        writer.WriteString("mediaPath", record is null ? null : MediaPathOf(record));
        Media.MediaWebhookFields.Write(writer, message);
        Conversation.ConversationWebhookFields.Write(writer, message, record);
        writer.WriteEndObject();

        // The sender's reply routing state when the message arrived (CONTRACT §3c), for a receiver's Switch node.
        if (entry.State is { } state)
        {
            writer.WriteStartObject("state");
            writer.WriteString("handler", state.Handler);
            writer.WritePropertyName("context");
            if (state.ContextJson is { } context)
            {
                writer.WriteRawValue(context, skipInputValidation: false);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteString("expires_at", state.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
    }

    private static string? MediaPathOf(MessageRecord record) =>
        record.MediaPath ?? (record.Type is "image" or "video" or "audio" or "document" or "sticker" ? "/api/media/" + Uri.EscapeDataString(record.MsgId) : null);

    private static void WriteMessageStatus(Utf8JsonWriter writer, JournalEntry entry)
    {
        writer.WriteStartObject("key");
        writer.WriteString("id", entry.MsgId);
        writer.WriteBoolean("fromMe", true);
        writer.WriteString("remoteJid", entry.ChatJid);
        writer.WriteEndObject();
        writer.WriteString("status", entry.Status);
        writer.WriteString("error", entry.Detail);
    }

    // data: {from, call_id, video, timestamp} (CONTRACT §4); the call log keeps audio/video as the status and the call's
    // unix time as the detail.
    private static void WriteCall(Utf8JsonWriter writer, JournalEntry entry)
    {
        writer.WriteString("from", entry.ChatJid);
        writer.WriteString("call_id", entry.MsgId);
        writer.WriteBoolean("video", entry.Status == "video");
        if (long.TryParse(entry.Detail, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var at))
        {
            writer.WriteNumber("timestamp", at);
        }
        else
        {
            writer.WriteNumber("timestamp", entry.CreatedAt.ToUnixTimeSeconds());
        }
    }

    /// <summary><c>{jid, participant, state, last_seen, timestamp}</c>; <c>state</c>: available, unavailable, composing, recording or paused.</summary>
    private static void WritePresence(Utf8JsonWriter writer, JournalEntry entry)
    {
        string? participant = null;
        long? lastSeen = null;
        if (entry.Detail is { Length: > 0 } detail)
        {
            using var parsed = JsonDocument.Parse(detail);
            if (parsed.RootElement.TryGetProperty("participant", out var p) && p.ValueKind == JsonValueKind.String)
            {
                participant = p.GetString();
            }

            if (parsed.RootElement.TryGetProperty("last_seen", out var l) && l.ValueKind == JsonValueKind.Number)
            {
                lastSeen = l.GetInt64();
            }
        }

        writer.WriteString("jid", entry.ChatJid);
        writer.WriteString("participant", participant);
        writer.WriteString("state", entry.Status);
        if (lastSeen is { } seen)
        {
            writer.WriteNumber("last_seen", seen);
        }
        else
        {
            writer.WriteNull("last_seen");
        }

        writer.WriteNumber("timestamp", entry.CreatedAt.ToUnixTimeSeconds());
    }

    // data: the group change as the store journalled it (CONTRACT §4: group.update {jid, subject?, description?,
    // announce?, locked?, by}; group.participants {jid, action, participants, by}).
    private static void WriteGroupChange(Utf8JsonWriter writer, JournalEntry entry)
    {
        using var data = JsonDocument.Parse(entry.Detail ?? "{}");
        foreach (var property in data.RootElement.EnumerateObject())
        {
            property.WriteTo(writer);
        }
    }

    private static void WriteSessionStatus(Utf8JsonWriter writer, JournalEntry entry)
    {
        var (reason, until) = StatusDetail.Split(entry.Detail);
        writer.WriteString("status", entry.Status);
        writer.WriteString("reason", reason);
        if (until is { } end)
        {
            writer.WriteString("until", end);
        }
        else
        {
            writer.WriteNull("until");
        }
    }
}
