using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>The 201 answer to POST /api/sessions; the token appears here only.</summary>
/// <param name="Id">The new line's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its status (starting, or stopped when created with start false).</param>
/// <param name="Token">The line's token for X-API-Token; shown once.</param>
public sealed record CreatedSession(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("token")] string Token);
