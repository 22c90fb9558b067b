namespace WaEngine.Engine.Signal;

/// <summary>
/// WhatsApp's plaintext padding inside every pairwise and group ciphertext: N bytes of value N, N random in 1..16.
/// </summary>
internal static class WhatsAppPadding
{
    /// <summary>Appends 1 to 16 bytes, each equal to their count.</summary>
    public static byte[] Pad(ReadOnlySpan<byte> plaintext, IRandomSource random)
    {
        Span<byte> one = stackalloc byte[1];
        random.Fill(one);
        var count = (one[0] & 0x0F) + 1;
        var padded = new byte[plaintext.Length + count];
        plaintext.CopyTo(padded);
        padded.AsSpan(plaintext.Length).Fill((byte)count);
        return padded;
    }

    /// <summary>Strips the padding after checking that the last N bytes all equal N and N is 1 or more.</summary>
    /// <exception cref="SignalException">Kind <see cref="SignalErrorKind.InvalidMessage"/> on bad padding.</exception>
    public static byte[] Unpad(ReadOnlySpan<byte> padded)
    {
        if (padded.IsEmpty)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, "Padded plaintext is empty (expected at least one padding byte).");
        }

        var count = padded[^1];
        if (count == 0 || count > padded.Length)
        {
            throw new SignalException(
                SignalErrorKind.InvalidMessage,
                $"Padding length {count} is invalid for a plaintext of {padded.Length} bytes.");
        }

        var tail = padded[^count..];
        if (tail.IndexOfAnyExcept(count) >= 0)
        {
            throw new SignalException(SignalErrorKind.InvalidMessage, $"Padding of length {count} has a byte that differs from {count}.");
        }

        return padded[..^count].ToArray();
    }
}
