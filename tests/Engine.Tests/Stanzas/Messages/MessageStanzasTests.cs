using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Storage;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

public class MessageStanzasTests
{
    [Theory]
    [InlineData(SignalMessageType.Whisper, "msg", false)]
    [InlineData(SignalMessageType.PreKey, "pkmsg", true)]
    public void R3_a_retry_resend_is_one_top_level_enc_to_the_device_with_device_fanout_false_and_the_original_t(SignalMessageType type, string encType, bool withIdentity)
    {
        var encrypted = new SignalEncryptResult(type, [1, 2, 3], new SignalStateChange());

        var resend = MessageStanzas.BuildRetryResend("3EB0AA", "15550001111:2@lid", null, "text", null, 1_767_000_000, encrypted, 2, [9, 9]);

        Assert.Null(MessageShapeRules.RetryShapeProblem(resend));
        Assert.True(MessageShapeRules.IsRetryResend(resend));
        Assert.Equal("15550001111:2@lid", resend.Attr("to"));
        Assert.Equal("false", resend.Attr("device_fanout"));
        Assert.Equal("1767000000", resend.Attr("t"));
        Assert.Null(resend.Child("participants"));
        var enc = Assert.Single(resend.ChildrenNamed("enc"));
        Assert.Equal(encType, enc.Attr("type"));
        Assert.Equal("2", enc.Attr("count"));
        Assert.Equal(withIdentity, resend.Child("device-identity") is not null);
    }

    [Fact]
    public void R3_a_resend_to_our_own_device_names_the_chat_as_recipient_and_counts_at_least_one()
    {
        var encrypted = new SignalEncryptResult(SignalMessageType.Whisper, [1], new SignalStateChange());

        var resend = MessageStanzas.BuildRetryResend("3EB0AB", "15550002222:3@s.whatsapp.net", "15550009999@s.whatsapp.net", "text", "1", 0, encrypted, 0, null);

        Assert.Null(MessageShapeRules.RetryShapeProblem(resend));
        Assert.Equal("15550009999@s.whatsapp.net", resend.Attr("recipient"));
        Assert.Equal("1", resend.Attr("edit"));
        Assert.Null(resend.Attr("t"));
        Assert.Equal("1", resend.RequiredChild("enc").Attr("count"));
    }
}
