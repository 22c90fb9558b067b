using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Views;

/// <summary>A group's invite code and link.</summary>
/// <param name="Code">The code.</param>
/// <param name="Link">The <c>https://chat.whatsapp.com/&lt;code&gt;</c> link.</param>
public sealed record InviteView(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("link")] string Link);
