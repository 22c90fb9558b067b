using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>A line's new token; the old one stopped working.</summary>
/// <param name="Token">The token for X-API-Token; shown once.</param>
public sealed record TokenAnswer([property: JsonPropertyName("token")] string Token);
