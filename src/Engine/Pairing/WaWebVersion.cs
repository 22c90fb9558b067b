using System.Globalization;

namespace WaEngine.Engine.Pairing;

/// <summary>The WhatsApp Web version a client claims (the server refuses versions it considers too old with 405).</summary>
/// <param name="Primary">First part (2).</param>
/// <param name="Secondary">Second part (3000).</param>
/// <param name="Tertiary">Build number (WhatsApp Web's <c>client_revision</c>).</param>
public readonly record struct WaWebVersion(uint Primary, uint Secondary, uint Tertiary) : IComparable<WaWebVersion>
{
    /// <summary>2.3000.1043857760, the version Baileys 7.0.0-rc14 sends.</summary>
    public static WaWebVersion Default => new(2, 3000, 1043857760);

    /// <summary>The web client version of a published <c>client_revision</c>: 2.3000.revision (as Baileys and whatsmeow read it).</summary>
    public static WaWebVersion FromRevision(uint revision) => new(2, 3000, revision);

    /// <summary>Reads "primary.secondary.tertiary" (e.g. <c>2.3000.1045649367</c>); false when it is not three whole numbers.</summary>
    public static bool TryParse(string? text, out WaWebVersion version)
    {
        version = default;
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length != 3
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var primary)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var secondary)
            || !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var tertiary))
        {
            return false;
        }

        version = new WaWebVersion(primary, secondary, tertiary);
        return true;
    }

    /// <summary>Reads "primary.secondary.tertiary"; throws <see cref="FormatException"/> saying what was wrong.</summary>
    public static WaWebVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a WhatsApp Web version (expected three numbers such as 2.3000.1045649367).");

    /// <inheritdoc />
    public int CompareTo(WaWebVersion other)
    {
        var byPrimary = Primary.CompareTo(other.Primary);
        if (byPrimary != 0)
        {
            return byPrimary;
        }

        var bySecondary = Secondary.CompareTo(other.Secondary);
        return bySecondary != 0 ? bySecondary : Tertiary.CompareTo(other.Tertiary);
    }

    /// <summary>Whether <paramref name="left"/> is older than <paramref name="right"/>.</summary>
    public static bool operator <(WaWebVersion left, WaWebVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is newer than <paramref name="right"/>.</summary>
    public static bool operator >(WaWebVersion left, WaWebVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is not newer than <paramref name="right"/>.</summary>
    public static bool operator <=(WaWebVersion left, WaWebVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is not older than <paramref name="right"/>.</summary>
    public static bool operator >=(WaWebVersion left, WaWebVersion right) => left.CompareTo(right) >= 0;

    /// <summary>"primary.secondary.tertiary", the string whose MD5 is the registration build hash.</summary>
    public override string ToString() => $"{Primary}.{Secondary}.{Tertiary}";
}
