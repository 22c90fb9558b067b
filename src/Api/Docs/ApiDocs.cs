namespace WaEngine.Api.Docs;

/// <summary>The OpenAPI document at <c>/openapi.json</c>, generated from the endpoints, and Swagger UI at <c>/docs</c> (served from the package, no CDN).</summary>
public static class ApiDocs
{
    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi.json";

    /// <summary>Registers the document generator with WaEngine's transformers.</summary>
    public static IServiceCollection AddApiDocs(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // The sandbox's control API (sandbox mode only) is documented in the README, not here: the document is the service's, the same in every mode.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("sandbox", StringComparison.Ordinal) != true;
            options.AddDocumentTransformer<ApiDocumentTransformer>();
            options.AddOperationTransformer<ApiOperationTransformer>();
        });

    /// <summary>Maps <c>/openapi.json</c> and <c>/docs</c>.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(DocumentPath);
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.DocumentTitle = "WaEngine API";
            ui.SwaggerEndpoint(DocumentPath, "WaEngine");
        });
        return app;
    }
}
