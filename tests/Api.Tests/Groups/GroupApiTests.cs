using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Groups;

/// <summary>
/// The group endpoints over HTTP only, in sandbox mode, with two lines of one service: create with each participant's
/// outcome, list and info on both sides, a group message with its sender in the other line's history, settings and the
/// not-admin refusal, every media kind to the group served by the other line, promote, invite code and revoke, remove, and leave.
/// </summary>
public class GroupApiTests
{
    private const string AdminPhone = "15550091001";
    private const string MemberPhone = "15550091002";
    private const string Nobody = "15550091999";

    [Fact]
    public async Task A_group_is_created_used_and_managed_through_the_api_by_two_lines()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);
        var (adminId, adminToken) = await ApiClients.CreateLineAsync(admin, "group-admin", start: true);
        await ApiClients.PairAsync(service, admin, adminId, adminToken, AdminPhone);
        var (memberId, memberToken) = await ApiClients.CreateLineAsync(admin, "group-member", start: true);
        await ApiClients.PairAsync(service, admin, memberId, memberToken, MemberPhone);
        using var owner = ApiClients.Line(service, adminToken);
        using var member = ApiClients.Line(service, memberToken);

        // Create: the member is added, a number not on WhatsApp is reported as such.
        var created = await JsonAsync(await owner.PostAsJsonAsync("/api/groups", new { subject = "Support", participants = new[] { "+" + MemberPhone, Nobody } }), HttpStatusCode.Created);
        var jid = created["jid"]!.GetValue<string>();
        Assert.EndsWith("@g.us", jid, StringComparison.Ordinal);
        Assert.Equal("Support", created["subject"]!.GetValue<string>());
        var outcomes = created["participants"]!.AsArray().ToDictionary(p => p!["jid"]!.GetValue<string>(), p => p!["status"]!.GetValue<string>());
        Assert.Equal("added", outcomes[MemberPhone + "@s.whatsapp.net"]);
        Assert.Equal("not_on_whatsapp", outcomes[Nobody + "@s.whatsapp.net"]);

        var mine = Assert.Single((await owner.GetFromJsonAsync<JsonArray>("/api/groups"))!)!;
        Assert.Equal((jid, "Support", 2, true), (mine["jid"]!.GetValue<string>(), mine["subject"]!.GetValue<string>(), mine["participants_count"]!.GetValue<int>(), mine["is_admin"]!.GetValue<bool>()));

        // The member's line learns of the group from the server's notification.
        var theirs = await ApiClients.PollAsync(async () => (await member.GetFromJsonAsync<JsonArray>("/api/groups"))!.FirstOrDefault(g => g!["jid"]!.GetValue<string>() == jid), "the group in the member's list");
        Assert.False(theirs!["is_admin"]!.GetValue<bool>());
        var chat = Assert.Single((await member.GetFromJsonAsync<JsonArray>("/api/chats"))!, c => c!["jid"]!.GetValue<string>() == jid)!;
        Assert.Equal(1, chat["is_group"]!.GetValue<int>());
        Assert.Equal("Support", chat["name"]!.GetValue<string>());

        // A message to the group: the member's history lists it with its sender.
        var sent = await JsonAsync(await owner.PostAsJsonAsync("/api/messages/send", new { to = jid, text = "welcome" }), HttpStatusCode.Accepted);
        var msgId = sent["msg_id"]!.GetValue<string>();
        var item = await ApiClients.PollAsync(async () =>
        {
            // 404 until the chat has its first message.
            var history = await member.GetAsync($"/api/history?jid={jid}");
            return history.IsSuccessStatusCode ? JsonNode.Parse(await history.Content.ReadAsStringAsync())!.AsArray().FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId) : null;
        }, "the group message in the member's history");
        Assert.Equal(("welcome", AdminPhone + "@s.whatsapp.net", false), (item!["body"]!.GetValue<string>(), item["sender_jid"]!.GetValue<string>(), item["from_me"]!.GetValue<bool>()));

        // Media to the group (issue #14), every kind: the member's line files it under the group and serves the very bytes.
        var kinds = new (string Kind, string Mimetype, byte[] File, string? Caption, string? FileName)[]
        {
            ("image", "image/jpeg", Media.MediaFiles.Jpeg(48_000), "the shelf", null),
            ("video", "video/mp4", Media.MediaFiles.Mp4(30_000), "a clip", null),
            ("audio", "audio/ogg; codecs=opus", Media.MediaFiles.OggOpus(12_000, seconds: 3), null, null),
            ("document", "application/pdf", Media.MediaFiles.Pdf(20_000), "the list", "list.pdf"),
            ("sticker", "image/webp", Media.MediaFiles.WebP(10_000), null, null),
        };
        foreach (var (kind, mimetype, file, caption, fileName) in kinds)
        {
            var media = await JsonAsync(await owner.PostAsJsonAsync("/api/messages/" + kind, new { to = jid, file = Convert.ToBase64String(file), mimetype, caption, filename = fileName }), HttpStatusCode.Accepted);
            var mediaId = media["msg_id"]!.GetValue<string>();
            var stored = await ApiClients.PollAsync(async () =>
            {
                var view = await member.GetAsync($"/api/messages/{mediaId}");
                return view.IsSuccessStatusCode ? JsonNode.Parse(await view.Content.ReadAsStringAsync()) : null;
            }, $"the group {kind} reaching the member");
            Assert.Equal((jid, kind, caption), (stored!["chat_jid"]!.GetValue<string>(), stored["type"]!.GetValue<string>(), stored["body"]?.GetValue<string>()));
            using var served = await member.GetAsync($"/api/media/{mediaId}");
            Assert.True(served.IsSuccessStatusCode, $"{kind}: {(int)served.StatusCode} {await served.Content.ReadAsStringAsync()}");
            Assert.Equal(mimetype, served.Content.Headers.ContentType!.ToString());
            Assert.Equal(file, await served.Content.ReadAsByteArrayAsync());
        }

        // Settings: locked, so the member may not rename it (403 with a sentence) until promoted.
        var info = await JsonAsync(await owner.PutAsJsonAsync($"/api/groups/{jid}", new { description = "Ask here", locked = true }), HttpStatusCode.OK);
        Assert.Equal(("Ask here", true), (info["description"]!.GetValue<string>(), info["locked"]!.GetValue<bool>()));
        var refused = await member.PutAsJsonAsync($"/api/groups/{jid}", new { subject = "Mine now" });
        var error = await JsonAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal("not_admin", error["code"]!.GetValue<string>());
        var promoted = await JsonAsync(await owner.PostAsJsonAsync($"/api/groups/{jid}/participants", new { action = "promote", participants = new[] { MemberPhone } }), HttpStatusCode.OK);
        Assert.Equal("promoted", Assert.Single(promoted.AsArray())!["status"]!.GetValue<string>());
        var renamed = await JsonAsync(await member.PutAsJsonAsync($"/api/groups/{jid}", new { subject = "Support desk" }), HttpStatusCode.OK);
        Assert.Equal("Support desk", renamed["subject"]!.GetValue<string>());
        await ApiClients.PollAsync(async () => (await owner.GetFromJsonAsync<JsonNode>($"/api/groups/{jid}"))!["subject"]!.GetValue<string>() == "Support desk" ? "renamed" : null, "the rename reaching the owner's store");

        // Invite code and link; a revoke replaces the code.
        var invite = await JsonAsync(await owner.GetAsync($"/api/groups/{jid}/invite"), HttpStatusCode.OK);
        var code = invite["code"]!.GetValue<string>();
        Assert.Equal("https://chat.whatsapp.com/" + code, invite["link"]!.GetValue<string>());
        var revoked = await JsonAsync(await owner.PostAsync($"/api/groups/{jid}/invite/revoke", null), HttpStatusCode.OK);
        Assert.NotEqual(code, revoked["code"]!.GetValue<string>());

        // The member leaves, then joins again by link; removed by the owner, the group leaves the member's list.
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/groups/{jid}/leave", null)).StatusCode);
        Assert.Empty((await member.GetFromJsonAsync<JsonArray>("/api/groups"))!);
        var joined = await JsonAsync(await member.PostAsJsonAsync("/api/groups/join", new { code = revoked["link"]!.GetValue<string>() }), HttpStatusCode.OK);
        Assert.Equal(jid, joined["jid"]!.GetValue<string>());
        var removed = await JsonAsync(await owner.PostAsJsonAsync($"/api/groups/{jid}/participants", new { action = "remove", participants = new[] { MemberPhone + "@s.whatsapp.net" } }), HttpStatusCode.OK);
        Assert.Equal("removed", Assert.Single(removed.AsArray())!["status"]!.GetValue<string>());
        await ApiClients.PollAsync(async () => (await member.GetFromJsonAsync<JsonArray>("/api/groups"))!.Count == 0 ? "gone" : null, "the group leaving the member's list");
        var left = await JsonAsync(await member.GetAsync($"/api/groups/{jid}"), HttpStatusCode.NotFound);
        Assert.Equal("not_found", left["code"]!.GetValue<string>());
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
