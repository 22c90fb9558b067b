using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Views;

/// <summary>The answer of POST /api/groups/join.</summary>
/// <param name="Jid">The group joined.</param>
public sealed record JoinedView([property: JsonPropertyName("jid")] string Jid);
