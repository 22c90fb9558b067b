using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using static WaEngine.Engine.Tests.Crypto.Interop;

namespace WaEngine.Engine.Tests.Crypto;

public class SymmetricCryptoTests
{
    private static readonly int[] Lengths = [0, 1, 15, 16, 17, 31, 32, 33, 1000, 70_000];

    [Fact]
    public void Hkdf_matches_rfc5869_case_1()
    {
        var okm = Hkdf.DeriveSha256(
            Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            Convert.FromHexString("000102030405060708090a0b0c"),
            Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9"),
            42);
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Hex(okm));
    }

    [Fact]
    public void Hkdf_matches_rfc5869_case_3_with_empty_salt_and_info()
    {
        var okm = Hkdf.DeriveSha256(Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), [], ReadOnlySpan<byte>.Empty, 42);
        Assert.Equal("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", Hex(okm));
    }

    [Fact]
    public void Hkdf_accepts_empty_input_key_material_as_noise_split_needs()
    {
        var salt = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var okm = Hkdf.DeriveSha256([], salt, ReadOnlySpan<byte>.Empty, 64);
        var prk = System.Security.Cryptography.HMACSHA256.HashData(salt, Array.Empty<byte>());
        var t1 = System.Security.Cryptography.HMACSHA256.HashData(prk, new byte[] { 0x01 });
        var t2 = System.Security.Cryptography.HMACSHA256.HashData(prk, t1.Append((byte)0x02).ToArray());
        Assert.Equal([.. t1, .. t2], okm);
    }

    [Fact]
    public void Hkdf_gives_the_media_key_vector_of_the_protocol_map()
    {
        var expanded = Hkdf.DeriveSha256(Enumerable.Repeat((byte)7, 32).ToArray(), [], "WhatsApp Image Keys", 112);
        Assert.Equal("ae2d1d58a0146c8cdde42f6e5e883c61", Hex(expanded.AsSpan(0, 16)));
    }

    [Fact]
    public void Hkdf_refuses_impossible_lengths()
    {
        Assert.Throws<CryptoException>(() => Hkdf.DeriveSha256([1], [], "x", 0));
        Assert.Throws<CryptoException>(() => Hkdf.DeriveSha256([1], [], "x", 255 * 32 + 1));
    }

    [Fact]
    public async Task Hkdf_matches_baileys()
    {
        var random = new Random(3);
        var items = new JsonArray();
        var cases = new List<(byte[] Ikm, byte[] Salt, string Info, int Length)>();
        for (var i = 0; i < 40; i++)
        {
            var ikm = RandomBytes(random, random.Next(1, 100));
            var salt = i % 4 == 0 ? [] : RandomBytes(random, 32);
            var info = i % 2 == 0 ? "WhatsApp Video Keys" : "link_code_pairing_key_bundle_encryption_key";
            var length = random.Next(1, 200);
            cases.Add((ikm, salt, info, length));
            items.Add(new JsonObject { ["ikm"] = Hex(ikm), ["salt"] = salt.Length == 0 ? null : Hex(salt), ["info"] = info, ["length"] = length });
        }

        var theirs = await CallAsync("hkdf", items);
        for (var i = 0; i < cases.Count; i++)
        {
            var (ikm, salt, info, length) = cases[i];
            Assert.Equal(Bytes(theirs[i]), Hkdf.DeriveSha256(ikm, salt, info, length));
        }
    }

    [Fact]
    public async Task Aes_gcm_matches_openssl_and_detects_tampering()
    {
        var random = new Random(5);
        var items = new JsonArray();
        var cases = new List<(byte[] Key, byte[] Iv, byte[] Aad, byte[] Data)>();
        foreach (var length in Lengths)
        {
            var c = (RandomBytes(random, 32), RandomBytes(random, 12), RandomBytes(random, length % 40), RandomBytes(random, length));
            cases.Add(c);
            items.Add(new JsonObject { ["key"] = Hex(c.Item1), ["iv"] = Hex(c.Item2), ["aad"] = Hex(c.Item3), ["data"] = Hex(c.Item4) });
        }

        var theirs = await CallAsync("gcm-encrypt", items);
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, iv, aad, data) = cases[i];
            var sealedData = AesGcmCipher.Encrypt(key, iv, data, aad);
            Assert.Equal(Bytes(theirs[i]), sealedData);
            Assert.Equal(data, AesGcmCipher.Decrypt(key, iv, Bytes(theirs[i]), aad));
            sealedData[^1] ^= 1;
            Assert.Throws<CryptoException>(() => AesGcmCipher.Decrypt(key, iv, sealedData, aad));
        }

        Assert.Throws<CryptoException>(() => AesGcmCipher.Decrypt(new byte[32], new byte[12], new byte[15], []));
    }

    [Fact]
    public async Task Aes_ctr_matches_baileys_including_counter_carry()
    {
        var random = new Random(9);
        var items = new JsonArray();
        var cases = new List<(byte[] Key, byte[] Iv, byte[] Data)>();
        foreach (var length in Lengths)
        {
            var iv = RandomBytes(random, 16);
            if (length == 1000)
            {
                // Low 64 bits about to wrap: the carry must reach the high half, as OpenSSL's 128-bit counter does.
                iv.AsSpan(8).Fill(0xFF);
                iv[15] = 0xF0;
            }

            var c = (RandomBytes(random, 32), iv, RandomBytes(random, length));
            cases.Add(c);
            items.Add(new JsonObject { ["key"] = Hex(c.Item1), ["iv"] = Hex(c.Item2), ["data"] = Hex(c.Item3) });
        }

        var theirs = await CallAsync("ctr", items);
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, iv, data) = cases[i];
            var encrypted = AesCtrCipher.Transform(key, iv, data);
            Assert.Equal(Bytes(theirs[i]), encrypted);
            Assert.Equal(data, AesCtrCipher.Transform(key, iv, encrypted));
        }
    }

    [Fact]
    public async Task Aes_cbc_matches_openssl_and_rejects_bad_padding()
    {
        var random = new Random(13);
        var items = new JsonArray();
        var cases = new List<(byte[] Key, byte[] Iv, byte[] Data)>();
        foreach (var length in Lengths)
        {
            var c = (RandomBytes(random, 32), RandomBytes(random, 16), RandomBytes(random, length));
            cases.Add(c);
            items.Add(new JsonObject { ["key"] = Hex(c.Item1), ["iv"] = Hex(c.Item2), ["data"] = Hex(c.Item3) });
        }

        var theirs = await CallAsync("cbc-encrypt", items);
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, iv, data) = cases[i];
            Assert.Equal(Bytes(theirs[i]), AesCbcCipher.Encrypt(key, iv, data));
            Assert.Equal(data, AesCbcCipher.Decrypt(key, iv, Bytes(theirs[i])));
        }

        Assert.Throws<CryptoException>(() => AesCbcCipher.Decrypt(new byte[32], new byte[16], new byte[15]));
        Assert.Throws<CryptoException>(() => AesCbcCipher.Decrypt(new byte[32], new byte[16], []));
        var wrongKey = AesCbcCipher.Encrypt(new byte[32], new byte[16], "some plaintext that fills blocks"u8);
        var ex = Record.Exception(() => AesCbcCipher.Decrypt(Enumerable.Repeat((byte)1, 32).ToArray(), new byte[16], wrongKey));
        Assert.True(ex is null or CryptoException, $"a wrong key raised {ex?.GetType().Name} instead of CryptoException");
    }

    [Fact]
    public void Signal_key_prefix_round_trips_and_rejects_bad_forms()
    {
        var raw = Curve25519.GenerateKeyPair().PublicKey;
        var prefixed = SignalKey.Prefix(raw);
        Assert.Equal(33, prefixed.Length);
        Assert.Equal(0x05, prefixed[0]);
        Assert.Equal(raw, SignalKey.StripPrefix(prefixed));
        Assert.Equal(raw, SignalKey.StripPrefix(raw));
        prefixed[0] = 0x06;
        Assert.Contains("type byte 0x06", Assert.Throws<CryptoException>(() => SignalKey.StripPrefix(prefixed)).Message);
        Assert.Contains("length 34", Assert.Throws<CryptoException>(() => SignalKey.StripPrefix(new byte[34])).Message);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
