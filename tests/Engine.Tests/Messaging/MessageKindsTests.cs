using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Proto;

namespace WaEngine.Engine.Tests.Messaging;

public class MessageKindsTests
{
    [Fact]
    public void Parsed_kinds_have_their_short_names_and_a_body()
    {
        Assert.Equal("location", MessageContent.KindOf(ConversationBuilder.Location(1, 2, "Home", null)));
        Assert.Equal("Home", MessageContent.BodyOf(ConversationBuilder.Location(1, 2, "Home", null)));
        Assert.Equal("contact", MessageContent.KindOf(ConversationBuilder.Contact("Jane", VCard.Build("Jane", "15550001111"))));
        var single = ConversationBuilder.Poll("Q?", ["a", "b"], multiple: false);
        Assert.Equal("poll", MessageContent.KindOf(single));
        Assert.Equal(1u, single.PollCreationMessageV3.SelectableOptionsCount);
        Assert.Equal(32, single.MessageContextInfo.MessageSecret.Length);
        var multiple = ConversationBuilder.Poll("Q?", ["a", "b"], multiple: true);
        Assert.Equal(0u, multiple.PollCreationMessage.SelectableOptionsCount);
        Assert.NotEqual(single.MessageContextInfo.MessageSecret, multiple.MessageContextInfo.MessageSecret);
        Assert.Equal("poll", MessageContent.StanzaTypeOf(single));
        Assert.Equal("creation", MessageContent.PollTypeOf(single));
        Assert.Equal("media", MessageContent.StanzaTypeOf(ConversationBuilder.Contact("Jane", "x")));
    }

    [Fact]
    public void A_kind_our_schema_lacks_is_named_by_WhatsApp_and_decoded_field_by_field()
    {
        // groupInviteMessage (28): groupJid 1, inviteCode 2, inviteExpiration 3 (varint), caption 6; and an unnamed field 900.
        var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        output.WriteTag(28, WireFormat.WireType.LengthDelimited);
        var invite = new MemoryStream();
        var inner = new CodedOutputStream(invite);
        inner.WriteTag(1, WireFormat.WireType.LengthDelimited);
        inner.WriteString("1203@g.us");
        inner.WriteTag(2, WireFormat.WireType.LengthDelimited);
        inner.WriteString("Code");
        inner.WriteTag(3, WireFormat.WireType.Varint);
        inner.WriteInt64(1_900_000_000);
        inner.WriteTag(5, WireFormat.WireType.LengthDelimited);
        inner.WriteBytes(ByteString.CopyFrom(0xFF, 0xD8, 0x00));
        inner.Flush();
        output.WriteBytes(ByteString.CopyFrom(invite.ToArray()));
        output.WriteTag(35, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(new MessageContextInfo { MessageSecret = ByteString.CopyFrom(new byte[32]) });
        output.Flush();
        var message = Message.Parser.ParseFrom(bytes.ToArray());

        Assert.Equal("groupInviteMessage", MessageContent.KindOf(message));
        Assert.True(MessageKinds.HasUserContent(message));
        var json = MessageJson.ToJson(message);
        Assert.Equal("1203@g.us", json["groupInviteMessage"]!["1"]!.GetValue<string>());
        Assert.Equal("Code", json["groupInviteMessage"]!["2"]!.GetValue<string>());
        Assert.Equal(1_900_000_000UL, json["groupInviteMessage"]!["3"]!.GetValue<ulong>());
        Assert.Equal(Convert.ToBase64String([0xFF, 0xD8, 0x00]), json["groupInviteMessage"]!["5"]!.GetValue<string>());
        Assert.NotNull(json["messageContextInfo"]);
        Assert.Equal(message.ToByteArray(), Message.Parser.ParseFrom(message.ToByteArray()).ToByteArray());

        var unnamed = Message.Parser.ParseFrom([0xA2, 0x38, 0x02, 0x08, 0x01]); // field 900, a nested {1: 1}
        Assert.Equal(MessageKinds.Unknown, MessageContent.KindOf(unnamed));
        Assert.True(MessageKinds.HasUserContent(unnamed), "an unnamed field is still something a person sent");
        Assert.Equal(1UL, MessageJson.ToJson(unnamed)["field900"]!["1"]!.GetValue<ulong>());
    }

    [Fact]
    public void Signalling_alone_is_not_a_user_message()
    {
        var distribution = new Message
        {
            SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage { GroupId = "1@g.us", AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(1, 2, 3) },
            MessageContextInfo = new MessageContextInfo { MessageSecret = ByteString.CopyFrom(new byte[32]) },
        };
        Assert.False(MessageKinds.HasUserContent(distribution));
        Assert.Equal(MessageKinds.Unknown, MessageContent.KindOf(distribution));
        Assert.False(MessageKinds.HasUserContent(new Message()));
        Assert.True(MessageKinds.HasUserContent(new Message { Conversation = "hi", SenderKeyDistributionMessage = distribution.SenderKeyDistributionMessage }));
    }

    [Fact]
    public void Message_json_keeps_repeated_unknown_fields_as_a_list()
    {
        var json = MessageJson.ToJson(Message.Parser.ParseFrom([0xA2, 0x38, 0x00, 0xA2, 0x38, 0x01, 0x41]));
        var list = Assert.IsType<JsonArray>(json["field900"]);
        Assert.Equal(["", "A"], list.Select(v => v!.GetValue<string>()));
    }
}
