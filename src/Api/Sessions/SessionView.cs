using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions;

/// <summary>A line as the API shows it (CONTRACT.md §2).</summary>
public sealed record SessionView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("phone_jid")] string? PhoneJid,
    [property: JsonPropertyName("me")] MeView? Me,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>Who the line is once paired: its device JID and LID.</summary>
public sealed record MeView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("lid")] string? Lid,
    [property: JsonPropertyName("platform")] string? Platform);
