using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Conversations.Views;

/// <summary>One contact of GET /api/contacts.</summary>
/// <param name="Jid">The contact's JID: its phone number, or its LID while the number is unknown.</param>
/// <param name="Lid">Its LID when known, else null.</param>
/// <param name="Name">The chat's name when the line has one, else null.</param>
/// <param name="PushName">The name the contact gave itself (from its last message), else null.</param>
public sealed record ContactView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("push_name")] string? PushName)
{
    /// <summary>The view of <paramref name="contact"/>.</summary>
    public static ContactView Of(ContactEntry contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return new(contact.Jid, contact.Lid, contact.Name, contact.PushName);
    }
}
