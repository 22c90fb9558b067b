using System.Text.Json;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Engine.Messaging.Polls;
using WaEngine.Proto;

namespace WaEngine.Api.Conversation;

/// <summary>
/// The parsed conversation kinds of a <c>messages.received</c> delivery (issue #16), read from the message so a receiver
/// need not dig through <c>message</c>: <c>location</c> <c>{latitude, longitude, name, address, url, live}</c>;
/// <c>contacts</c> <c>[{displayName, vcard, phones}]</c>; <c>poll</c> <c>{question, options, selectableCount}</c>; for a
/// vote (<c>messageType: "poll_vote"</c>) <c>selectedOptions</c> (option names, or null when they cannot be read) and
/// <c>voteError</c> (why not). Other messages carry none of these.
/// </summary>
public static class ConversationWebhookFields
{
    /// <summary>Writes the fields of <paramref name="message"/>'s kind (nothing for other kinds).</summary>
    public static void Write(Utf8JsonWriter writer, Message? message, MessageRecord? record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (record?.Type == "poll_vote")
        {
            WriteVote(writer, record);
            return;
        }

        if (message is null)
        {
            return;
        }

        var unwrapped = MessageContent.Unwrap(message);
        if (unwrapped.LocationMessage is { } location)
        {
            WriteLocation(writer, location.DegreesLatitude, location.DegreesLongitude, location.Name, location.Address, location.Url, live: false);
        }
        else if (unwrapped.LiveLocationMessage is { } live)
        {
            WriteLocation(writer, live.DegreesLatitude, live.DegreesLongitude, live.Caption, null, null, live: true);
        }
        else if (unwrapped.ContactMessage is { } contact)
        {
            writer.WriteStartArray("contacts");
            WriteContact(writer, contact);
            writer.WriteEndArray();
        }
        else if (unwrapped.ContactsArrayMessage is { } contacts)
        {
            writer.WriteStartArray("contacts");
            foreach (var one in contacts.Contacts)
            {
                WriteContact(writer, one);
            }

            writer.WriteEndArray();
        }
        else if (MessageContent.PollOf(unwrapped) is { } poll)
        {
            writer.WriteStartObject("poll");
            writer.WriteString("question", poll.Name);
            writer.WriteStartArray("options");
            foreach (var option in poll.Options)
            {
                writer.WriteStringValue(option.OptionName);
            }

            writer.WriteEndArray();
            writer.WriteNumber("selectableCount", poll.SelectableOptionsCount);
            writer.WriteEndObject();
        }
    }

    private static void WriteVote(Utf8JsonWriter writer, MessageRecord record)
    {
        writer.WritePropertyName("selectedOptions");
        if (PollVoteReader.SelectedOptionsOf(record) is { } selected)
        {
            writer.WriteStartArray();
            foreach (var name in selected)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("pollMsgId", record.TargetMsgId);
        writer.WriteString("voteError", record.Error);
    }

    private static void WriteLocation(Utf8JsonWriter writer, double latitude, double longitude, string? name, string? address, string? url, bool live)
    {
        writer.WriteStartObject("location");
        writer.WriteNumber("latitude", latitude);
        writer.WriteNumber("longitude", longitude);
        writer.WriteString("name", string.IsNullOrEmpty(name) ? null : name);
        writer.WriteString("address", string.IsNullOrEmpty(address) ? null : address);
        writer.WriteString("url", string.IsNullOrEmpty(url) ? null : url);
        writer.WriteBoolean("live", live);
        writer.WriteEndObject();
    }

    private static void WriteContact(Utf8JsonWriter writer, Message.Types.ContactMessage contact)
    {
        writer.WriteStartObject();
        var vcard = contact.HasVcard ? contact.Vcard : null;
        writer.WriteString("displayName", contact.HasDisplayName ? contact.DisplayName : vcard is null ? null : VCard.DisplayNameOf(vcard));
        writer.WriteString("vcard", vcard);
        writer.WriteStartArray("phones");
        foreach (var phone in vcard is null ? [] : VCard.PhonesOf(vcard))
        {
            writer.WriteStringValue(phone);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
