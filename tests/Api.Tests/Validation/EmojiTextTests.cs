using WaEngine.Api.Validation;

namespace WaEngine.Api.Tests.Validation;

public class EmojiTextTests
{
    [Theory]
    [InlineData("👍")]
    [InlineData("❤️")]
    [InlineData("❤")]
    [InlineData("😂")]
    [InlineData("👍🏽")]
    [InlineData("👩‍👩‍👧‍👦")]
    [InlineData("🇩🇪")]
    [InlineData("1️⃣")]
    [InlineData("#️⃣")]
    [InlineData("🏳️‍🌈")]
    public void One_emoji_is_one_emoji(string emoji) => Assert.True(EmojiText.IsSingleEmoji(emoji));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ok")]
    [InlineData("1")]
    [InlineData("👍👍")]
    [InlineData("👍 ")]
    [InlineData(" ")]
    [InlineData("é")]
    [InlineData(":+1:")]
    public void Anything_else_is_not(string text) => Assert.False(EmojiText.IsSingleEmoji(text));
}
