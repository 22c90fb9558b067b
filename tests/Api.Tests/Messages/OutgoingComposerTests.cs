using Google.Protobuf;
using WaEngine.Api.Errors;
using WaEngine.Api.Messages;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;

namespace WaEngine.Api.Tests.Messages;

public class OutgoingComposerTests
{
    private const string Own = "15550001111@s.whatsapp.net";
    private const string Peer = "15550002222@s.whatsapp.net";
    private const string PeerLid = "99887766554433@lid";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly MessageRecord Ours = Record("OURS", fromMe: true, "text", Now.AddMinutes(-5));
    private static readonly MessageRecord Old = Record("OLD", fromMe: true, "text", Now.AddMinutes(-16));
    private static readonly MessageRecord Theirs = Record("THEIRS", fromMe: false, "text", Now.AddMinutes(-1));
    private static readonly MessageRecord Reaction = Record("REACT", fromMe: false, "reaction", Now.AddMinutes(-1));
    private static readonly MessageRecord Deleted = Record("GONE", fromMe: true, "text", Now.AddMinutes(-1)) with { Revoked = true };
    private static readonly MessageRecord Failed = Record("FAILED", fromMe: true, "text", Now.AddMinutes(-1)) with { Status = MessageStatus.Failed, Error = "expired" };
    private static readonly MessageRecord Image = Record("IMAGE", fromMe: true, "image", Now.AddMinutes(-1));
    private static readonly MessageRecord ElsewhereChat = Record("ELSEWHERE", fromMe: true, "text", Now.AddMinutes(-1)) with { ChatJid = "15550003333@s.whatsapp.net" };

    private readonly FakeMessageStore _store = new(
        [Ours, Old, Theirs, Reaction, Deleted, Failed, Image, ElsewhereChat],
        new Dictionary<string, string> { [PeerLid] = Peer });

    [Fact]
    public async Task A_text_needs_no_lookup()
    {
        var (message, problem) = await ComposeAsync(new OutgoingRequest(OutgoingKind.Text, Peer, "hi"));
        Assert.Null(problem);
        Assert.Equal(Peer, message!.ChatJid);
        Assert.Equal("hi", message.Content.Conversation);
    }

