using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Calls;
using WaEngine.Engine.Stanzas.Receipts;

namespace WaEngine.Engine.Tests.Stanzas;

/// <summary>Incoming calls: an offer is read (caller, id, video, time), every other call stanza is only acked (R6).</summary>
public class CallStanzasTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void An_offer_names_the_caller_the_call_and_whether_it_is_video()
    {
        var node = new Node("call", NodeAttributes.Of(("from", "15550002222:3@s.whatsapp.net"), ("id", "C1"), ("t", "1779285890")), [
            new Node("offer", NodeAttributes.Of(("call-id", "ABC"), ("call-creator", "15550002222:3@s.whatsapp.net")), [new Node("audio", NodeAttributes.Of(("enc", "opus"))), new Node("video", NodeAttributes.Of(("enc", "vp8")))]),
        ]);

        var call = CallStanzas.ParseOffer(node, Now)!;

        Assert.Equal("ABC", call.CallId);
        Assert.Equal("15550002222@s.whatsapp.net", call.From.ToString());
        Assert.True(call.Video);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1779285890), call.Timestamp);
    }

    [Fact]
    public void A_terminate_is_no_new_call_and_an_offer_without_call_id_is_malformed()
    {
        var terminate = new Node("call", NodeAttributes.Of(("from", "15550002222@s.whatsapp.net"), ("id", "C2")), [new Node("terminate", NodeAttributes.Of(("call-id", "ABC")))]);
        Assert.Null(CallStanzas.ParseOffer(terminate, Now));

        var broken = new Node("call", NodeAttributes.Of(("from", "15550002222@s.whatsapp.net"), ("id", "C3")), [new Node("offer", NodeAttributes.Of(("count", "0")))]);
        var error = Assert.Throws<StanzaException>(() => CallStanzas.ParseOffer(broken, Now));
        Assert.Contains("call-id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void R6_a_calls_ack_echoes_id_class_sender_and_the_attributes_it_had()
    {
        var node = new Node("call", NodeAttributes.Of(("from", "15550002222@s.whatsapp.net"), ("id", "C4"), ("type", "group"), ("participant", "15550003333@s.whatsapp.net")), [new Node("offer", NodeAttributes.Of(("call-id", "X")))]);

        var ack = ReceiptStanzas.BuildAck(node);

        Assert.Equal("ack", ack.Tag);
        Assert.Equal("C4", ack.Attr("id"));
        Assert.Equal("call", ack.Attr("class"));
        Assert.Equal("15550002222@s.whatsapp.net", ack.Attr("to"));
        Assert.Equal("group", ack.Attr("type"));
        Assert.Equal("15550003333@s.whatsapp.net", ack.Attr("participant"));
    }
}
