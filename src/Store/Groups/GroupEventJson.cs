using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Store.Groups;

/// <summary>
/// The <c>data</c> of a group webhook (CONTRACT §4), written into the journal row's <c>detail</c> when the change is
/// applied: <c>group.update</c> <c>{jid, subject?, description?, announce?, locked?, by}</c> (a new group also carries
/// <c>created: true</c> and its participants) and <c>group.participants</c> <c>{jid, action, participants, by}</c>.
/// </summary>
internal static class GroupEventJson
{
    /// <summary>The journal event of a group's settings or a new group.</summary>
    public const string Update = "group.update";

    /// <summary>The journal event of participants changing.</summary>
    public const string Participants = "group.participants";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event name and data of <paramref name="change"/>.</summary>
    public static (string Event, string Data) Of(GroupChange change) => change switch
    {
        GroupChange.Created created => (Update, Write(w =>
        {
            w.WriteString("jid", created.GroupJid);
            w.WriteBoolean("created", true);
            w.WriteString("subject", created.Group.Subject);
            w.WriteString("description", created.Group.Description);
            w.WriteBoolean("announce", created.Group.Announce);
            w.WriteBoolean("locked", created.Group.Locked);
            w.WriteStartArray("participants");
            foreach (var member in created.Group.Participants)
            {
                w.WriteStringValue(member.PhoneNumber ?? member.Jid);
            }

            w.WriteEndArray();
            w.WriteString("by", created.By);
        })),
        GroupChange.Updated updated => (Update, Write(w =>
        {
            w.WriteString("jid", updated.GroupJid);
            if (updated.Subject is not null)
            {
                w.WriteString("subject", updated.Subject);
            }

            if (updated.Description is not null)
            {
                w.WriteString("description", updated.Description);
            }

            if (updated.Announce is { } announce)
            {
                w.WriteBoolean("announce", announce);
            }

            if (updated.Locked is { } locked)
            {
                w.WriteBoolean("locked", locked);
            }

            w.WriteString("by", updated.By);
        })),
        GroupChange.Participants participants => (Participants, Write(w =>
        {
            w.WriteString("jid", participants.GroupJid);
            w.WriteString("action", participants.Action);
            w.WriteStartArray("participants");
            foreach (var member in participants.Members)
            {
                w.WriteStringValue(member.PhoneNumber ?? member.Jid);
            }

            w.WriteEndArray();
            w.WriteString("by", participants.By);
        })),
        _ => throw new ArgumentException($"Unknown group change {change.GetType().Name}.", nameof(change)),
    };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
