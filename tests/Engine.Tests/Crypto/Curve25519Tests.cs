using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using static WaEngine.Engine.Tests.Crypto.Interop;

namespace WaEngine.Engine.Tests.Crypto;

public class Curve25519Tests
{
    [Fact]
    public void X25519_matches_rfc7748_section_6_1()
    {
        var alicePriv = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bobPriv = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

        var alice = Curve25519.KeyPairFromPrivate(alicePriv);
        var bob = Curve25519.KeyPairFromPrivate(bobPriv);

        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex(alice.PublicKey));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex(bob.PublicKey));
        const string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(shared, Hex(Curve25519.SharedSecret(alicePriv, bob.PublicKey)));
        Assert.Equal(shared, Hex(Curve25519.SharedSecret(bobPriv, alice.PublicKey)));
    }

    [Fact]
    public void X25519_matches_rfc7748_section_5_2()
    {
        var scalar = Convert.FromHexString("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        var u = Convert.FromHexString("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        Assert.Equal("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Hex(Curve25519.SharedSecret(scalar, u)));
    }

    [Fact]
    public void Agreement_with_a_small_order_point_is_refused()
    {
        var me = Curve25519.GenerateKeyPair();
        var ex = Assert.Throws<CryptoException>(() => Curve25519.SharedSecret(me.PrivateKey, new byte[32]));
        Assert.Contains("small order", ex.Message);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Wrong_key_lengths_are_named(int length)
    {
        var ex = Assert.Throws<CryptoException>(() => Curve25519.SharedSecret(new byte[length], new byte[32]));
        Assert.Contains($"unexpected length {length} (expected 32)", ex.Message);
    }

    [Fact]
    public void Signature_verifies_and_rejects_any_change()
    {
        var pair = Curve25519.GenerateKeyPair();
        var message = "hello"u8.ToArray();
        var signature = Curve25519.Sign(pair.PrivateKey, message);

        Assert.True(Curve25519.Verify(pair.PublicKey, message, signature));
        Assert.True(Curve25519.Verify(pair.SignalPublicKey, message, signature));
        Assert.False(Curve25519.Verify(pair.PublicKey, "hellp"u8, signature));
        for (var i = 0; i < signature.Length; i++)
        {
            var bent = (byte[])signature.Clone();
            bent[i] ^= 0x01;
            Assert.False(Curve25519.Verify(pair.PublicKey, message, bent), $"flipping bit 0 of signature byte {i} still verified");
        }

        Assert.False(Curve25519.Verify(Curve25519.GenerateKeyPair().PublicKey, message, signature));
        Assert.False(Curve25519.Verify(pair.PublicKey, message, signature.AsSpan(0, 63)));
        Assert.Throws<CryptoException>(() => Curve25519.VerifyOrThrow(pair.PublicKey, "x"u8, signature, "the test message"));
    }

    [Fact]
    public async Task Public_keys_and_agreements_match_libsignal()
    {
        var theirs = await CallAsync("keypairs", count: 40);
        var mine = Enumerable.Range(0, theirs.Count).Select(_ => Curve25519.GenerateKeyPair()).ToArray();

        var agreeItems = new JsonArray();
        for (var i = 0; i < theirs.Count; i++)
        {
            var theirPriv = Bytes(theirs[i]!["priv"]);
            var theirPub = Bytes(theirs[i]!["pub"]);
            Assert.Equal(theirPub, Curve25519.KeyPairFromPrivate(theirPriv).PublicKey);
            agreeItems.Add(new JsonObject { ["priv"] = Hex(theirPriv), ["pub"] = Hex(mine[i].PublicKey) });
        }

        var theirSecrets = await CallAsync("agree", agreeItems);
        for (var i = 0; i < theirs.Count; i++)
        {
            var ours = Curve25519.SharedSecret(mine[i].PrivateKey, Bytes(theirs[i]!["pub"]));
            Assert.Equal(Bytes(theirSecrets[i]), ours);
        }
    }

    [Fact]
    public async Task Our_signatures_verify_in_libsignal_and_altered_ones_do_not()
    {
        var random = new Random(7);
        var items = new JsonArray();
        var expected = new List<bool>();
        for (var i = 0; i < 300; i++)
        {
            var pair = Curve25519.GenerateKeyPair();
            var message = new byte[random.Next(1, i % 10 == 0 ? 5000 : 120)];
            random.NextBytes(message);
            var signature = Curve25519.Sign(pair.PrivateKey, message);
            var tamper = i % 3 == 0;
            if (tamper)
            {
                message[random.Next(message.Length)] ^= 0x40;
            }

            items.Add(new JsonObject { ["pub"] = Hex(pair.PublicKey), ["msg"] = Hex(message), ["sig"] = Hex(signature) });
            expected.Add(!tamper);
        }

        var verdicts = await CallAsync("verify", items);
        Assert.Equal(expected, verdicts.Select(v => v!.GetValue<bool>()));
    }

    [Fact]
    public async Task Libsignal_signatures_verify_here_and_altered_ones_do_not()
    {
        var theirs = await CallAsync("keypairs", count: 100);
        var random = new Random(11);
        var items = new JsonArray();
        var messages = new List<byte[]>();
        foreach (var pair in theirs)
        {
            var message = new byte[random.Next(1, 200)];
            random.NextBytes(message);
            messages.Add(message);
            items.Add(new JsonObject { ["priv"] = pair!["priv"]!.GetValue<string>(), ["msg"] = Hex(message) });
        }

        var signatures = await CallAsync("sign", items);
        for (var i = 0; i < theirs.Count; i++)
        {
            var pub = Bytes(theirs[i]!["pub"]);
            var signature = Bytes(signatures[i]);
            Assert.True(Curve25519.Verify(pub, messages[i], signature), $"libsignal signature {i} did not verify");
            messages[i][0] ^= 0x01;
            Assert.False(Curve25519.Verify(pub, messages[i], signature), $"altered message {i} still verified");
        }
    }
}
