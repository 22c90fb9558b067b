using System.Text.Json.Serialization;

namespace WaEngine.Api.Conversations.Views;

/// <summary>The answer to POST /api/chats/typing, /api/presence and /api/presence/subscribe: what was sent, and to whom.</summary>
/// <param name="To">The chat or contact (null for the line's own presence).</param>
/// <param name="State">The state sent (<c>subscribed</c> for a subscription).</param>
public sealed record StateAnswer(
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("state")] string State);
