using System.Globalization;

namespace WaEngine.Engine.Signal;

/// <summary>
/// A Signal protocol address: a name and a device id. WhatsApp names a phone-number user by the user part of
/// the JID and a LID user by the user part plus <c>"_1"</c> (the LID domain type); the storage key is
/// <c>"name.device"</c>, as libsignal's <c>ProtocolAddress.toString()</c>.
/// </summary>
/// <param name="Name">The user part, with the <c>_domainType</c> suffix for non-WhatsApp domains.</param>
/// <param name="DeviceId">The device number (0 for the primary phone).</param>
public readonly record struct SignalAddress(string Name, uint DeviceId)
{
    /// <summary>The domain type WhatsApp gives LID users.</summary>
    public const int LidDomainType = 1;

    /// <summary>Builds the address of a phone-number (<c>s.whatsapp.net</c>) device.</summary>
    public static SignalAddress ForUser(string user, uint deviceId) => ForUser(user, 0, deviceId);

    /// <summary>Builds the address of a device in the given JID domain (0 = WhatsApp, 1 = LID).</summary>
    /// <exception cref="ArgumentException">The user is empty or contains a dot.</exception>
    public static SignalAddress ForUser(string user, int domainType, uint deviceId)
    {
        if (string.IsNullOrEmpty(user) || user.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A Signal address user must be non-empty and contain no '.': \"{user}\".", nameof(user));
        }

        var name = domainType == 0 ? user : user + "_" + domainType.ToString(CultureInfo.InvariantCulture);
        return new SignalAddress(name, deviceId);
    }

    /// <summary>Parses the storage key form <c>"name.device"</c>.</summary>
    public static SignalAddress Parse(string value)
    {
        var dot = value.LastIndexOf('.');
        if (dot <= 0 || !uint.TryParse(value.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var device))
        {
            throw new FormatException($"\"{value}\" is not a Signal address of the form name.device.");
        }

        return new SignalAddress(value[..dot], device);
    }

    /// <summary>The storage key, <c>"name.device"</c>.</summary>
    public override string ToString() => Name + "." + DeviceId.ToString(CultureInfo.InvariantCulture);
}
