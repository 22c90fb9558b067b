using WaEngine.Api.Errors;

namespace WaEngine.Api.Media;

/// <summary>A media send or download stopped with an answer for the caller (<see cref="Problem"/>): bad input, a limit, an unreachable URL.</summary>
public sealed class MediaRequestException : Exception
{
    /// <summary>Creates the exception carrying its answer.</summary>
    public MediaRequestException(ApiProblem problem)
        : base(problem?.Message) => Problem = problem ?? throw new ArgumentNullException(nameof(problem));

    /// <summary>Creates the exception carrying its answer and its cause.</summary>
    public MediaRequestException(ApiProblem problem, Exception innerException)
        : base(problem?.Message, innerException) => Problem = problem ?? throw new ArgumentNullException(nameof(problem));

    /// <summary>The answer.</summary>
    public ApiProblem Problem { get; }

    /// <summary>400 naming <paramref name="param"/>.</summary>
    public static MediaRequestException Invalid(string param, string message) => new(ApiProblem.Invalid(param, message));

    /// <summary>413 with the limit in the sentence.</summary>
    public static MediaRequestException TooLarge(string param, string what, long limit) =>
        new(new ApiProblem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge, $"{what} is over the limit of {MediaSizes.Describe(limit)}.", param));
}
