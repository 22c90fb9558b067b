namespace WaEngine.Engine.Pairing;

/// <summary>
/// What a companion shows as its QR code for one server ref:
/// <c>https://wa.me/settings/linked_devices#ref,base64(noisePub),base64(identityPub),base64(advSecret),platformId</c>.
/// The phone (or the sandbox's virtual phone) parses it back to learn the companion's keys.
/// </summary>
/// <param name="Ref">The ref the server sent in <c>pair-device</c> (ASCII).</param>
/// <param name="NoisePublicKey">The companion's Noise static public key (32 bytes).</param>
/// <param name="IdentityPublicKey">The companion's Signal identity public key (32 bytes).</param>
/// <param name="AdvSecret">The secret the pair-success HMAC is keyed with (32 bytes).</param>
/// <param name="PlatformId">The companion client type: "1" Chrome, "2" Edge, "3" Firefox, … "9" other web client.</param>
internal sealed record QrPairingData(string Ref, byte[] NoisePublicKey, byte[] IdentityPublicKey, byte[] AdvSecret, string PlatformId)
{
    /// <summary>The fixed prefix of every QR string.</summary>
    public const string Prefix = "https://wa.me/settings/linked_devices#";

    /// <summary>The QR string.</summary>
    public override string ToString() =>
        Prefix + string.Join(',', Ref, Convert.ToBase64String(NoisePublicKey), Convert.ToBase64String(IdentityPublicKey), Convert.ToBase64String(AdvSecret), PlatformId);

    /// <summary>Parses a QR string; every problem found is reported together.</summary>
    public static QrPairingData Parse(string qr)
    {
        ArgumentNullException.ThrowIfNull(qr);
        if (!qr.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new PairingException($"The QR string does not start with {Prefix}.");
        }

        var parts = qr[Prefix.Length..].Split(',');
        if (parts.Length != 5)
        {
            throw new PairingException($"The QR string has {parts.Length} comma-separated parts (expected 5: ref, noise key, identity key, adv secret, platform).");
        }

        var problems = new List<string>();
        var noise = Key(parts[1], "noise key", problems);
        var identity = Key(parts[2], "identity key", problems);
        var adv = Key(parts[3], "adv secret", problems);
        if (parts[0].Length == 0)
        {
            problems.Add("the ref is empty");
        }

        if (parts[4].Length == 0)
        {
            problems.Add("the platform id is empty");
        }

        return problems.Count == 0
            ? new QrPairingData(parts[0], noise!, identity!, adv!, parts[4])
            : throw new PairingException("The QR string is malformed: " + string.Join("; ", problems) + ".");
    }

    private static byte[]? Key(string base64, string what, List<string> problems)
    {
        Span<byte> buffer = stackalloc byte[48];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            problems.Add($"the {what} is not base64 of 32 bytes");
            return null;
        }

        if (written != 32)
        {
            problems.Add($"the {what} has {written} bytes (expected 32)");
            return null;
        }

        return buffer[..32].ToArray();
    }
}
