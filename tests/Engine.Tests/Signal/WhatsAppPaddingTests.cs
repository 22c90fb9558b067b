using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Tests.Signal;

public sealed class WhatsAppPaddingTests
{
    private sealed class FixedRandom(byte value) : IRandomSource
    {
        public void Fill(Span<byte> buffer) => buffer.Fill(value);
    }

    [Theory]
    [InlineData(0x00, 1)]
    [InlineData(0x0F, 16)]
    [InlineData(0xF3, 4)]
    public void PadsWithCountBytes(byte random, int expected)
    {
        var padded = WhatsAppPadding.Pad([1, 2, 3], new FixedRandom(random));
        Assert.Equal(3 + expected, padded.Length);
        for (var i = 3; i < padded.Length; i++)
        {
            Assert.Equal(expected, padded[i]);
        }

        Assert.Equal([1, 2, 3], WhatsAppPadding.Unpad(padded));
    }

    [Fact]
    public void EmptyPlaintextRoundTrips() =>
        Assert.Empty(WhatsAppPadding.Unpad(WhatsAppPadding.Pad([], SecureRandomSource.Instance)));

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 9, 3, 2, 3 })]
    [InlineData(new byte[] { 5, 5 })]
    public void RejectsBadPadding(byte[] padded)
    {
        var error = Assert.Throws<SignalException>(() => WhatsAppPadding.Unpad(padded));
        Assert.Equal(SignalErrorKind.InvalidMessage, error.Kind);
    }
}
