using WaEngine.Api.Errors;
using WaEngine.Api.State;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Validation;

/// <summary>
/// What every send filter does with its body: read the JSON, check it against the kind's reader, and take the optional
/// reply routing <c>state</c> (CONTRACT §3c) any send may carry — the first fault answers 400.
/// </summary>
internal static class SendBodyReader
{
    /// <summary>The checked request, or the error result to answer with.</summary>
    /// <param name="http">The call.</param>
    /// <param name="read">The kind's reader: the request, or the problem with the body.</param>
    /// <param name="recipientOf">The request's <c>to</c>, which a state is kept for.</param>
    /// <param name="withState">The request with the state attached.</param>
    public static async Task<(T? Request, IResult? Error)> ReadAsync<T>(
        HttpContext http, Func<JsonBody, (T? Request, ApiProblem? Problem)> read, Func<T, string> recipientOf, Func<T, ReplyState, T> withState)
        where T : class
    {
        var (body, error) = await JsonBody.ReadAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return (null, error);
        }

        var (request, problem) = read(body);
        if (problem is not null)
        {
            return (null, ApiResults.From(http, problem));
        }

        if (body.Object("state") is { } stateBody)
        {
            var state = ReplyStateReader.Read(stateBody, recipientOf(request!), http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
            return state is null ? (null, body.ErrorResult(http)) : (withState(request!, state), null);
        }

        return body.Problem is not null ? (null, body.ErrorResult(http)) : (request, null);
    }
}
