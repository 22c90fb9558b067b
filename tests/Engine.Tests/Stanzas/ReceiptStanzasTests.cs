using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Receipts;

namespace WaEngine.Engine.Tests.Stanzas;

public class ReceiptStanzasTests
{
    private static readonly Node Incoming = new("message", NodeAttributes.Of(("id", "3EB0AA"), ("from", "15550002222:0@s.whatsapp.net"), ("t", "1779285900"), ("type", "text")),
        [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg"), ("count", "2")), new byte[] { 1, 2, 3 })]);

    [Fact]
    public void An_incoming_message_is_read_with_its_parts_and_alternate_address()
    {
        var node = new Node("message", NodeAttributes.Of(("id", "X1"), ("from", "987654321@lid"), ("sender_pn", "15550002222@s.whatsapp.net"), ("t", "5"), ("notify", "Bob")),
            [new Node("enc", NodeAttributes.Of(("type", "pkmsg")), new byte[] { 9 })]);
        var message = MessageStanzas.Parse(node);
        Assert.Equal("X1", message.Id);
        Assert.Equal(JidServers.Lid, message.From.Server);
        Assert.Equal("15550002222@s.whatsapp.net", message.SenderPn.ToString());
        Assert.Equal("Bob", message.PushName);
        Assert.Equal("pkmsg", Assert.Single(message.Parts).Type);
        Assert.False(message.IsGroup);
    }

    [Fact]
    public void A_message_missing_id_and_from_reports_both()
    {
        var error = Assert.Throws<StanzaException>(() => MessageStanzas.Parse(new Node("message", NodeAttributes.Of(("t", "5")))));
        Assert.Contains("id", error.Message, StringComparison.Ordinal);
        Assert.Contains("from", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void R13_the_delivery_receipt_echoes_id_and_sender_and_is_inactive_until_presence_is_announced()
    {
        var message = MessageStanzas.Parse(Incoming);
        var background = ReceiptStanzas.BuildDelivery(message, fromOwnDevice: false);
        Assert.Equal("receipt", background.Tag);
        Assert.Equal("3EB0AA", background.Attr("id"));
        Assert.Equal("15550002222:0@s.whatsapp.net", background.Attr("to"));
        Assert.Equal("inactive", background.Attr("type"));

        var active = ReceiptStanzas.BuildDelivery(message, fromOwnDevice: false, presenceAnnounced: true);
        Assert.Null(active.Attr("type"));

        var own = MessageStanzas.Parse(new Node("message", NodeAttributes.Of(("id", "Y"), ("from", "15550001111@s.whatsapp.net"), ("recipient", "15550002222@s.whatsapp.net"), ("t", "1")), []));
        var sender = ReceiptStanzas.BuildDelivery(own, fromOwnDevice: true);
        Assert.Equal("sender", sender.Attr("type"));
        Assert.Equal("15550002222@s.whatsapp.net", sender.Attr("recipient"));
    }

    [Fact]
    public void R14_a_peer_message_from_our_phone_gets_peer_msg_and_a_history_sync_also_hist_sync()
    {
        var peer = MessageStanzas.Parse(new Node("message", NodeAttributes.Of(("id", "P1"), ("from", "15550001111@s.whatsapp.net"), ("category", "peer"), ("t", "1")), []));
        Assert.True(peer.IsPeer);
        var receipt = ReceiptStanzas.BuildDelivery(peer, fromOwnDevice: true);
        Assert.Equal("peer_msg", receipt.Attr("type"));
        Assert.Equal("15550001111@s.whatsapp.net", receipt.Attr("to"));
        Assert.Null(receipt.Attr("recipient"));

        var history = ReceiptStanzas.BuildHistorySync("P1", Jid.Parse("15550001111:3@s.whatsapp.net"));
        Assert.Equal("hist_sync", history.Attr("type"));
        Assert.Equal("15550001111@s.whatsapp.net", history.Attr("to"));
        Assert.Equal("P1", history.Attr("id"));
    }

    [Fact]
    public void A_retry_receipt_carries_count_registration_and_from_the_second_retry_keys()
    {
        var message = MessageStanzas.Parse(Incoming);
        var first = ReceiptStanzas.BuildRetry(message, 1, 0x01020304, null);
        Assert.Equal("retry", first.Attr("type"));
        Assert.Equal("1", first.RequiredChild("retry").Attr("count"));
        Assert.Equal("1779285900", first.RequiredChild("retry").Attr("t"));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, first.RequiredChildBytes("registration"));
        Assert.Null(first.Child("keys"));

        var generator = new SignalKeyGenerator();
        var identity = generator.GenerateIdentity();
        var keys = new RetryKeys(identity.KeyPair.PublicKey, generator.GeneratePreKeys(0xF00001, 1)[0], generator.GenerateSignedPreKey(identity, 1), [7, 7]);
        var second = ReceiptStanzas.BuildRetry(message, 2, 0x01020304, keys);
        var keyNode = second.RequiredChild("keys");
        Assert.Equal(new byte[] { 0xF0, 0, 1 }, keyNode.RequiredChild("key").RequiredChildBytes("id"));

        // What we send is what a sender reads back as a bundle for the asking device.
        var echoed = new Node("receipt", NodeAttributes.Of(("id", "3EB0AA"), ("from", "15550001111:4@s.whatsapp.net"), ("type", "retry")), second.Children);
        var parsed = ReceiptStanzas.Parse(echoed);
        Assert.Equal(2, parsed.RetryCount);
        Assert.Equal(0x01020304u, parsed.RegistrationId);
        Assert.Equal(4u, parsed.Keys!.DeviceId);
        Assert.Equal(0xF00001u, parsed.Keys.PreKeyId);
        Assert.Equal(identity.KeyPair.PublicKey, parsed.Keys.IdentityKey);
    }

    [Fact]
    public void A_read_receipt_lists_every_id_after_the_first()
    {
        var receipt = ReceiptStanzas.BuildRead("15550002222@s.whatsapp.net", null, ["A", "B", "C"], DateTimeOffset.FromUnixTimeSeconds(100));
        Assert.Equal("read", receipt.Attr("type"));
        Assert.Equal("A", receipt.Attr("id"));
        Assert.Equal(["B", "C"], receipt.RequiredChild("list").ChildrenNamed("item").Select(i => i.Attr("id")!).ToArray());
        var parsed = ReceiptStanzas.Parse(new Node("receipt", NodeAttributes.Of(("id", "A"), ("from", "15550002222@s.whatsapp.net"), ("type", "read")), receipt.Children));
        Assert.Equal(["A", "B", "C"], parsed.MessageIds);
    }

    [Fact]
    public void R13_with_read_receipts_off_a_read_receipt_is_read_self_and_keeps_its_address_and_participant()
    {
        var receipt = ReceiptStanzas.BuildRead("90000000000002@lid", null, ["A", "B"], DateTimeOffset.FromUnixTimeSeconds(100), readSelf: true);
        Assert.Equal("read-self", receipt.Attr("type"));
        Assert.Equal("90000000000002@lid", receipt.Attr("to"));
        Assert.Equal("100", receipt.Attr("t"));
        Assert.Null(receipt.Attr("participant"));
        var group = ReceiptStanzas.BuildRead("120363000000000001@g.us", "15550002222@s.whatsapp.net", ["C"], DateTimeOffset.FromUnixTimeSeconds(100));
        Assert.Equal("15550002222@s.whatsapp.net", group.Attr("participant"));
        Assert.Empty(group.Children);
    }

    [Theory]
    [InlineData("none", true)]
    [InlineData("all", false)]
    [InlineData("contacts", false)]
    [InlineData(null, false)]
    public void R13_the_privacy_answer_says_whether_reads_go_out_as_read_self(string? value, bool readSelf)
    {
        var categories = new List<Node> { new("category", NodeAttributes.Of(("name", "last"), ("value", "none"))) };
        if (value is not null)
        {
            categories.Add(new Node("category", NodeAttributes.Of(("name", "readreceipts"), ("value", value))));
        }

        var answer = new Node("iq", NodeAttributes.Of(("id", "1"), ("type", "result")), [new Node("privacy", null, categories)]);
        Assert.Equal(readSelf, WaEngine.Engine.Stanzas.Privacy.ReadReceiptPrivacy.ParseReadSelf(answer));
        Assert.Throws<StanzaException>(() => WaEngine.Engine.Stanzas.Privacy.ReadReceiptPrivacy.ParseReadSelf(new Node("iq", NodeAttributes.Of(("type", "result")))));
        var query = WaEngine.Engine.Stanzas.Privacy.ReadReceiptPrivacy.BuildQuery("q1");
        Assert.Equal(("privacy", "get", "privacy"), (query.Attr("xmlns"), query.Attr("type"), query.FirstChild()?.Tag));
    }

    [Fact]
    public void An_ack_echoes_the_stanza_and_carries_a_nack_code()
    {
        var ack = ReceiptStanzas.BuildAck(Incoming, 487);
        Assert.Equal("message", ack.Attr("class"));
        Assert.Equal("3EB0AA", ack.Attr("id"));
        Assert.Equal("15550002222:0@s.whatsapp.net", ack.Attr("to"));
        Assert.Equal("487", ack.Attr("error"));
        Assert.Null(ack.Attr("type"));
        var receiptAck = ReceiptStanzas.BuildAck(new Node("receipt", NodeAttributes.Of(("id", "R"), ("from", "x@s.whatsapp.net"), ("type", "read"))));
        Assert.Equal("read", receiptAck.Attr("type"));
    }
}
