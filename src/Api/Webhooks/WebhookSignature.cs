using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// The <c>X-WaEngine-Signature</c> header: <c>sha256=&lt;hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;body&gt;"&gt;</c> with the
/// session's secret, where the timestamp is the <c>X-WaEngine-Timestamp</c> header of that attempt (unix seconds).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header value's prefix.</summary>
    public const string Prefix = "sha256=";

    /// <summary>The header value for one attempt.</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return Prefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>
    /// What a receiver does: the signature matches (compared in constant time) and the timestamp is within
    /// <paramref name="window"/> of <paramref name="now"/> (so a captured request cannot be replayed later).
    /// </summary>
    public static bool Verify(string secret, string? signatureHeader, string? timestampHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(signatureHeader) || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > window.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}
