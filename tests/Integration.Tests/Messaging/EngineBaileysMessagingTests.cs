using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.TestKit;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>The engine and an unmodified Baileys 7 client message each other through the sandbox, every kind, both ways.</summary>
public sealed class EngineBaileysMessagingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Engine_to_baileys_text_reply_reaction_edit_and_delete_arrive_and_statuses_reach_read()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;

        var text = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("hello from the engine"), None);
        Assert.Equal(MessageStatus.Queued, text.Status);
        var atBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = text.MsgId });
        Assert.Equal("hello from the engine", atBob["body"]!.GetValue<string>());
        Assert.Equal(AliceJid, atBob["remoteJid"]!.GetValue<string>());
        Assert.False(atBob["fromMe"]!.GetValue<bool>());
        await line.WaitForMessageStatusAsync(text.MsgId, MessageStatus.DeliveryAck);
        var walk = line.Events.OfType<Engine.Events.MessageStatusChanged>().Where(e => e.MsgId == text.MsgId).Select(e => e.Status).ToList();
        Assert.Equal([MessageStatus.Queued, MessageStatus.Sending, MessageStatus.Sent], walk.Take(3));
        Assert.Equal(walk.Order(), walk);

        await bob.CallAsync(new JsonObject { ["op"] = "read", ["keys"] = new JsonArray(new JsonObject { ["remoteJid"] = AliceJid, ["id"] = text.MsgId, ["fromMe"] = false }) });
        await line.WaitForMessageStatusAsync(text.MsgId, MessageStatus.Read);
        Assert.Equal(MessageStatus.Read, (await line.Messages.FindAsync(text.MsgId, None))!.Status);

        var reply = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Reply("a reply", text, AliceJid), None);
        var replyAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = reply.MsgId });
        Assert.Equal("a reply", replyAtBob["body"]!.GetValue<string>());
        Assert.Equal(text.MsgId, replyAtBob["message"]!["extendedTextMessage"]!["contextInfo"]!["stanzaId"]!.GetValue<string>());

        var reaction = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Reaction(text, "👍", DateTimeOffset.UtcNow), None);
        var reactionAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = reaction.MsgId });
        Assert.Equal("👍", reactionAtBob["message"]!["reactionMessage"]!["text"]!.GetValue<string>());
        Assert.Equal(text.MsgId, reactionAtBob["message"]!["reactionMessage"]!["key"]!["id"]!.GetValue<string>());

        var removal = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Reaction(text, "", DateTimeOffset.UtcNow), None);
        var removalAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = removal.MsgId });
        Assert.Equal("", removalAtBob["message"]!["reactionMessage"]!["text"]?.GetValue<string>() ?? "");

        var edit = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Edit(text, "hello, edited", DateTimeOffset.UtcNow), None);
        var editAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = edit.MsgId });
        Assert.Equal((int)Message.Types.ProtocolMessage.Types.Type.MessageEdit, editAtBob["message"]!["protocolMessage"]!["type"]!.GetValue<int>());
        Assert.Equal(text.MsgId, editAtBob["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>());
        Assert.Equal("hello, edited", editAtBob["body"]!.GetValue<string>());

        var revoke = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Revoke(reply), None);
        var revokeAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = revoke.MsgId });
        Assert.Equal((int)Message.Types.ProtocolMessage.Types.Type.Revoke, revokeAtBob["message"]!["protocolMessage"]!["type"]?.GetValue<int>() ?? 0);
        Assert.Equal(reply.MsgId, revokeAtBob["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>());

        await line.WaitForMessageStatusAsync(edit.MsgId, MessageStatus.DeliveryAck);
        await line.WaitForMessageStatusAsync(revoke.MsgId, MessageStatus.DeliveryAck);
        Assert.Equal("hello, edited", (await line.Messages.FindAsync(text.MsgId, None))!.Body);
        Assert.True((await line.Messages.FindAsync(reply.MsgId, None))!.Revoked);

        var history = await line.Messages.HistoryAsync(BobJid, 50, None);
        Assert.Equal(6, history.Count);
        Assert.All(history, m => Assert.True(m.FromMe));
        world.AssertEveryStanzaWasAcked();
    }

    [Fact]
    public async Task Baileys_to_engine_text_reply_reaction_edit_and_delete_are_stored_with_both_ids()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;

        var textId = (await bob.SendTextAsync(AliceJid, "hello from baileys"))["id"]!.GetValue<string>();
        var text = (await line.WaitForMessageAsync(textId)).Message;
        Assert.Equal("text", text.Type);
        Assert.Equal("hello from baileys", text.Body);
        Assert.Equal(BobJid, text.ChatJid);
        Assert.Equal(BobJid, text.SenderPn);
        Assert.NotNull(text.SenderLid);
        Assert.Equal("Bob", text.PushName);
        Assert.Equal(MessageStatus.Received, text.Status);

        var replyId = (await bob.CallAsync(new JsonObject { ["op"] = "send", ["jid"] = AliceJid, ["content"] = new JsonObject { ["text"] = "quoting you" }, ["quotedId"] = textId }))["id"]!.GetValue<string>();
        var reply = (await line.WaitForMessageAsync(replyId)).Message;
        Assert.Equal("quoting you", reply.Body);
        Assert.Equal(textId, reply.TargetMsgId);

        var key = new JsonObject { ["remoteJid"] = AliceJid, ["id"] = textId, ["fromMe"] = true };
        var reactionId = (await bob.CallAsync(Send(new JsonObject { ["react"] = new JsonObject { ["text"] = "❤️", ["key"] = key.DeepClone() } })))["id"]!.GetValue<string>();
        var reaction = (await line.WaitForMessageAsync(reactionId)).Message;
        Assert.Equal("reaction", reaction.Type);
        Assert.Equal("❤️", reaction.Body);
        Assert.Equal(textId, reaction.TargetMsgId);

        var editId = (await bob.CallAsync(Send(new JsonObject { ["text"] = "hello, edited by bob", ["edit"] = key.DeepClone() })))["id"]!.GetValue<string>();
        var edit = (await line.WaitForMessageAsync(editId)).Message;
        Assert.Equal("edit", edit.Type);
        Assert.Equal(textId, edit.TargetMsgId);
        var edited = (await line.Messages.FindInChatAsync(BobJid, textId, None))!;
        Assert.Equal("hello, edited by bob", edited.Body);
        Assert.NotNull(edited.EditedAt);

        var deleteKey = new JsonObject { ["remoteJid"] = AliceJid, ["id"] = replyId, ["fromMe"] = true };
        var deleteId = (await bob.CallAsync(Send(new JsonObject { ["delete"] = deleteKey })))["id"]!.GetValue<string>();
        var delete = (await line.WaitForMessageAsync(deleteId)).Message;
        Assert.Equal("revoke", delete.Type);
        Assert.True((await line.Messages.FindInChatAsync(BobJid, replyId, None))!.Revoked);

        var chats = await line.Messages.ListChatsAsync(10, None);
        var chat = Assert.Single(chats);
        Assert.Equal(BobJid, chat.Jid);
        Assert.Equal(2, chat.Unread);

        await line.Actor.MarkReadAsync(BobJid, [textId, replyId], None);
        var read = await bob.WaitAsync("update", match: new JsonObject { ["id"] = textId, ["status"] = 4 });
        Assert.StartsWith(AlicePhone, read["remoteJid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Assert.Single(await line.Messages.ListChatsAsync(10, None)).Unread);
        world.AssertEveryStanzaWasAcked();

        JsonObject Send(JsonObject content) => new() { ["op"] = "send", ["jid"] = AliceJid, ["content"] = content };
    }
}
