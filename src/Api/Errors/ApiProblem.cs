namespace WaEngine.Api.Errors;

/// <summary>
/// A refusal decided away from HTTP (validators, the send composer): status, code, sentence and field. Turned into the
/// contract's error answer by <see cref="ApiResults.From"/>.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">A sentence a person understands.</param>
/// <param name="Param">The field or parameter at fault, or null.</param>
public sealed record ApiProblem(int Status, string Code, string Message, string? Param = null)
{
    /// <summary>400 <c>invalid_request</c> about <paramref name="param"/>.</summary>
    public static ApiProblem Invalid(string param, string message) => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, message, param);

    /// <summary>404 <c>not_found</c> about <paramref name="param"/>.</summary>
    public static ApiProblem NotFound(string param, string message) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message, param);
}
