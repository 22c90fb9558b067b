using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>GET /api/me: the line the token names.</summary>
/// <param name="Session">The line.</param>
public sealed record MeAnswer([property: JsonPropertyName("session")] SessionView Session);
