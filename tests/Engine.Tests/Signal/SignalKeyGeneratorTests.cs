using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Tests.Signal;

public sealed class SignalKeyGeneratorTests
{
    [Fact]
    public void PreKeyIdsWrapAt24Bits()
    {
        Assert.Equal(2u, SignalKeyGenerator.NextPreKeyId(1));
        Assert.Equal(SignalKeyGenerator.MaxPreKeyId, SignalKeyGenerator.NextPreKeyId(SignalKeyGenerator.MaxPreKeyId - 1));
        Assert.Equal(1u, SignalKeyGenerator.NextPreKeyId(SignalKeyGenerator.MaxPreKeyId));
        var keys = new SignalKeyGenerator().GeneratePreKeys(SignalKeyGenerator.MaxPreKeyId, 3);
        Assert.Equal([SignalKeyGenerator.MaxPreKeyId, 1u, 2u], keys.Select(k => k.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalKeyGenerator().GeneratePreKeys(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalKeyGenerator().GeneratePreKeys(SignalKeyGenerator.MaxPreKeyId + 1, 1));
    }

    [Fact]
    public void SignedPreKeySignsPrefixedPublicKey()
    {
        var keys = new SignalKeyGenerator();
        var identity = keys.GenerateIdentity();
        Assert.InRange(identity.RegistrationId, 1u, 0x3FFFu);
        var signed = keys.GenerateSignedPreKey(identity, 5);
        Assert.True(Curve25519.Verify(identity.KeyPair.PublicKey, signed.KeyPair.SignalPublicKey, signed.Signature));
        Assert.False(Curve25519.Verify(identity.KeyPair.PublicKey, signed.KeyPair.PublicKey, signed.Signature));
    }

    [Fact]
    public void AddressesFollowWhatsAppNaming()
    {
        Assert.Equal("15551234567.0", SignalAddress.ForUser("15551234567", 0).ToString());
        Assert.Equal("987654_1.12", SignalAddress.ForUser("987654", SignalAddress.LidDomainType, 12).ToString());
        Assert.Equal(new SignalAddress("987654_1", 12), SignalAddress.Parse("987654_1.12"));
        Assert.Throws<FormatException>(() => SignalAddress.Parse("nodevice"));
        Assert.Throws<ArgumentException>(() => SignalAddress.ForUser("a.b", 0));
        Assert.Equal("g@g.us::987654_1::3", new SenderKeyName("g@g.us", SignalAddress.ForUser("987654", 1, 3)).ToString());
    }
}