    [Fact]
    public async Task Each_kind_builds_its_message_on_the_target()
    {
        var reply = (await ComposeAsync(new OutgoingRequest(OutgoingKind.Reply, Peer, "re", null, "THEIRS"))).Message!;
        Assert.Equal("THEIRS", reply.Content.ExtendedTextMessage.ContextInfo.StanzaId);
        Assert.Equal(Peer, reply.Content.ExtendedTextMessage.ContextInfo.Participant);
        var replyToOurs = (await ComposeAsync(new OutgoingRequest(OutgoingKind.Reply, Peer, "re", null, "OURS"))).Message!;
        Assert.Equal(Own, replyToOurs.Content.ExtendedTextMessage.ContextInfo.Participant);

        var reaction = (await ComposeAsync(new OutgoingRequest(OutgoingKind.Reaction, Peer, null, "👍", "THEIRS"))).Message!;
        Assert.Equal("👍", reaction.Content.ReactionMessage.Text);
        Assert.False(reaction.Content.ReactionMessage.Key.FromMe);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), reaction.Content.ReactionMessage.SenderTimestampMs);

        var edit = (await ComposeAsync(new OutgoingRequest(OutgoingKind.Edit, Peer, "fixed", null, "OURS"))).Message!;
        Assert.Equal(Message.Types.ProtocolMessage.Types.Type.MessageEdit, edit.Content.ProtocolMessage.Type);
        Assert.Equal("fixed", edit.Content.ProtocolMessage.EditedMessage.Conversation);

        var delete = (await ComposeAsync(new OutgoingRequest(OutgoingKind.Delete, Peer, null, null, "OURS"))).Message!;
        Assert.Equal(Message.Types.ProtocolMessage.Types.Type.Revoke, delete.Content.ProtocolMessage.Type);
        Assert.Equal("OURS", delete.Content.ProtocolMessage.Key.Id);
    }

    [Fact]
    public async Task A_target_is_found_under_the_chats_lid_and_the_message_goes_to_its_chat()
    {
        var (message, problem) = await ComposeAsync(new OutgoingRequest(OutgoingKind.Reaction, PeerLid, null, "👍", "THEIRS"));
        Assert.Null(problem);
        Assert.Equal(Peer, message!.ChatJid);
    }

    [Theory]
    [InlineData(OutgoingKind.Reply, "NOPE", 404, ErrorCodes.NotFound, "quoted_msg_id")]
    [InlineData(OutgoingKind.Reaction, "NOPE", 404, ErrorCodes.NotFound, "target_msg_id")]
    [InlineData(OutgoingKind.Reaction, "ELSEWHERE", 404, ErrorCodes.NotFound, "target_msg_id")]
    [InlineData(OutgoingKind.Edit, "THEIRS", 400, ErrorCodes.NotOwnMessage, "target_msg_id")]
    [InlineData(OutgoingKind.Delete, "THEIRS", 400, ErrorCodes.NotOwnMessage, "target_msg_id")]
    [InlineData(OutgoingKind.Edit, "OLD", 409, ErrorCodes.EditWindowClosed, "target_msg_id")]
    [InlineData(OutgoingKind.Edit, "IMAGE", 400, ErrorCodes.InvalidRequest, "target_msg_id")]
    [InlineData(OutgoingKind.Edit, "GONE", 409, ErrorCodes.WrongState, "target_msg_id")]
    [InlineData(OutgoingKind.Delete, "GONE", 409, ErrorCodes.WrongState, "target_msg_id")]
    [InlineData(OutgoingKind.Reply, "GONE", 409, ErrorCodes.WrongState, "quoted_msg_id")]
    [InlineData(OutgoingKind.Edit, "FAILED", 409, ErrorCodes.WrongState, "target_msg_id")]
    [InlineData(OutgoingKind.Reply, "REACT", 400, ErrorCodes.InvalidRequest, "quoted_msg_id")]
    [InlineData(OutgoingKind.Reaction, "REACT", 400, ErrorCodes.InvalidRequest, "target_msg_id")]
    public async Task Refuses_targets_it_cannot_act_on(OutgoingKind kind, string target, int status, string code, string param)
    {
        var (message, problem) = await ComposeAsync(new OutgoingRequest(kind, Peer, kind is OutgoingKind.Reaction ? null : "x", kind is OutgoingKind.Reaction ? "👍" : null, target));
        Assert.Null(message);
        Assert.Equal((status, code, param), (problem!.Status, problem.Code, problem.Param));
        Assert.Contains(target, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_edit_window_is_inclusive_at_fifteen_minutes()
    {
        var edge = Record("EDGE", fromMe: true, "text", Now - MessageBuilder.EditWindow);
        var store = new FakeMessageStore([edge]);
        var (message, problem) = await OutgoingComposer.ComposeAsync(new OutgoingRequest(OutgoingKind.Edit, Peer, "x", null, "EDGE"), store, Own, Now, CancellationToken.None);
        Assert.Null(problem);
        Assert.NotNull(message);
        var (_, late) = await OutgoingComposer.ComposeAsync(new OutgoingRequest(OutgoingKind.Edit, Peer, "x", null, "EDGE"), store, Own, Now.AddSeconds(1), CancellationToken.None);
        Assert.Equal(ErrorCodes.EditWindowClosed, late!.Code);
    }

    private Task<(ComposedMessage? Message, ApiProblem? Problem)> ComposeAsync(OutgoingRequest request) =>
        OutgoingComposer.ComposeAsync(request, _store, Own, Now, CancellationToken.None);

    private static MessageRecord Record(string id, bool fromMe, string type, DateTimeOffset at) => new()
    {
        MsgId = id,
        ChatJid = Peer,
        FromMe = fromMe,
        SenderJid = fromMe ? Own : Peer,
        Type = type,
        Body = type == "text" ? "hello" : null,
        Content = (type == "text" ? new Message { Conversation = "hello" } : new Message()).ToByteArray(),
        Timestamp = at,
        Status = fromMe ? MessageStatus.ServerAck : MessageStatus.Received,
    };
}
