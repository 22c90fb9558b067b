using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Pairing;

public class PairingTests
{
    [Fact]
    public void Pairing_code_matches_the_protocol_map_vector()
    {
        Assert.Equal("111H51R5", PairingCode.Encode([0, 1, 2, 3, 4]));
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", PairingCode.Generate());
    }

    [Fact]
    public async Task Pairing_codes_and_code_keys_match_baileys()
    {
        await using var peer = NodeProcess.Start("pairing-peer.mjs");
        var inputs = Enumerable.Range(0, 200).Select(_ => RandomNumberGenerator.GetBytes(5)).ToList();
        var items = new JsonArray(inputs.Select(b => (JsonNode)Convert.ToHexStringLower(b)).ToArray());
        var codes = (await peer.CallAsync(new JsonObject { ["op"] = "crockford", ["items"] = items }))["codes"]!.AsArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(codes[i]!.GetValue<string>(), PairingCode.Encode(inputs[i]));
        }

        var salt = RandomNumberGenerator.GetBytes(32);
        var key = await peer.CallAsync(new JsonObject { ["op"] = "code-key", ["code"] = "ABCD1234", ["salt"] = Convert.ToHexStringLower(salt) });
        Assert.Equal(key["key"]!.GetValue<string>(), Convert.ToHexStringLower(LinkCodeCrypto.DeriveCodeKey("ABCD1234", salt)));
    }

    [Theory]
    [InlineData("abcd-1234", "ABCD1234")]
    [InlineData("ABCD 1234", "ABCD1234")]
    [InlineData("zzzzzzzz", "ZZZZZZZZ")]
    public void Typed_codes_are_normalised(string typed, string expected) => Assert.Equal(expected, PairingCode.Normalize(typed));

    [Theory]
    [InlineData("ABCD123", "has 7 characters")]
    [InlineData("ABCD12345", "longer than 8")]
    [InlineData("ABCD12O4", "contains 'O'")]
    [InlineData("ABCD1204", "contains '0'")]
    public void Bad_codes_say_what_is_wrong(string typed, string fragment) =>
        Assert.Contains(fragment, Assert.Throws<PairingException>(() => PairingCode.Normalize(typed)).Message);

    [Fact]
    public async Task Qr_string_matches_baileys_and_parses_back()
    {
        var data = new QrPairingData("2@AbCdEf+/==", RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "1");
        await using var peer = NodeProcess.Start("pairing-peer.mjs");
        var theirs = await peer.CallAsync(new JsonObject
        {
            ["op"] = "qr",
            ["ref"] = data.Ref,
            ["noise"] = Convert.ToBase64String(data.NoisePublicKey),
            ["identity"] = Convert.ToBase64String(data.IdentityPublicKey),
            ["adv"] = Convert.ToBase64String(data.AdvSecret),
            ["browser"] = new JsonArray("Mac OS", "Chrome", "14.4.1"),
        });
        Assert.Equal(theirs["qr"]!.GetValue<string>(), data.ToString());

        var parsed = QrPairingData.Parse(data.ToString());
        Assert.Equal(data.Ref, parsed.Ref);
        Assert.Equal(data.NoisePublicKey, parsed.NoisePublicKey);
        Assert.Equal(data.IdentityPublicKey, parsed.IdentityPublicKey);
        Assert.Equal(data.AdvSecret, parsed.AdvSecret);
        Assert.Equal("1", parsed.PlatformId);
    }

    [Theory]
    [InlineData("http://example.com/#a,b,c,d,e", "does not start with")]
    [InlineData(QrPairingData.Prefix + "ref,AAAA,BBBB", "3 comma-separated parts")]
    [InlineData(QrPairingData.Prefix + ",AAAA,***,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,", "the noise key has 3 bytes (expected 32); the identity key is not base64 of 32 bytes; the ref is empty; the platform id is empty")]
    public void Malformed_qr_strings_report_every_problem(string qr, string fragment) =>
        Assert.Contains(fragment, Assert.Throws<PairingException>(() => QrPairingData.Parse(qr)).Message);

    [Fact]
    public async Task Our_companion_pairs_with_a_baileys_built_primary()
    {
        var code = PairingCode.Generate();
        var identity = Curve25519.GenerateKeyPair();
        var ephemeral = Curve25519.GenerateKeyPair();
        await using var peer = NodeProcess.Start("pairing-peer.mjs");

        var hello = await peer.CallAsync(new JsonObject
        {
            ["op"] = "primary-hello",
            ["code"] = code,
            ["wrappedCompanion"] = Convert.ToHexStringLower(LinkCodeCrypto.WrapEphemeral(code, ephemeral.PublicKey)),
        });
        Assert.Equal(Convert.ToHexStringLower(ephemeral.PublicKey), hello["companionEph"]!.GetValue<string>());

        var primaryEphemeral = LinkCodeCrypto.UnwrapEphemeral(code, Convert.FromHexString(hello["wrapped"]!.GetValue<string>()));
        var primaryIdentity = Convert.FromHexString(hello["identity"]!.GetValue<string>());
        var (bundle, adv) = LinkCodeCrypto.CompanionFinish(identity, ephemeral, primaryEphemeral, primaryIdentity);

        var finish = await peer.CallAsync(new JsonObject
        {
            ["op"] = "primary-finish",
            ["bundle"] = Convert.ToHexStringLower(bundle),
            ["companionIdentity"] = Convert.ToHexStringLower(identity.PublicKey),
        });
        Assert.Equal(finish["adv"]!.GetValue<string>(), Convert.ToHexStringLower(adv));
    }

    [Fact]
    public void A_wrong_code_yields_a_different_key_and_bad_sizes_are_refused()
    {
        var ephemeral = Curve25519.GenerateKeyPair();
        var wrapped = LinkCodeCrypto.WrapEphemeral("ABCD1234", ephemeral.PublicKey);
        Assert.Equal(ephemeral.PublicKey, LinkCodeCrypto.UnwrapEphemeral("ABCD1234", wrapped));
        Assert.NotEqual(ephemeral.PublicKey, LinkCodeCrypto.UnwrapEphemeral("ABCD1235", wrapped));
        Assert.Contains("79 bytes (expected 80)", Assert.Throws<PairingException>(() => LinkCodeCrypto.UnwrapEphemeral("ABCD1234", wrapped.AsSpan(1).ToArray())).Message);
    }
}
