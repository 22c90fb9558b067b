using System.Globalization;

namespace WaEngine.Store.Journal;

/// <summary>
/// The <c>detail</c> of a <c>session.status</c> journal row: the move's reason and, when the reason has an end (a
/// temporary ban), that end after a unit separator (U+001F, never part of a reason), so the webhook can carry
/// <c>until</c> without another column.
/// </summary>
public static class StatusDetail
{
    private const string Separator = "\u001Funtil=";

    /// <summary>The detail for <paramref name="reason"/> with <paramref name="until"/> (or the reason alone).</summary>
    public static string Compose(string reason, DateTimeOffset? until) =>
        until is { } end ? reason + Separator + end.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) : reason;

    /// <summary>The reason and the end <paramref name="detail"/> holds; a detail without an end is the reason alone.</summary>
    public static (string? Reason, DateTimeOffset? Until) Split(string? detail)
    {
        if (detail is null)
        {
            return (null, null);
        }

        var at = detail.IndexOf(Separator, StringComparison.Ordinal);
        if (at < 0)
        {
            return (detail, null);
        }

        var reason = detail[..at];
        return DateTimeOffset.TryParse(detail.AsSpan(at + Separator.Length), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until)
            ? (reason, until.ToUniversalTime())
            : (reason, null);
    }
}
