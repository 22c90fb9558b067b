using System.Security.Cryptography;

namespace WaEngine.Engine.Media;

/// <summary>
/// Checks and decrypts a downloaded media blob (ciphertext ‖ 10-byte MAC) kept in a seekable stream: first the blob's
/// SHA-256 against <c>fileEncSha256</c> and the MAC, reading it once; only then decrypts into the destination, checking
/// the plaintext's SHA-256 against <c>fileSha256</c> at the end. Nothing is written to the destination before the blob
/// proved intact; a plaintext hash mismatch is reported after writing, so the caller must discard the destination
/// when this throws.
/// </summary>
public static class MediaDecryptor
{
    private const int ChunkLength = 64 * 1024;

    /// <summary>Verifies <paramref name="blob"/> and decrypts it into <paramref name="destination"/>; returns the plaintext length.</summary>
    /// <param name="blob">The blob, seekable, positioned anywhere.</param>
    /// <param name="destination">Receives the plaintext.</param>
    /// <param name="kind">The media kind (its keys).</param>
    /// <param name="mediaKey">The message's media key.</param>
    /// <param name="fileEncSha256">The message's hash of the blob; not checked when empty.</param>
    /// <param name="fileSha256">The message's hash of the plaintext; not checked when empty.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="MediaException">The blob is damaged or forged (codes <see cref="MediaErrorCodes.EncryptedHashMismatch"/>,
    /// <see cref="MediaErrorCodes.MacMismatch"/>, <see cref="MediaErrorCodes.FileHashMismatch"/>).</exception>
    public static async Task<long> DecryptAsync(Stream blob, Stream destination, MediaKind kind, ReadOnlyMemory<byte> mediaKey,
        ReadOnlyMemory<byte> fileEncSha256, ReadOnlyMemory<byte> fileSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(destination);
        var keys = MediaKeys.Expand(mediaKey.Span, kind);
        var cipherLength = blob.Length - MediaEncryptingStream.MacLength;
        if (cipherLength < 16 || cipherLength % 16 != 0)
        {
            throw new MediaException(MediaErrorCodes.MacMismatch, $"The media blob has {blob.Length} bytes; a ciphertext of whole 16-byte blocks and a 10-byte MAC was expected.");
        }

        var buffer = new byte[ChunkLength];
        await CheckBlobAsync(blob, keys, cipherLength, fileEncSha256, buffer, cancellationToken).ConfigureAwait(false);

        blob.Position = 0;
        using var aes = Aes.Create();
        aes.Key = keys.CipherKey;
        aes.IV = keys.Iv;
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.PKCS7;
        using var decryptor = aes.CreateDecryptor();
        using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var output = new byte[ChunkLength + 16];
        long left = cipherLength;
        long written = 0;
        try
        {
            while (left > 0)
            {
                var want = (int)Math.Min(ChunkLength, left);
                await blob.ReadExactlyAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                left -= want;
                var produced = left > 0
                    ? decryptor.TransformBlock(buffer, 0, want, output, 0)
                    : CopyFinal(decryptor.TransformFinalBlock(buffer, 0, want), output);
                plainHash.AppendData(output, 0, produced);
                await destination.WriteAsync(output.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
                written += produced;
            }
        }
        catch (CryptographicException ex)
        {
            throw new MediaException(MediaErrorCodes.FileHashMismatch, "The media blob's MAC verified but its padding does not: the media key does not fit the blob.", ex);
        }

        var actual = plainHash.GetHashAndReset();
        if (!fileSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(actual, fileSha256.Span))
        {
            throw new MediaException(MediaErrorCodes.FileHashMismatch,
                $"The decrypted media's SHA-256 is {Convert.ToHexStringLower(actual)}; the message says {Convert.ToHexStringLower(fileSha256.Span)}.");
        }

        return written;
    }

    private static async Task CheckBlobAsync(Stream blob, MediaKeys keys, long cipherLength, ReadOnlyMemory<byte> fileEncSha256, byte[] buffer, CancellationToken cancellationToken)
    {
        blob.Position = 0;
        using var blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey);
        mac.AppendData(keys.Iv);
        long left = cipherLength;
        while (left > 0)
        {
            var want = (int)Math.Min(buffer.Length, left);
            await blob.ReadExactlyAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            blobHash.AppendData(buffer, 0, want);
            mac.AppendData(buffer, 0, want);
            left -= want;
        }

        var givenMac = new byte[MediaEncryptingStream.MacLength];
        await blob.ReadExactlyAsync(givenMac, cancellationToken).ConfigureAwait(false);
        blobHash.AppendData(givenMac);
        var actualHash = blobHash.GetHashAndReset();
        if (!fileEncSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(actualHash, fileEncSha256.Span))
        {
            throw new MediaException(MediaErrorCodes.EncryptedHashMismatch,
                $"The downloaded media blob's SHA-256 is {Convert.ToHexStringLower(actualHash)}; the message says {Convert.ToHexStringLower(fileEncSha256.Span)}.");
        }

        var expectedMac = mac.GetHashAndReset().AsSpan(0, MediaEncryptingStream.MacLength);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, givenMac))
        {
            throw new MediaException(MediaErrorCodes.MacMismatch, "The media blob's MAC does not verify with the message's media key.");
        }
    }

    private static int CopyFinal(byte[] final, byte[] output)
    {
        final.CopyTo(output, 0);
        return final.Length;
    }
}
