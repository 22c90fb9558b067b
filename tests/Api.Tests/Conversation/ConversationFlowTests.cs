using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Api.Tests.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Conversation;

/// <summary>
/// Issue #16's message kinds through the real service in sandbox mode (strict), both ways, with unmodified Baileys 7
/// as the independent peer: the line's location, contact card and poll reach Baileys as Baileys reads them; Baileys'
/// location, contact card, poll and a kind the engine does not parse arrive parsed (or named, with their JSON) in the
/// webhook; votes — Baileys' (encrypted by the harness and checked with Baileys' own decryptPollVote) and a virtual
/// phone's — arrive as <c>poll_vote</c> with the option names, for a poll the line sent and one it received; a vote for
/// a poll the line never saw is stored and delivered with its reason.
/// </summary>
public class ConversationFlowTests
{
    private const string OwnerPhone = "15550016001";
    private const string PhonePeer = "15550016002";
    private const string BaileysPhone = "15550016003";
    private const string LidPeer = "15550016004";

    [Fact]
    public async Task Locations_contact_cards_polls_and_votes_go_both_ways_and_nothing_is_dropped_for_its_kind()
    {
        using var data = new TempFolder();
        await using var pages = await LinkPreviewPages.StartAsync();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(data.Path, "received.jsonl"));
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            ["Webhooks__BaseDelay"] = "00:00:00.050",
            ["Webhooks__MaxDelay"] = "00:00:01",
            ["Api__MediaFetch__AllowPrivate"] = "true",
        });
        using var admin = ApiClients.Admin(service, data.Path);
        var created = await admin.PostAsJsonAsync("/api/sessions", new { name = "conversation", webhook_url = receiver.Url.ToString(), webhook_events = new[] { "messages.received" } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var session = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var (id, token) = (session["id"]!.GetValue<long>(), session["token"]!.GetValue<string>());
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, PhonePeer);
        await ApiClients.AddPhoneAsync(service, BaileysPhone);
        var caFile = Path.Combine(data.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!["media_ca_pem"]!.GetValue<string>());
        await using var baileys = await BaileysPeer.StartPairedAsync(service.Http, caFile, BaileysPhone);
        using var line = ApiClients.Line(service, token);
        var ownerJid = OwnerPhone + "@s.whatsapp.net";

        // Line → Baileys: a location, a contact card built from name and phone, a single-choice poll.
        var location = await SendAsync(line, "location", new { to = BaileysPhone, latitude = 52.520008, longitude = 13.404954, name = "Brandenburg Gate", address = "Pariser Platz, Berlin" });
        var atBaileys = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = location }))["message"]!["locationMessage"]!;
        Assert.Equal(52.520008, atBaileys["degreesLatitude"]!.GetValue<double>(), 6);
        Assert.Equal(13.404954, atBaileys["degreesLongitude"]!.GetValue<double>(), 6);
        Assert.Equal("Brandenburg Gate", atBaileys["name"]!.GetValue<string>());
        Assert.Equal("Pariser Platz, Berlin", atBaileys["address"]!.GetValue<string>());

        var contact = await SendAsync(line, "contact", new { to = BaileysPhone, name = "Jane; Doe", phone = "+49 30 1234567" });
        var card = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = contact }))["message"]!["contactMessage"]!;
        Assert.Equal("Jane; Doe", card["displayName"]!.GetValue<string>());
        Assert.Contains("FN:Jane\\; Doe", card["vcard"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("waid=49301234567:+49301234567", card["vcard"]!.GetValue<string>(), StringComparison.Ordinal);

        var poll = await SendAsync(line, "poll", new { to = BaileysPhone, question = "Which colour?", options = new[] { "Red", "Green", "Blue" } });
        var pollAtBaileys = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = poll }))["message"]!;
        Assert.Equal("Which colour?", pollAtBaileys["pollCreationMessageV3"]!["name"]!.GetValue<string>());
        Assert.Equal(["Red", "Green", "Blue"], pollAtBaileys["pollCreationMessageV3"]!["options"]!.AsArray().Select(o => o!["optionName"]!.GetValue<string>()));
        Assert.Equal(1, pollAtBaileys["pollCreationMessageV3"]!["selectableOptionsCount"]!.GetValue<int>());
        Assert.Equal(32, Convert.FromBase64String(pollAtBaileys["messageContextInfo"]!["messageSecret"]!.GetValue<string>()).Length);

        // Baileys votes on the line's poll: the line decrypts it with the poll's kept secret.
        var baileysVote = (await baileys.CallAsync(new JsonObject { ["op"] = "vote", ["jid"] = ownerJid, ["pollId"] = poll, ["options"] = new JsonArray("Blue") }))["id"]!.GetValue<string>();
        var vote = await WebhookAsync(receiver, baileysVote);
        Assert.Equal("poll_vote", vote["messageType"]!.GetValue<string>());
        Assert.Equal(["Blue"], vote["selectedOptions"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(poll, vote["pollMsgId"]!.GetValue<string>());
        Assert.Null(vote["voteError"]);

        // Baileys → line: location, contact card, a multiple-choice poll, and a kind the engine does not parse.
        var fromBaileys = await BaileysSendAsync(baileys, ownerJid, new JsonObject { ["location"] = new JsonObject { ["degreesLatitude"] = -33.8568, ["degreesLongitude"] = 151.2153, ["name"] = "Opera House" } });
        var located = await WebhookAsync(receiver, fromBaileys);
        Assert.Equal("location", located["messageType"]!.GetValue<string>());
        Assert.Equal(-33.8568, located["location"]!["latitude"]!.GetValue<double>(), 6);
        Assert.Equal(151.2153, located["location"]!["longitude"]!.GetValue<double>(), 6);
        Assert.Equal("Opera House", located["location"]!["name"]!.GetValue<string>());
        Assert.Equal("Opera House", located["messageBody"]!.GetValue<string>());

        const string VCardText = "BEGIN:VCARD\nVERSION:3.0\nFN:Max Mustermann\nORG:Example GmbH;\nTEL;type=CELL;type=VOICE;waid=4915112345678:+49 151 12345678\nEND:VCARD";
        var cardFromBaileys = await BaileysSendAsync(baileys, ownerJid, new JsonObject { ["contacts"] = new JsonObject { ["displayName"] = "Max", ["contacts"] = new JsonArray(new JsonObject { ["vcard"] = VCardText }) } });
        var carded = await WebhookAsync(receiver, cardFromBaileys);
        Assert.Equal("contact", carded["messageType"]!.GetValue<string>());
        Assert.Equal("Max Mustermann", carded["contacts"]![0]!["displayName"]!.GetValue<string>());
        Assert.Equal(["4915112345678"], carded["contacts"]![0]!["phones"]!.AsArray().Select(p => p!.GetValue<string>()));

        var baileysPoll = await BaileysSendAsync(baileys, ownerJid, new JsonObject { ["poll"] = new JsonObject { ["name"] = "Lunch?", ["values"] = new JsonArray("Pizza", "Sushi", "Salad"), ["selectableCount"] = 0 } });
        var polled = await WebhookAsync(receiver, baileysPoll);
        Assert.Equal("poll", polled["messageType"]!.GetValue<string>());
        Assert.Equal("Lunch?", polled["poll"]!["question"]!.GetValue<string>());
        Assert.Equal(["Pizza", "Sushi", "Salad"], polled["poll"]!["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(0, polled["poll"]!["selectableCount"]!.GetValue<int>());

        // Baileys votes on its own poll (a poll the line received): the line reads that vote too.
        var ownVote = (await baileys.CallAsync(new JsonObject { ["op"] = "vote", ["jid"] = ownerJid, ["pollId"] = baileysPoll, ["options"] = new JsonArray("Pizza", "Salad") }))["id"]!.GetValue<string>();
        Assert.Equal(["Pizza", "Salad"], (await WebhookAsync(receiver, ownVote))["selectedOptions"]!.AsArray().Select(o => o!.GetValue<string>()));

        var listReply = await BaileysSendAsync(baileys, ownerJid, new JsonObject
        {
            ["listReply"] = new JsonObject { ["title"] = "Option B", ["listType"] = 1, ["singleSelectReply"] = new JsonObject { ["selectedRowId"] = "row-2" } },
        });
        var unparsed = await WebhookAsync(receiver, listReply);
        Assert.Equal("listResponseMessage", unparsed["messageType"]!.GetValue<string>());
        var listJson = unparsed["message"]!["listResponseMessage"]!;
        Assert.Equal("Option B", listJson["1"]!.GetValue<string>());
        Assert.Equal(1, listJson["2"]!.GetValue<int>());
        Assert.Equal("row-2", listJson["3"]!["1"]!.GetValue<string>());
        Assert.Equal("listResponseMessage", (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{listReply}"))!["type"]!.GetValue<string>());

        // A virtual phone: it sees the line's poll in its inbox, votes on it, sends its own poll and votes on that.
        var phonePoll = await SendAsync(line, "poll", new { to = PhonePeer, question = "Meeting day?", options = new[] { "Mon", "Tue", "Wed" }, multiple = true });
        var inbox = await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, PhonePeer)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == phonePoll), "the poll reaching the phone");
        Assert.Equal("poll", inbox["type"]!.GetValue<string>());
        Assert.Equal("Meeting day?", inbox["message"]!["pollCreationMessage"]!["name"]!.GetValue<string>());
        var phoneVote = await PhoneSendAsync(service, new { to = OwnerPhone, vote = new { poll_msg_id = phonePoll, options = new[] { "Tue", "Wed" } } });
        Assert.Equal(["Tue", "Wed"], (await WebhookAsync(receiver, phoneVote))["selectedOptions"]!.AsArray().Select(o => o!.GetValue<string>()));

        // A voter the server addresses by LID (sender_pn alongside): its vote reaches the line from the LID and is read
        // all the same (the vote key takes the voter's JID; the engine tries the LID and the phone number, as
        // whatsmeow tries the sender and its alternate, and Baileys 7 takes the alternate first).
        var lidAccount = await service.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = LidPeer, addressing = "lid" });
        Assert.True(lidAccount.IsSuccessStatusCode, await lidAccount.Content.ReadAsStringAsync());
        var lidJid = (await lidAccount.Content.ReadFromJsonAsync<JsonNode>())!["lid"]!.GetValue<string>();
        var lidPoll = await SendAsync(line, "poll", new { to = LidPeer, question = "Which time?", options = new[] { "9:00", "12:00", "15:00" } });
        await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, LidPeer)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == lidPoll), "the poll reaching the LID phone");
        var lidVote = await PhoneSendAsync(service, new { to = OwnerPhone, vote = new { poll_msg_id = lidPoll, options = new[] { "12:00" } } }, LidPeer);
        var lidVoted = await WebhookAsync(receiver, lidVote);
        Assert.Equal(lidJid, lidVoted["key"]!["senderLid"]!.GetValue<string>());
        Assert.Equal(LidPeer + "@s.whatsapp.net", lidVoted["key"]!["senderPn"]!.GetValue<string>());
        Assert.Equal("poll_vote", lidVoted["messageType"]!.GetValue<string>());
        Assert.Equal(["12:00"], lidVoted["selectedOptions"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Null(lidVoted["voteError"]);

        var phoneLocation = await SendAsync(line, "location", new { to = PhonePeer, latitude = 0.5, longitude = -0.25 });
        var locationInbox = await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, PhonePeer)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == phoneLocation), "the location reaching the phone");
        Assert.Equal("location", locationInbox["type"]!.GetValue<string>());

        var theirPoll = await PhoneSendAsync(service, new { to = OwnerPhone, message = new { pollCreationMessage = new { name = "Coffee?", options = new[] { new { optionName = "Yes" }, new { optionName = "No" } }, selectableOptionsCount = 1 } } });
        Assert.Equal("Coffee?", (await WebhookAsync(receiver, theirPoll))["poll"]!["question"]!.GetValue<string>());
        var theirVote = await PhoneSendAsync(service, new { to = OwnerPhone, vote = new { poll_msg_id = theirPoll, options = new[] { "No" } } });
        Assert.Equal(["No"], (await WebhookAsync(receiver, theirVote))["selectedOptions"]!.AsArray().Select(o => o!.GetValue<string>()));

        // A vote for a poll the line never saw: stored and delivered with the reason, nothing crashes.
        var orphan = await PhoneSendAsync(service, new
        {
            to = OwnerPhone,
            message = new
            {
                pollUpdateMessage = new
                {
                    pollCreationMessageKey = new { remoteJid = ownerJid, fromMe = false, id = "3EB0000000000000DEAD" },
                    vote = new { encPayload = Convert.ToBase64String(new byte[40]), encIv = Convert.ToBase64String(new byte[12]) },
                    senderTimestampMs = "1779285889512",
                },
            },
        });
        var orphaned = await WebhookAsync(receiver, orphan);
        Assert.Equal("poll_vote", orphaned["messageType"]!.GetValue<string>());
        Assert.Null(orphaned["selectedOptions"]);
        Assert.StartsWith("poll_unknown", orphaned["voteError"]!.GetValue<string>(), StringComparison.Ordinal);
        var stored = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{orphan}"))!;
        Assert.Equal("received", stored["status"]!.GetValue<string>());
        Assert.StartsWith("poll_unknown", stored["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // Link previews: Baileys sees title, description and a JPEG thumbnail; a page that cannot be fetched leaves the
        // text plain — sent all the same — and the message says why.
        var withPreview = await SendAsync(line, "send", new { to = BaileysPhone, text = $"Sale! {pages.Url("/article")}", link_preview = true });
        var previewed = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = withPreview }))["message"]!["extendedTextMessage"]!;
        Assert.Equal($"Sale! {pages.Url("/article")}", previewed["text"]!.GetValue<string>());
        Assert.Equal(pages.Url("/article"), previewed["matchedText"]!.GetValue<string>());
        Assert.Equal("Spring & Summer Sale", previewed["title"]!.GetValue<string>());
        Assert.Equal("Everything 20% off until Sunday.", previewed["description"]!.GetValue<string>());
        Assert.Equal([0xFF, 0xD8], Convert.FromBase64String(previewed["jpegThumbnail"]!.GetValue<string>())[..2]);
        var previewView = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{withPreview}"))!["link_preview"]!;
        Assert.True(previewView["attached"]!.GetValue<bool>());
        Assert.Equal("Spring & Summer Sale", previewView["title"]!.GetValue<string>());

        var noPreview = await SendAsync(line, "send", new { to = BaileysPhone, text = $"Gone: {pages.Url("/missing")}", link_preview = true });
        Assert.Equal($"Gone: {pages.Url("/missing")}", (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = noPreview }))["message"]!["conversation"]!.GetValue<string>());
        var noPreviewView = (await line.GetFromJsonAsync<JsonNode>($"/api/messages/{noPreview}"))!;
        Assert.NotEqual("failed", noPreviewView["status"]!.GetValue<string>());
        Assert.Null(noPreviewView["error"]);
        Assert.False(noPreviewView["link_preview"]!["attached"]!.GetValue<bool>());
        Assert.Contains("HTTP 404", noPreviewView["link_preview"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await line.GetFromJsonAsync<JsonNode>($"/api/messages/{location}"))!["link_preview"]);

        // The line is still well and the strict sandbox saw no rule broken.
        Assert.Equal("connected", (await line.GetFromJsonAsync<JsonNode>("/api/status"))!["status"]!.GetValue<string>());
        await AssertNoBreachesAsync(service);
    }

    private static async Task<string> SendAsync(HttpClient line, string kind, object body)
    {
        var response = await line.PostAsJsonAsync("/api/messages/" + kind, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{kind}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }

    private static async Task<string> BaileysSendAsync(BaileysPeer baileys, string jid, JsonObject content) =>
        (await baileys.CallAsync(new JsonObject { ["op"] = "send", ["jid"] = jid, ["content"] = content }))["id"]!.GetValue<string>();

    private static async Task<string> PhoneSendAsync(ServiceProcess service, object body, string phone = PhonePeer)
    {
        var sent = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/messages", body);
        var text = await sent.Content.ReadAsStringAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }

    // The messages.received delivery of message msgId, once the receiver has taken it.
    private static Task<JsonNode> WebhookAsync(ReceiverProcess receiver, string msgId) =>
        ApiClients.PollAsync(
            () => Task.FromResult(receiver.Requests()
                .Where(r => r.Accepted && r.Event == "messages.received")
                .Select(r => r.Json["data"]!["messages"]!)
                .FirstOrDefault(m => m["key"]!["id"]!.GetValue<string>() == msgId)),
            $"the webhook of {msgId}");

    private static async Task AssertNoBreachesAsync(ServiceProcess service)
    {
        var rules = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/rules"))!;
        Assert.True(rules["strict"]!.GetValue<bool>());
        // R2 aside: a first message to a stranger carries no cstoken from the engine or Baileys rc14 (Baileys#2446);
        // SendingRuleTests cover R2.
        Assert.All(rules["breaches"]!.AsObject().Where(rule => rule.Key != "R2"), rule => Assert.True(rule.Value!.GetValue<long>() == 0, $"{rule.Key} was broken {rule.Value} times"));
    }
}
