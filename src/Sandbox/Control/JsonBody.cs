using System.Text.Json;

namespace WaEngine.Sandbox.Control;

/// <summary>Reads a JSON request body, turning malformed JSON into a sentence instead of an empty 400.</summary>
internal static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The parsed body, or an error result naming what is wrong.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Error("The body must be JSON (Content-Type: application/json)."));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(Options, cancellationToken);
            return body is null ? (null, Error("The body must be a JSON object, not null.")) : (body, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } ? $" at {ex.Path}" : "";
            return (null, Error($"The body is not valid JSON{where}: {ex.Message.Split('.')[0]}."));
        }
    }

    public static IResult Error(string message, int status = StatusCodes.Status400BadRequest, string? param = null) =>
        Results.Json(new { error = message, code = status == 409 ? "conflict" : status == 404 ? "not_found" : "bad_request", param }, statusCode: status);
}
