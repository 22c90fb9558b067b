using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Media;

public class PhoneMediaTests
{
    private const string Alice = "15550001111";
    private const string Carol = "15550003333";

    [Theory]
    [InlineData("image", "image/jpeg", null)]
    [InlineData("video", "video/mp4", null)]
    [InlineData("audio", "audio/ogg; codecs=opus", null)]
    [InlineData("document", "application/pdf", "invoice.pdf")]
    [InlineData("sticker", "image/webp", null)]
    public async Task A_phone_sends_media_built_from_bytes_and_the_other_phone_shows_it_decrypted_with_its_hash(string type, string mimetype, string? filename)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Alice });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Carol });
        var file = RandomNumberGenerator.GetBytes(70_000);

        var sent = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Carol}/messages", new
        {
            to = Alice,
            media = new { type, data = Convert.ToBase64String(file), mimetype, caption = "look", filename },
        });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var id = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();

        var received = (await sandbox.GetJsonAsync($"/sandbox/accounts/{Alice}/messages")).AsArray().Single(m => m!["msg_id"]!.GetValue<string>() == id)!;
        Assert.Equal(type, received["type"]!.GetValue<string>());
        var media = received["media"]!;
        Assert.Null(media["error"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), media["sha256"]!.GetValue<string>());
        Assert.Equal(file.Length, media["size"]!.GetValue<long>());
        Assert.Equal(mimetype, media["mimetype"]!.GetValue<string>());
        Assert.Equal(filename, media["file_name"]?.GetValue<string>());

        // Expired on the host: the inbox says so instead of showing bytes; expiring it again finds nothing.
        var message = received["message"]!.AsObject().First().Value!;
        var directPath = message["directPath"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await sandbox.Http.PostAsJsonAsync("/sandbox/media/expire", new { direct_path = directPath })).StatusCode);
        var after = (await sandbox.GetJsonAsync($"/sandbox/accounts/{Alice}/messages")).AsArray().Single(m => m!["msg_id"]!.GetValue<string>() == id)!;
        Assert.Contains("expired", after["media"]!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.Http.PostAsJsonAsync("/sandbox/media/expire", new { direct_path = directPath })).StatusCode);
    }

    [Fact]
    public async Task Bad_media_requests_name_the_field()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Alice });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Carol });

        async Task<(HttpStatusCode, string?)> Bad(object body)
        {
            var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Carol}/messages", body);
            return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonNode>())!["param"]?.GetValue<string>());
        }

        var ok = Convert.ToBase64String(new byte[] { 1, 2, 3 });
        Assert.Equal((HttpStatusCode.BadRequest, "media.type"), await Bad(new { to = Alice, media = new { type = "gif", data = ok, mimetype = "image/gif" } }));
        Assert.Equal((HttpStatusCode.BadRequest, "media.data"), await Bad(new { to = Alice, media = new { type = "image", data = "not base64!", mimetype = "image/jpeg" } }));
        Assert.Equal((HttpStatusCode.BadRequest, "media.data"), await Bad(new { to = Alice, media = new { type = "image", data = "", mimetype = "image/jpeg" } }));
        Assert.Equal((HttpStatusCode.BadRequest, "media.mimetype"), await Bad(new { to = Alice, media = new { type = "image", data = ok } }));
        Assert.Equal((HttpStatusCode.BadRequest, "media"), await Bad(new { to = Alice, text = "x", media = new { type = "image", data = ok, mimetype = "image/jpeg" } }));
        Assert.Equal((HttpStatusCode.BadRequest, "direct_path"), (await sandbox.Http.PostAsJsonAsync("/sandbox/media/expire", new { })) is var r
            ? (r.StatusCode, (await r.Content.ReadFromJsonAsync<JsonNode>())!["param"]?.GetValue<string>()) : default);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.Http.PostAsJsonAsync("/sandbox/media/expire", new { direct_path = "/v/sandbox/image/x", lost = "yes" })).StatusCode);
    }

    [Theory]
    [InlineData("image", "image/jpeg")]
    [InlineData("document", "application/pdf")]
    [InlineData("audio", "audio/ogg; codecs=opus")]
    public async Task Baileys_and_a_virtual_phone_exchange_media_through_the_media_host(string kind, string mimetype)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Alice });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Carol });
        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, Alice);

        // Carol's phone → Alice's Baileys, which downloads and decrypts it with its own downloadMediaMessage.
        var file = RandomNumberGenerator.GetBytes(50_000);
        var sent = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Carol}/messages", new
        {
            to = Alice,
            media = new { type = kind, data = Convert.ToBase64String(file), mimetype, filename = "f.bin" },
        });
        var id = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await alice.WaitAsync("message", match: new JsonObject { ["id"] = id });
        var downloaded = await alice.CallAsync(new JsonObject { ["op"] = "download", ["id"] = id });
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), downloaded["sha256"]!.GetValue<string>());

        // Alice's Baileys → Carol's phone: Baileys uploads through media_conn (auth checked), the phone decrypts.
        var back = RandomNumberGenerator.GetBytes(40_000);
        var reply = (await alice.CallAsync(new JsonObject
        {
            ["op"] = "send-media", ["jid"] = Carol + "@s.whatsapp.net", ["kind"] = kind, ["data"] = Convert.ToBase64String(back),
            ["mimetype"] = mimetype, ["fileName"] = "back.bin",
        }))["id"]!.GetValue<string>();
        // The phone stores what it decrypted before it sends the delivery receipt Baileys reports.
        await alice.WaitAsync("raw-receipt", match: new JsonObject { ["id"] = reply, ["from"] = Carol + "@s.whatsapp.net" });
        var atCarol = (await sandbox.GetJsonAsync($"/sandbox/accounts/{Carol}/messages")).AsArray().Single(m => m!["msg_id"]!.GetValue<string>() == reply)!;
        Assert.Null(atCarol["media"]!["error"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(back)), atCarol["media"]!["sha256"]!.GetValue<string>());
    }
}
