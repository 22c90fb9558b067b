using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WaEngine.Api.Idempotency;

namespace WaEngine.Api.Docs;

/// <summary>
/// Per operation: the security requirement from <see cref="ApiAuth"/> metadata, the <c>Idempotency-Key</c> header on
/// authenticated POSTs, <c>Retry-After</c> on 429 answers, and a description for every answer that lacks one.
/// </summary>
public sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var auth = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiAuth>().LastOrDefault();
        if (auth is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(auth.Scheme, context.Document)] = [] }];
            if (string.Equals(context.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyFilter.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: a repeat with the same key and body answers the first 2xx answer again and does nothing new (kept 24 h). 1 to 255 printable ASCII characters, e.g. a UUID.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                });
            }
        }

        else
        {
            // Public (liveness): stated explicitly, so every operation says what it needs.
            operation.Security = [];
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse concrete)
            {
                if (string.IsNullOrEmpty(concrete.Description) || status.StartsWith('4'))
                {
                    concrete.Description = Describe(status);
                }

                if (status == "429")
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    };
                }
            }
        }

        return Task.CompletedTask;
    }

    private static string Describe(string status) => status switch
    {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted: stored durably as queued",
        "204" => "No content",
        "400" => "Bad input: malformed JSON, a missing field, a wrong type, a bad JID (param names the field)",
        "401" => "Missing, unknown or rotated credential",
        "403" => "The line cannot send now (not_connected): stopped, logged out, failed or not paired",
        "404" => "Unknown session, message or chat",
        "409" => "Wrong state (of the line or the message), or the same Idempotency-Key still in progress",
        "422" => "Idempotency-Key reused for a different request",
        "429" => "Rate limited: too many requests for this token",
        _ => "Answer",
    };
}
