using System.ComponentModel;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Errors;

/// <summary>Every error the API answers with (CONTRACT.md §3): a sentence, a code, the field at fault, the request id.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("error"), Description("A sentence a person understands: what is wrong and how to fix it.")] string Error,
    [property: JsonPropertyName("code"), Description("The machine-readable kind of error, e.g. invalid_request, not_connected, rate_limited.")] string Code,
    [property: JsonPropertyName("param"), Description("The body field, query parameter or header at fault, or null.")] string? Param,
    [property: JsonPropertyName("request_id"), Description("The request's id, for the service's logs.")] string RequestId);
