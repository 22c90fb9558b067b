using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Conversations.Views;

/// <summary>One number of POST /api/contacts/check.</summary>
/// <param name="Phone">The number, digits only (country code first).</param>
/// <param name="OnWhatsApp">Whether an account has it.</param>
/// <param name="Jid">The account's JID (<c>digits@s.whatsapp.net</c>), or null.</param>
/// <param name="Lid">The account's LID (<c>id@lid</c>) when WhatsApp gave it, or null.</param>
public sealed record ContactCheckView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("on_whatsapp")] bool OnWhatsApp,
    [property: JsonPropertyName("jid")] string? Jid,
    [property: JsonPropertyName("lid")] string? Lid)
{
    /// <summary>The view of <paramref name="check"/>.</summary>
    public static ContactCheckView Of(ContactCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return new(check.Phone, check.OnWhatsApp, check.Jid, check.Lid);
    }
}
