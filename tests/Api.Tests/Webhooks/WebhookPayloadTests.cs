using WaEngine.Engine.Session;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Api.Webhooks;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// The payloads against the fixtures in Fixtures/ (shown in the README): what a receiver such as n8n gets for each
/// kind of inbound message and for the other events. A fixture changes only on purpose: a payload that drifts fails here.
/// </summary>
public sealed class WebhookPayloadTests
{
    private static readonly LineId Session = new(8);
    private const string Chat = "15550001111@s.whatsapp.net";
    private static readonly DateTimeOffset Sent = DateTimeOffset.FromUnixTimeSeconds(1_779_285_890);
    private static readonly DateTimeOffset Stored = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);
    private static readonly HashSet<string> All = [.. WebhookPayload.Events];

    public static TheoryData<string> Cases => ["text", "reply", "image", "document", "reaction", "edit", "delete"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_inbound_kind_renders_as_its_fixture(string kind)
    {
        var draft = WebhookPayload.Render(Session, Inbound(kind), All)!;
        Assert.Equal(Chat, draft.ChatKey);
        AssertFixture($"messages.received.{kind}.json", draft.Body);
    }

    [Fact]
    public void Message_and_session_status_render_as_their_fixtures()
    {
        var status = WebhookPayload.Render(Session, new JournalEntry(12, "message.status", Chat, "3EB0C0FFEE000001", "delivery_ack", null, Stored, null), All)!;
        Assert.Equal(Chat, status.ChatKey);
        AssertFixture("message.status.json", status.Body);

        var session = WebhookPayload.Render(Session, new JournalEntry(13, "session.status", null, null, "reconnecting", "stream_error_515", Stored, null), All)!;
        Assert.Equal("", session.ChatKey);
        AssertFixture("session.status.json", session.Body);
    }

    [Fact]
    public void R9_a_temporary_ban_renders_with_its_end_as_until()
    {
        var until = new DateTimeOffset(2026, 5, 20, 16, 5, 0, TimeSpan.Zero);
        var detail = WaEngine.Store.Journal.StatusDetail.Compose("temporarily_banned", until);
        var banned = WebhookPayload.Render(Session, new JournalEntry(14, "session.status", null, null, "failed", detail, Stored, null), All)!;
        AssertFixture("session.status.temporarily_banned.json", banned.Body);
    }

    [Fact]
    public void A_call_renders_as_its_fixture_in_the_callers_queue()
    {
        var call = WebhookPayload.Render(Session, new JournalEntry(14, "call.received", Chat, "A1B2C3D4E5F60718293A4B5C6D7E8F90", "video", "1779285890", Stored, null), All)!;
        Assert.Equal(Chat, call.ChatKey);
        AssertFixture("call.received.json", call.Body);

        var audio = JsonNode.Parse(WebhookPayload.Render(Session, new JournalEntry(15, "call.received", Chat, "C2", "audio", "1779285891", Stored, null), All)!.Body)!["data"]!;
        Assert.False(audio["video"]!.GetValue<bool>());
        Assert.Equal(1779285891, audio["timestamp"]!.GetValue<long>());
    }

    [Fact]
    public void A_presence_update_renders_as_its_fixture_in_the_contacts_queue_and_only_when_asked_for()
    {
        var offline = WebhookPayload.Render(Session, new JournalEntry(16, "presence.update", Chat, null, "unavailable", """{"participant":null,"last_seen":1779285000}""", Stored, null), All)!;
        Assert.Equal(Chat, offline.ChatKey);
        AssertFixture("presence.update.json", offline.Body);

        var typing = JsonNode.Parse(WebhookPayload.Render(Session, new JournalEntry(17, "presence.update", "120363000000000001@g.us", null, "recording", """{"participant":"15550002222@s.whatsapp.net","last_seen":null}""", Stored, null), All)!.Body)!["data"]!;
        Assert.Equal(("recording", "15550002222@s.whatsapp.net"), (typing["state"]!.GetValue<string>(), typing["participant"]!.GetValue<string>()));
        Assert.Null(typing["last_seen"]);
        Assert.Null(WebhookPayload.Render(Session, new JournalEntry(18, "presence.update", Chat, null, "available", null, Stored, null), new HashSet<string> { "messages.received" }));
    }

    [Fact]
    public void The_n8n_item_fixture_is_the_text_payload_as_a_webhook_node_outputs_it()
    {
        // An n8n Webhook node (POST, JSON) turns a delivery into one item: headers in lower case, the parsed body.
        var item = JsonNode.Parse(File.ReadAllText(Fixture("n8n.webhook-item.json")))!.AsArray()[0]!;
        var sent = WebhookPayload.Render(Session, Inbound("text"), All)!.Body;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sent), item["body"]));

        // Independent check of the bytes and the signature: the fixture's compact form (as Python's json module writes
        // it, surrogates upper-cased) signed by `openssl dgst -sha256 -hmac n8n-shared-secret`.
        Assert.Equal(531, sent.Length);
        var headers = item["headers"]!;
        Assert.Equal("messages.received", headers["x-waengine-event"]!.GetValue<string>());
        Assert.Equal(WebhookSender.UserAgent, headers["user-agent"]!.GetValue<string>());
        Assert.Equal(sent.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["content-length"]!.GetValue<string>());
        Assert.Equal(WebhookSignature.Compute("n8n-shared-secret", 1_779_285_900, sent), headers["x-waengine-signature"]!.GetValue<string>());
    }

    [Fact]
    public void Events_the_session_did_not_ask_for_are_skipped()
    {
        Assert.Null(WebhookPayload.Render(Session, Inbound("text"), new HashSet<string> { "session.status" }));
        Assert.Null(WebhookPayload.Render(Session, new JournalEntry(1, "something.new", null, null, null, null, Stored, null), new HashSet<string> { "something.new" }));
    }

    [Fact]
    public void A_message_whose_stored_bytes_do_not_parse_still_goes_out_with_what_is_known()
    {
        var entry = Inbound("text") with { };
        entry = entry with { Message = entry.Message! with { Content = [0xFF, 0xFF, 0xFF], Body = "stored body" } };
        var json = JsonNode.Parse(WebhookPayload.Render(Session, entry, All)!.Body)!["data"]!["messages"]!;
        Assert.Null(json["message"]);
        Assert.Equal("stored body", json["messageBody"]!.GetValue<string>());
        Assert.Equal("3EB0A1B2C3D4E5F60718", json["key"]!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("15550001111@s.whatsapp.net", "15550001111")]
    [InlineData("15550001111:3@s.whatsapp.net", "15550001111")]
    [InlineData("+1 555 000 1111", "15550001111")]
    [InlineData("@lid", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_cleaned_phone_is_the_digits_of_the_user_part(string? jid, string? digits) => Assert.Equal(digits, WebhookPayload.CleanPhone(jid));

    private static JournalEntry Inbound(string kind)
    {
        var (id, type, message, target) = kind switch
        {
            "text" => ("3EB0A1B2C3D4E5F60718", "text", new Message { Conversation = "Hello from the sandbox 👋" }, (string?)null),
            "reply" => ("3EB0A1B2C3D4E5F60719", "text", new Message
            {
                ExtendedTextMessage = new Message.Types.ExtendedTextMessage
                {
                    Text = "Yes, tomorrow at 10",
                    ContextInfo = new ContextInfo { StanzaId = "3EB0C0FFEE000001", Participant = "15550002222@s.whatsapp.net", QuotedMessage = new Message { Conversation = "Can we meet?" } },
                },
            }, "3EB0C0FFEE000001"),
            "image" => ("3EB0A1B2C3D4E5F6071A", "image", new Message
            {
                ImageMessage = new Message.Types.ImageMessage
                {
                    Url = "https://mmg.whatsapp.net/o1/v/t62.7118-24/f1/m232/photo.enc",
                    Mimetype = "image/jpeg",
                    Caption = "The invoice",
                    FileSha256 = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
                    FileLength = 48213,
                    Height = 1280,
                    Width = 960,
                    MediaKey = ByteString.CopyFrom(Enumerable.Range(32, 32).Select(i => (byte)i).ToArray()),
                    DirectPath = "/o1/v/t62.7118-24/f1/m232/photo.enc",
                },
            }, null),
            "document" => ("3EB0A1B2C3D4E5F6071E", "document", new Message
            {
                DocumentWithCaptionMessage = new Message.Types.FutureProofMessage
                {
                    Message = new Message
                    {
                        DocumentMessage = new Message.Types.DocumentMessage
                        {
                            Url = "https://mmg.whatsapp.net/v/t62.7119-24/f2/m238/invoice.enc",
                            Mimetype = "application/pdf",
                            Title = "invoice-0042.pdf",
                            FileSha256 = ByteString.CopyFrom(Enumerable.Range(64, 32).Select(i => (byte)i).ToArray()),
                            FileLength = 182_044,
                            MediaKey = ByteString.CopyFrom(Enumerable.Range(96, 32).Select(i => (byte)i).ToArray()),
                            FileName = "invoice-0042.pdf",
                            DirectPath = "/v/t62.7119-24/f2/m238/invoice.enc",
                            Caption = "Invoice for March",
                        },
                    },
                },
            }, null),
            "reaction" => ("3EB0A1B2C3D4E5F6071B", "reaction", new Message
            {
                ReactionMessage = new Message.Types.ReactionMessage
                {
                    Key = new MessageKey { RemoteJid = Chat, FromMe = true, Id = "3EB0C0FFEE000001" },
                    Text = "👍",
                    SenderTimestampMs = 1_779_285_889_512,
                },
            }, "3EB0C0FFEE000001"),
            "edit" => ("3EB0A1B2C3D4E5F6071C", "edit", new Message
            {
                ProtocolMessage = new Message.Types.ProtocolMessage
                {
                    Key = new MessageKey { RemoteJid = Chat, FromMe = false, Id = "3EB0A1B2C3D4E5F60718" },
                    Type = Message.Types.ProtocolMessage.Types.Type.MessageEdit,
                    EditedMessage = new Message { Conversation = "Hello from the sandbox (edited)" },
                    TimestampMs = 1_779_285_889_000,
                },
            }, "3EB0A1B2C3D4E5F60718"),
            "delete" => ("3EB0A1B2C3D4E5F6071D", "revoke", new Message
            {
                ProtocolMessage = new Message.Types.ProtocolMessage
                {
                    Key = new MessageKey { RemoteJid = Chat, FromMe = false, Id = "3EB0A1B2C3D4E5F60718" },
                    Type = Message.Types.ProtocolMessage.Types.Type.Revoke,
                },
            }, "3EB0A1B2C3D4E5F60718"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such case."),
        };
        var record = new MessageRecord
        {
            MsgId = id,
            ChatJid = Chat,
            FromMe = false,
            SenderJid = Chat,
            SenderPn = Chat,
            SenderLid = "123456789012345@lid",
            Type = type,
            Body = MessageContent.BodyOf(message),
            Content = message.ToByteArray(),
            TargetMsgId = target,
            PushName = "Ana",
            Timestamp = Sent,
            Status = MessageStatus.Received,
        };
        return new JournalEntry(11, "messages.received", Chat, id, null, null, Stored, record);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Webhooks", "Fixtures", name);

    private static void AssertFixture(string name, byte[] body)
    {
        var actual = JsonNode.Parse(body)!;
        if (Environment.GetEnvironmentVariable("WAENGINE_WRITE_WEBHOOK_FIXTURES") == "1")
        {
            // Writes the source fixtures (review the diff before committing): only when a payload change is meant.
            var source = Path.Combine(RepoPaths.Root, "tests", "Api.Tests", "Webhooks", "Fixtures", name);
            File.WriteAllText(source, actual.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            return;
        }

        var expected = JsonNode.Parse(File.ReadAllText(Fixture(name)))!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{name} differs from the payload:\n{Encoding.UTF8.GetString(body)}");
    }
}
