using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Api.Webhooks;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Proto;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>Group webhooks (CONTRACT §4): a group message names the group and its sender; group changes carry their journalled data.</summary>
public sealed class GroupWebhookPayloadTests
{
    private const string Group = "120363000000000001@g.us";
    private static readonly LineId Session = new(8);
    private static readonly DateTimeOffset Stored = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);
    private static readonly HashSet<string> All = [.. WebhookPayload.Events];

    [Fact]
    public void A_group_message_has_the_group_as_remote_jid_and_the_sender_as_participant()
    {
        var message = new Message { Conversation = "hello team" };
        var record = new MessageRecord
        {
            MsgId = "3EB0GROUP0001", ChatJid = Group, FromMe = false, SenderJid = "15550002222@s.whatsapp.net", SenderPn = "15550002222@s.whatsapp.net",
            SenderLid = "102@lid", Type = "text", Body = "hello team", Content = message.ToByteArray(), PushName = "Bob", Timestamp = Stored, Status = MessageStatus.Received,
        };
        var draft = WebhookPayload.Render(Session, new JournalEntry(11, "messages.received", Group, record.MsgId, null, null, Stored, record), All)!;
        var key = JsonNode.Parse(draft.Body)!["data"]!["messages"]!["key"]!;
        Assert.Equal((Group, "15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", "15550002222", "102@lid"),
            (key["remoteJid"]!.GetValue<string>(), key["participant"]!.GetValue<string>(), key["senderPn"]!.GetValue<string>(), key["cleanedSenderPn"]!.GetValue<string>(), key["senderLid"]!.GetValue<string>()));
        Assert.Equal(Group, draft.ChatKey);
    }

    [Theory]
    [InlineData("group.update", """{"jid":"120363000000000001@g.us","subject":"Support desk","by":"15550001111@s.whatsapp.net"}""")]
    [InlineData("group.participants", """{"jid":"120363000000000001@g.us","action":"remove","participants":["15550003333@s.whatsapp.net"],"by":"15550001111@s.whatsapp.net"}""")]
    public void A_group_change_carries_its_journalled_data(string name, string data)
    {
        var draft = WebhookPayload.Render(Session, new JournalEntry(12, name, Group, null, null, data, Stored, null), All)!;
        var body = JsonNode.Parse(draft.Body)!;
        Assert.Equal(name, body["event"]!.GetValue<string>());
        Assert.Equal(8, body["session"]!["id"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data), body["data"]), body.ToJsonString());
        Assert.Null(WebhookPayload.Render(Session, new JournalEntry(12, name, Group, null, null, data, Stored, null), new HashSet<string> { "messages.received" }));
    }
}
