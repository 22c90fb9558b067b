using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Api.Media;
using WaEngine.Proto;

namespace WaEngine.Api.Tests.Media;

/// <summary>The webhook's <c>media</c> object: mimetype, size, file name and caption of each media kind; none for other messages.</summary>
public class MediaWebhookFieldsTests
{
    [Fact]
    public void Each_media_kind_gives_its_mimetype_size_file_name_and_caption()
    {
        var key = ByteString.CopyFrom(new byte[32]);
        Assert.Equal(("application/pdf", 90_000L, "invoice.pdf", "March"), Fields(new Message
        {
            DocumentMessage = new Message.Types.DocumentMessage { Mimetype = "application/pdf", FileLength = 90_000, FileName = "invoice.pdf", Caption = "March", MediaKey = key, DirectPath = "/d" },
        }));
        Assert.Equal(("video/mp4", 60_000L, null, "a clip"), Fields(new Message
        {
            VideoMessage = new Message.Types.VideoMessage { Mimetype = "video/mp4", FileLength = 60_000, Caption = "a clip", MediaKey = key, DirectPath = "/v" },
        }));
        Assert.Equal(("audio/ogg; codecs=opus", 20_000L, null, null), Fields(new Message
        {
            AudioMessage = new Message.Types.AudioMessage { Mimetype = "audio/ogg; codecs=opus", FileLength = 20_000, Ptt = true, MediaKey = key, DirectPath = "/a" },
        }));
        Assert.Equal(("image/webp", 30_000L, null, null), Fields(new Message
        {
            StickerMessage = new Message.Types.StickerMessage { Mimetype = "image/webp", FileLength = 30_000, MediaKey = key, DirectPath = "/s" },
        }));
        Assert.Null(Write(new Message { Conversation = "hello" })["media"]);
    }

    private static (string?, long, string?, string?) Fields(Message message)
    {
        var media = Write(message)["media"]!;
        return (media["mimetype"]?.GetValue<string>(), media["size"]!.GetValue<long>(), media["fileName"]?.GetValue<string>(), media["caption"]?.GetValue<string>());
    }

    private static JsonNode Write(Message message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            MediaWebhookFields.Write(writer, message);
            writer.WriteEndObject();
        }

        return JsonNode.Parse(buffer.ToArray())!;
    }
}
