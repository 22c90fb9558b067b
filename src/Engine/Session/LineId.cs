using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WaEngine.Engine.Session;

/// <summary>
/// The id of one WhatsApp line, the same value from the engine to the store and the API (the registry's row id; the
/// <c>id</c> of <c>/api/sessions/{id}</c>). Positive.
/// </summary>
/// <param name="Value">The number.</param>
public readonly record struct LineId(long Value) : IComparable<LineId>
{
    /// <summary>The number as text, invariant culture (file names, log scopes, delivery ids).</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public int CompareTo(LineId other) => Value.CompareTo(other.Value);

    /// <summary>Reads a line id written by <see cref="ToString"/>; false for anything that is not a positive number.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out LineId id)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            id = new LineId(value);
            return true;
        }

        id = default;
        return false;
    }
}
