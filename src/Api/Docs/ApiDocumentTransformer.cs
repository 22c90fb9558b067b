using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace WaEngine.Api.Docs;

/// <summary>Fills in what the endpoints cannot say themselves: title, description, the two security schemes and the error codes.</summary>
public sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo
        {
            Title = "WaEngine",
            Version = "1",
            Description = """
                A self-hosted multi-device WhatsApp session engine. The admin API (`Authorization: Bearer <admin key>`) manages
                lines; the line API (`X-API-Token: <line token>`, one token per line) sends and reads messages.

                Every error is `{error, code, param?, request_id}`: `error` a sentence, `code` one of `invalid_request`,
                `not_supported`, `not_own_message` (400), `unauthorized` (401), `not_connected` (403), `not_found`, `no_media`
                (404), `wrong_state`, `edit_window_closed`, `idempotency_in_progress` (409), `idempotency_key_reused` (422),
                `rate_limited` (429, with `Retry-After` in seconds); `param` names the field or parameter at fault.

                Every POST takes an optional `Idempotency-Key` header: a repeat with the same key and body answers the first
                (2xx) answer again, marked `Idempotent-Replayed: true`, and does nothing new; keys are kept 24 hours.
                """,
        };
        // Relative: the document is served by the service it describes, so clients (and /docs) use its own origin.
        document.Servers = [new OpenApiServer { Url = "/", Description = "This service (the origin serving this document)" }];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Sessions (admin)", Description = "Lines: create, start, stop, pair (QR or phone code), rotate tokens, set webhooks, follow status. Authorization: Bearer <admin key>." },
            new() { Name = "Webhooks (admin)", Description = "A line's webhook deliveries: status, attempts, retry by hand. Authorization: Bearer <admin key>." },
            new() { Name = "Line", Description = "Who and how the line is. X-API-Token: <line token>." },
            new() { Name = "Messages", Description = "Send text, replies, reactions, edits and deletes; read messages and their status. X-API-Token: <line token>." },
            new() { Name = "Chats", Description = "Chats, chat history and media. X-API-Token: <line token>." },
            new() { Name = "Service", Description = "The service itself." },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiAuth.AdminKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The admin key: WAENGINE_ADMIN_KEY, or the key generated at first start and kept in <data>/admin.key.",
        };
        document.Components.SecuritySchemes[ApiAuth.LineToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-API-Token",
            Description = "A line's token, shown once when the line is created (POST /api/sessions) or its token rotated.",
        };
        return Task.CompletedTask;
    }
}
