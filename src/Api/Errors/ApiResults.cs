namespace WaEngine.Api.Errors;

/// <summary>Builds error answers in the contract's shape.</summary>
public static class ApiResults
{
    /// <summary>An error answer with <paramref name="status"/>.</summary>
    public static IResult Error(HttpContext context, int status, string code, string message, string? param = null) =>
        Results.Json(new ApiError(message, code, param, context.TraceIdentifier), statusCode: status);

    /// <summary>400: the request body or a parameter is wrong.</summary>
    public static IResult BadRequest(HttpContext context, string message, string? param = null) =>
        Error(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, message, param);

    /// <summary>401: the credential is missing or names nobody.</summary>
    public static IResult Unauthorized(HttpContext context, string message) =>
        Error(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);

    /// <summary>404: nothing with that id.</summary>
    public static IResult NotFound(HttpContext context, string message, string? param = null) =>
        Error(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, message, param);

    /// <summary>409: the line is not in a state that allows this.</summary>
    public static IResult Conflict(HttpContext context, string message) =>
        Error(context, StatusCodes.Status409Conflict, ErrorCodes.WrongState, message);

    /// <summary>Any <see cref="ApiProblem"/> as its answer.</summary>
    public static IResult From(HttpContext context, ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Error(context, problem.Status, problem.Code, problem.Message, problem.Param);
    }
}
