using System.Net;
using System.Net.Sockets;

namespace WaEngine.Api.Media;

/// <summary>
/// Which addresses a media URL may reach. Never: link-local (169.254.0.0/16, fe80::/10 — where cloud metadata
/// services live), the other cloud metadata addresses (Alibaba's 100.100.100.200, AWS's fd00:ec2::254), unspecified,
/// "this network" (0.0.0.0/8), multicast and broadcast. Only with <c>allowPrivate</c>: loopback (127.0.0.0/8, ::1),
/// private (10/8, 172.16/12, 192.168/16, fc00::/7) and shared (100.64.0.0/10) addresses. IPv6 forms that carry an
/// IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address, so no
/// spelling of a refused address gets through; decimal and octal IPv4 spellings are resolved to their address first.
/// </summary>
public static class AddressPolicy
{
    /// <summary>Null when <paramref name="address"/> may be connected to, else the reason it may not.</summary>
    public static string? RefusalOf(IPAddress address, bool allowPrivate)
    {
        ArgumentNullException.ThrowIfNull(address);
        var v4 = EmbeddedIPv4(address);
        if (v4 is not null)
        {
            return RefusalOfV4(v4.GetAddressBytes(), allowPrivate, address.AddressFamily == AddressFamily.InterNetworkV6 ? $" ({address} carries {v4})" : "");
        }

        var bytes = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return $"{address} is the unspecified address";
        }

        if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80)
        {
            return $"{address} is a link-local address (fe80::/10)";
        }

        if (address.Equals(IPAddress.Parse("fd00:ec2::254")))
        {
            return $"{address} is a cloud metadata address";
        }

        if (bytes[0] == 0xFF)
        {
            return $"{address} is a multicast address";
        }

        if (!allowPrivate)
        {
            if (address.Equals(IPAddress.IPv6Loopback))
            {
                return $"{address} is the loopback address (allowed only with Api__MediaFetch__AllowPrivate=true)";
            }

            if ((bytes[0] & 0xFE) == 0xFC)
            {
                return $"{address} is a private address (fc00::/7; allowed only with Api__MediaFetch__AllowPrivate=true)";
            }

            if (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0xC0)
            {
                return $"{address} is a site-local address (fec0::/10; allowed only with Api__MediaFetch__AllowPrivate=true)";
            }
        }

        return null;
    }

    private static string? RefusalOfV4(byte[] b, bool allowPrivate, string note)
    {
        var text = new IPAddress(b).ToString();
        if (b[0] == 169 && b[1] == 254)
        {
            return $"{text}{note} is a link-local address (169.254.0.0/16, where cloud metadata services answer)";
        }

        if (b is [100, 100, 100, 200])
        {
            return $"{text}{note} is a cloud metadata address";
        }

        if (b[0] == 0)
        {
            return $"{text}{note} is in 0.0.0.0/8 (\"this network\")";
        }

        if (b[0] >= 224)
        {
            return $"{text}{note} is a multicast, reserved or broadcast address";
        }

        if (allowPrivate)
        {
            return null;
        }

        var allowedOnlyWith = " (allowed only with Api__MediaFetch__AllowPrivate=true)";
        return b switch
        {
            [127, ..] => $"{text}{note} is a loopback address{allowedOnlyWith}",
            [10, ..] => $"{text}{note} is a private address (10.0.0.0/8){allowedOnlyWith}",
            [172, >= 16 and <= 31, ..] => $"{text}{note} is a private address (172.16.0.0/12){allowedOnlyWith}",
            [192, 168, ..] => $"{text}{note} is a private address (192.168.0.0/16){allowedOnlyWith}",
            [100, >= 64 and <= 127, ..] => $"{text}{note} is a shared (carrier-grade NAT) address (100.64.0.0/10){allowedOnlyWith}",
            _ => null,
        };
    }

    // The IPv4 address an address is or carries: itself, IPv4-mapped, IPv4-compatible, NAT64 or 6to4.
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        var zeros = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        if (zeros && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1))
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        if (b.AsSpan(0, 12).SequenceEqual(new byte[] { 0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0 }))
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return new IPAddress(b.AsSpan(2, 4));
        }

        return null;
    }
}
