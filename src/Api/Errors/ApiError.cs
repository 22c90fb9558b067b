using System.Text.Json.Serialization;

namespace WaEngine.Api.Errors;

/// <summary>Every error the API answers with (CONTRACT.md §3): a sentence, a code, the field at fault, the request id.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("request_id")] string RequestId);
