using WaEngine.Api.Messages.Bodies;
using System.Text;
using Microsoft.AspNetCore.Http;
using WaEngine.Api.Errors;
using WaEngine.Api.Messages;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Tests.Validation;

public class OutgoingRequestReaderTests
{
    [Fact]
    public async Task Reads_each_kind_with_its_fields()
    {
        var text = await ReadAsync("""{"to":"+15550001111","text":"hi"}""", OutgoingKind.Text);
        Assert.Equal(new OutgoingRequest(OutgoingKind.Text, "15550001111@s.whatsapp.net", "hi"), text.Request);
        var reply = await ReadAsync("""{"to":"15550001111","text":"re","quoted_msg_id":"ABC"}""", OutgoingKind.Reply);
        Assert.Equal(new OutgoingRequest(OutgoingKind.Reply, "15550001111@s.whatsapp.net", "re", null, "ABC"), reply.Request);
        var reaction = await ReadAsync("""{"to":"15550001111","emoji":"","target_msg_id":"ABC"}""", OutgoingKind.Reaction);
        Assert.Equal("", reaction.Request!.Emoji);
        var delete = await ReadAsync("""{"to":"15550001111@s.whatsapp.net","target_msg_id":"ABC","text":42}""", OutgoingKind.Delete);
        Assert.Equal(new OutgoingRequest(OutgoingKind.Delete, "15550001111@s.whatsapp.net", null, null, "ABC"), delete.Request);
    }

    [Theory]
    [InlineData("""{"text":"hi"}""", OutgoingKind.Text, "to")]
    [InlineData("""{"to":15550001111,"text":"hi"}""", OutgoingKind.Text, "to")]
    [InlineData("""{"to":"15550001111"}""", OutgoingKind.Text, "text")]
    [InlineData("""{"to":"15550001111","text":null}""", OutgoingKind.Text, "text")]
    [InlineData("""{"to":"15550001111","text":""}""", OutgoingKind.Text, "text")]
    [InlineData("""{"to":"15550001111","text":"   "}""", OutgoingKind.Text, "text")]
    [InlineData("""{"to":"15550001111","text":["hi"]}""", OutgoingKind.Text, "text")]
    [InlineData("""{"to":"15550001111","text":"hi"}""", OutgoingKind.Reply, "quoted_msg_id")]
    [InlineData("""{"to":"15550001111","text":"hi","quoted_msg_id":"A B"}""", OutgoingKind.Reply, "quoted_msg_id")]
    [InlineData("""{"to":"15550001111","target_msg_id":"A"}""", OutgoingKind.Reaction, "emoji")]
    [InlineData("""{"to":"15550001111","emoji":"ok","target_msg_id":"A"}""", OutgoingKind.Reaction, "emoji")]
    [InlineData("""{"to":"15550001111","emoji":"👍👍","target_msg_id":"A"}""", OutgoingKind.Reaction, "emoji")]
    [InlineData("""{"to":"15550001111","emoji":"👍"}""", OutgoingKind.Reaction, "target_msg_id")]
    [InlineData("""{"to":"15550001111","text":"x","target_msg_id":""}""", OutgoingKind.Edit, "target_msg_id")]
    [InlineData("""{"to":"15550001111","target_msg_id":true}""", OutgoingKind.Delete, "target_msg_id")]
    [InlineData("""{"to":"bob","text":"hi"}""", OutgoingKind.Text, "to")]
    public async Task Names_the_first_wrong_field(string json, OutgoingKind kind, string param)
    {
        var (request, problem) = await ReadAsync(json, kind);
        Assert.Null(request);
        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Equal(param, problem.Param);
    }

    [Fact]
    public async Task Text_up_to_the_limit_passes_and_one_more_character_does_not()
    {
        var longest = new string('a', MessageBuilder.MaxTextLength);
        Assert.NotNull((await ReadAsync($$"""{"to":"15550001111","text":"{{longest}}"}""", OutgoingKind.Text)).Request);
        var (_, problem) = await ReadAsync($$"""{"to":"15550001111","text":"{{longest}}a"}""", OutgoingKind.Text);
        Assert.Equal("text", problem!.Param);
        Assert.Contains("4096", problem.Message, StringComparison.Ordinal);
    }

    private static async Task<(OutgoingRequest? Request, ApiProblem? Problem)> ReadAsync(string json, OutgoingKind kind)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var (body, error) = await JsonBody.ReadAsync(context);
        Assert.Null(error);
        return OutgoingRequestReader.Read(body!, kind, ContractOf(kind));
    }

    internal static BodyContract ContractOf(OutgoingKind kind) => kind switch
    {
        OutgoingKind.Text => BodyContract.Of<SendTextBody>(),
        OutgoingKind.Reply => BodyContract.Of<ReplyBody>(),
        OutgoingKind.Reaction => BodyContract.Of<ReactionBody>(),
        OutgoingKind.Edit => BodyContract.Of<EditBody>(),
        OutgoingKind.Delete => BodyContract.Of<DeleteBody>(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
