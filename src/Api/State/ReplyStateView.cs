using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.State;

/// <summary>A contact's reply routing state, as the API shows it.</summary>
/// <param name="Jid">The contact.</param>
/// <param name="Handler">The handler.</param>
/// <param name="Context">The context object, or null.</param>
/// <param name="ExpiresAt">When it stops applying (ISO 8601, UTC).</param>
public sealed record ReplyStateView(
    [property: JsonPropertyName("jid")] string Jid,
    [property: JsonPropertyName("handler")] string Handler,
    [property: JsonPropertyName("context")] JsonObject? Context,
    [property: JsonPropertyName("expires_at")] string ExpiresAt)
{
    /// <summary>The view of <paramref name="state"/>.</summary>
    public static ReplyStateView Of(ReplyState state) => new(
        state.ContactJid,
        state.Handler,
        state.ContextJson is { } json ? JsonNode.Parse(json) as JsonObject : null,
        Format(state.ExpiresAt));

    /// <summary>How state times are written, in the API and in webhooks.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
