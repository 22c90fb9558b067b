using System.Globalization;
using WaEngine.Api.Errors;

namespace WaEngine.Api.Validation;

/// <summary>Reads an optional <c>limit</c>-style query parameter: a whole number from 1 to a maximum, with a default.</summary>
public static class QueryLimit
{
    /// <summary>The value of a query parameter, its default when absent, or the problem with it.</summary>
    /// <param name="text">The parameter as given (null when absent).</param>
    /// <param name="name">Its name.</param>
    /// <param name="defaultValue">The value when absent.</param>
    /// <param name="max">The largest value accepted.</param>
    public static (int Value, ApiProblem? Problem) Read(string? text, string name, int defaultValue, int max)
    {
        if (text is null)
        {
            return (defaultValue, null);
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (0, ApiProblem.Invalid(name, $"{name} '{text}' is not a whole number from 1 to {max}."));
        }

        return value is < 1 || value > max
            ? (0, ApiProblem.Invalid(name, string.Create(CultureInfo.InvariantCulture, $"{name} {value} is out of range: from 1 to {max} (default {defaultValue}).")))
            : (value, null);
    }
}
