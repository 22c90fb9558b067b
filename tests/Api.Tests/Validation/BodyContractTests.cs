using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using WaEngine.Api.Errors;
using WaEngine.Api.Messages;
using WaEngine.Api.Messages.Bodies;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Tests.Validation;

public sealed class BodyContractTests
{
    [Fact]
    public void The_contracts_are_the_body_records_the_OpenAPI_document_describes()
    {
        Assert.Equal(
            [new BodyField("to", true, RecipientJid.MaxInputLength), new BodyField("text", true, MessageBuilder.MaxTextLength), new BodyField("quoted_msg_id", true, OutgoingRequestReader.MaxMsgIdLength)],
            BodyContract.Of<ReplyBody>().Fields);
        Assert.Equal(["to", "emoji", "target_msg_id"], BodyContract.Of<ReactionBody>().Fields.Select(f => f.Name));
        Assert.Equal(["to", "target_msg_id"], BodyContract.Of<DeleteBody>().Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task A_field_added_to_a_body_record_is_checked_by_the_reader()
    {
        var contract = BodyContract.Of<TextWithRequiredNote>();
        var (request, problem) = await ReadAsync("""{"to":"15550001111","text":"hi"}""", contract);
        Assert.Null(request);
        Assert.Equal("note", problem!.Param);

        (request, problem) = await ReadAsync("""{"to":"15550001111","text":"hi","note":"12345"}""", contract);
        Assert.Equal("note", problem!.Param);

        (request, problem) = await ReadAsync("""{"to":"15550001111","text":"hi","note":"1234"}""", contract);
        Assert.Null(problem);
        Assert.Equal("hi", request!.Text);
    }

    [Fact]
    public void A_body_field_without_its_length_or_JSON_name_is_refused_at_start()
    {
        Assert.Contains("[MaxLength]", Assert.Throws<InvalidOperationException>(() => BodyContract.Of<NoLength>()).Message, StringComparison.Ordinal);
        Assert.Contains("[JsonPropertyName]", Assert.Throws<InvalidOperationException>(() => BodyContract.Of<NoName>()).Message, StringComparison.Ordinal);
    }

    private static async Task<(OutgoingRequest? Request, ApiProblem? Problem)> ReadAsync(string json, BodyContract contract)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var (body, error) = await JsonBody.ReadAsync(context);
        Assert.Null(error);
        return OutgoingRequestReader.Read(body!, OutgoingKind.Text, contract);
    }

    private sealed record TextWithRequiredNote
    {
        [JsonPropertyName("to")]
        [MaxLength(RecipientJid.MaxInputLength)]
        public required string To { get; init; }

        [JsonPropertyName("text")]
        [MaxLength(MessageBuilder.MaxTextLength)]
        public required string Text { get; init; }

        [JsonPropertyName("note")]
        [MaxLength(4)]
        public required string Note { get; init; }
    }

    private sealed record NoLength
    {
        [JsonPropertyName("to")]
        public required string To { get; init; }
    }

    private sealed record NoName
    {
        [MaxLength(3)]
        public required string To { get; init; }
    }
}
