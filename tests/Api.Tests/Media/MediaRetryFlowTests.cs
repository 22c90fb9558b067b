using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// The media retry through the real service in sandbox mode: media the media host dropped is asked for again from the
/// line's own phone (a receipt type="server-error" to our account), which uploads it again and answers with a
/// mediaretry notification; <c>GET /api/media</c> then serves it byte for byte, and the new direct path is kept. A
/// phone that lost the file too is 410 <c>media_not_on_phone</c>. Unmodified Baileys 7 does the same for media the line
/// sent it (its downloadMediaMessage with updateMediaMessage as the reupload request), through the strict sandbox.
/// </summary>
public class MediaRetryFlowTests
{
    private const string OwnerPhone = "15550007101";
    private const string PhonePeer = "15550007102";
    private const string BaileysPhone = "15550007103";

    [Fact]
    public async Task Expired_media_from_a_phone_and_from_Baileys_is_uploaded_again_by_our_phone_and_served()
    {
        using var data = new TempFolder();
        // No download cache: every GET downloads, so the second one shows the kept direct path is used.
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string> { ["Api__Media__CacheMaxBytes"] = "0" });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "retry", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PhonePeer);
        await ApiClients.AddPhoneAsync(service, BaileysPhone);
        var caFile = Path.Combine(data.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!["media_ca_pem"]!.GetValue<string>());
        await using var baileys = await BaileysPeer.StartPairedAsync(service.Http, caFile, BaileysPhone);
        using var line = ApiClients.Line(service, token);

        // A virtual phone's document: expired on the host, asked again, served — twice, with one retry only.
        var pdf = MediaFiles.Pdf(30_000);
        var fromPhone = await PhoneSendAsync(service, new { type = "document", data = Convert.ToBase64String(pdf), mimetype = "application/pdf", filename = "a.pdf" });
        await ExpireAsync(service, await DirectPathAtOwnerPhoneAsync(service, fromPhone), lost: false);
        Assert.Equal(pdf, await MediaAsync(line, fromPhone));
        Assert.Equal(pdf, await MediaAsync(line, fromPhone));
        Assert.Equal(1, Occurrences(service.Output, $"media of message {fromPhone} expired; asking our phone"));
        Assert.Equal(1, Occurrences(service.Output, $"our phone uploaded the media of message {fromPhone} again"));

        // Baileys' image to the line, likewise.
        var png = MediaFiles.Png(20_000);
        var fromBaileys = (await baileys.CallAsync(new JsonObject
        {
            ["op"] = "send-media", ["jid"] = OwnerPhone + "@s.whatsapp.net", ["kind"] = "image", ["data"] = Convert.ToBase64String(png), ["mimetype"] = "image/png",
        }))["id"]!.GetValue<string>();
        await ExpireAsync(service, await DirectPathAtOwnerPhoneAsync(service, fromBaileys), lost: false);
        Assert.Equal(png, await MediaAsync(line, fromBaileys));

        // Expired and lost on the phone too: a clear 410, no bytes.
        var lost = await PhoneSendAsync(service, new { type = "document", data = Convert.ToBase64String(MediaFiles.Pdf(5_000)), mimetype = "application/pdf" });
        await ExpireAsync(service, await DirectPathAtOwnerPhoneAsync(service, lost), lost: true);
        await WaitStoredAsync(line, lost);
        using (var refused = await line.GetAsync($"/api/media/{lost}"))
        {
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Gone, text);
            var error = JsonNode.Parse(text)!;
            Assert.Equal("media_not_on_phone", error["code"]!.GetValue<string>());
            Assert.Equal("msg_id", error["param"]!.GetValue<string>());
        }

        // What the line sent Baileys: expired, Baileys' download fails; its updateMediaMessage asks its own phone, which
        // uploads it again, and Baileys decrypts the new blob to the same SHA-256.
        var photo = MediaFiles.Png(25_000, 320, 200);
        var toBaileys = await SendAsync(line, "image", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(photo), ["mimetype"] = "image/png" });
        await baileys.WaitAsync("message", match: new JsonObject { ["id"] = toBaileys });
        var atBaileysPhone = await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, BaileysPhone)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == toBaileys), "the image reaching Baileys' phone");
        await ExpireAsync(service, atBaileysPhone["message"]!["imageMessage"]!["directPath"]!.GetValue<string>(), lost: false);
        var gone = await Assert.ThrowsAsync<NodePeerException>(() => baileys.CallAsync(new JsonObject { ["op"] = "download", ["id"] = toBaileys }));
        Assert.Contains("Failed to fetch stream", gone.Message, StringComparison.Ordinal);
        var updated = await baileys.CallAsync(new JsonObject { ["op"] = "update-media", ["id"] = toBaileys });
        Assert.StartsWith("/v/sandbox/image/", updated["directPath"]!.GetValue<string>(), StringComparison.Ordinal);
        var downloaded = await baileys.CallAsync(new JsonObject { ["op"] = "download", ["id"] = toBaileys });
        Assert.Equal(MediaFiles.Sha256(photo), downloaded["sha256"]!.GetValue<string>());
        Assert.Contains($"media retry for {toBaileys} answered (Success)", service.Output, StringComparison.Ordinal);

        var rules = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/rules"))!;
        Assert.True(rules["strict"]!.GetValue<bool>());
        Assert.All(rules["breaches"]!.AsObject().Where(rule => rule.Key != "R2"), rule => Assert.True(rule.Value!.GetValue<long>() == 0, $"{rule.Key} was broken {rule.Value} times"));
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // The line's own phone received the message too (senders encrypt for every device of the account): its copy names the blob.
    private static async Task<string> DirectPathAtOwnerPhoneAsync(ServiceProcess service, string msgId)
    {
        var message = await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, OwnerPhone)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId), $"message {msgId} reaching the owner's phone");
        return message["message"]!.AsObject().Single(p => p.Key.EndsWith("Message", StringComparison.Ordinal) && p.Key != "messageContextInfo").Value!["directPath"]!.GetValue<string>();
    }

    private static async Task ExpireAsync(ServiceProcess service, string directPath, bool lost)
    {
        var response = await service.Http.PostAsJsonAsync("/sandbox/media/expire", new { direct_path = directPath, lost });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> SendAsync(HttpClient line, string kind, JsonObject body)
    {
        var response = await line.PostAsJsonAsync("/api/messages/" + kind, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{kind}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }

    private static async Task<string> PhoneSendAsync(ServiceProcess service, object media)
    {
        var sent = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{PhonePeer}/messages", new { to = OwnerPhone, media });
        var text = await sent.Content.ReadAsStringAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }

    private static Task WaitStoredAsync(HttpClient line, string msgId) =>
        ApiClients.PollAsync(async () => (await line.GetAsync($"/api/messages/{msgId}")).IsSuccessStatusCode ? "ok" : null, $"message {msgId} reaching the line");

    private static async Task<byte[]> MediaAsync(HttpClient line, string msgId)
    {
        await WaitStoredAsync(line, msgId);
        using var response = await line.GetAsync($"/api/media/{msgId}");
        Assert.True(response.IsSuccessStatusCode, $"media of {msgId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
