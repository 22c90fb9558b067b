using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WaEngine.Engine.Crypto;

/// <summary>
/// AES-256-CTR with a full 16-byte big-endian counter block (as OpenSSL and Node's aes-256-ctr increment it),
/// used by phone-code pairing. Encryption and decryption are the same transform.
/// </summary>
public static class AesCtrCipher
{
    private const int BlockSize = 16;

    /// <summary>XORs <paramref name="input"/> with the key stream starting at counter block <paramref name="iv"/>.</summary>
    public static byte[] Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input)
    {
        Curve25519.RequireLength(key, 32, "AES-256-CTR key");
        Curve25519.RequireLength(iv, BlockSize, "AES-CTR IV");
        var output = new byte[input.Length];
        if (input.IsEmpty)
        {
            return output;
        }

        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var blocks = (input.Length + BlockSize - 1) / BlockSize;
        var counters = ArrayPool<byte>.Shared.Rent(blocks * BlockSize);
        try
        {
            var counterSpan = counters.AsSpan(0, blocks * BlockSize);
            var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
            var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
            for (var i = 0; i < blocks; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(counterSpan.Slice(i * BlockSize), high);
                BinaryPrimitives.WriteUInt64BigEndian(counterSpan.Slice(i * BlockSize + 8), low);
                low++;
                if (low == 0)
                {
                    high++;
                }
            }

            var keyStream = aes.EncryptEcb(counterSpan, PaddingMode.None);
            for (var i = 0; i < input.Length; i++)
            {
                output[i] = (byte)(input[i] ^ keyStream[i]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(counters);
        }

        return output;
    }
}
