using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Proto;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Proto;

/// <summary>
/// Our schemas against Baileys' protobufjs classes (tests/interop/proto-check.mjs): what we encode decodes
/// there to the same JSON (proto3 JSON mapping on both sides), and what Baileys encodes parses here.
/// </summary>
public class ProtoInteropTests
{
    private static readonly Lazy<Task<(JsonNode Answer, Inputs Ours)>> Exchange = new(RunAsync);

    [Fact]
    public async Task Our_registration_payload_decodes_in_baileys_as_we_set_it()
    {
        var (answer, ours) = await Exchange.Value;
        AssertSameJson(ours.Registration, answer["decoded"]!["registration"]);
        AssertSameJson(ours.Builder.BuildDeviceProps(), answer["decoded"]!["deviceProps"]);
        var pairing = answer["decoded"]!["registration"]!["devicePairingData"]!;
        Assert.Equal(Convert.ToBase64String(ours.Keys.IdentityPublicKey), pairing["eIdent"]!.GetValue<string>());
        Assert.Equal("AAAwOQ==", pairing["eRegid"]!.GetValue<string>());
        Assert.Equal("AQAB", pairing["eSkeyId"]!.GetValue<string>());
        Assert.Equal("WEB", answer["decoded"]!["registration"]!["userAgent"]!["platform"]!.GetValue<string>());
    }

    [Fact]
    public async Task Our_login_payload_decodes_in_baileys_as_we_set_it()
    {
        var (answer, ours) = await Exchange.Value;
        AssertSameJson(ours.Login, answer["decoded"]!["login"]);
        Assert.Equal("15551234567", answer["decoded"]!["login"]!["username"]!.GetValue<string>());
        Assert.Equal(3, answer["decoded"]!["login"]!["device"]!.GetValue<int>());
    }

    [Fact]
    public async Task Baileys_registration_and_login_parse_here_and_equal_what_our_builder_makes()
    {
        var (answer, ours) = await Exchange.Value;
        var creds = answer["baileys"]!["creds"]!;
        var keys = new ClientPayloadRegistration(
            creds["registrationId"]!.GetValue<uint>(),
            Bytes(creds["identity"]),
            creds["signedPreKeyId"]!.GetValue<uint>(),
            Bytes(creds["signedPreKeyPublic"]),
            Bytes(creds["signedPreKeySignature"]));
        var registration = ClientPayload.Parser.ParseFrom(Bytes(answer["baileys"]!["registration"]));
        Assert.Equal(ours.Builder.BuildRegistration(keys), registration);
        Assert.True(Curve25519.Verify(registration.DevicePairingData.EIdent.Span, SignalKey.Prefix(registration.DevicePairingData.ESkeyVal.ToByteArray()), registration.DevicePairingData.ESkeySig.Span));
        var props = DeviceProps.Parser.ParseFrom(registration.DevicePairingData.DeviceProps);
        Assert.Equal("Mac OS", props.Os);
        Assert.Equal(DeviceProps.Types.PlatformType.Chrome, props.PlatformType);
        Assert.Equal(10240u, props.HistorySyncConfig.StorageQuotaMb);

        var login = ClientPayload.Parser.ParseFrom(Bytes(answer["baileys"]!["login"]));
        Assert.Equal(ours.Builder.BuildLogin(15551234567, 3), login);
    }

    [Fact]
    public async Task Our_adv_identity_decodes_in_baileys_at_every_level()
    {
        var (answer, ours) = await Exchange.Value;
        AssertSameJson(ours.Adv, answer["decoded"]!["adv"]);
        AssertSameJson(ours.AdvIdentity, answer["decoded"]!["advIdentity"]);
        AssertSameJson(ours.AdvDevice, answer["decoded"]!["advDevice"]);
        Assert.Equal("HOSTED", answer["decoded"]!["adv"]!["accountType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Our_multi_part_message_decodes_in_baileys_as_we_set_it()
    {
        var (answer, ours) = await Exchange.Value;
        AssertSameJson(ours.Message, answer["decoded"]!["message"]);
        Assert.Equal("HISTORY_SYNC_NOTIFICATION", answer["decoded"]!["message"]!["protocolMessage"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Baileys_reaction_edit_revoke_and_reply_messages_parse_here()
    {
        var (answer, _) = await Exchange.Value;
        var baileys = answer["baileys"]!;
        foreach (var name in new[] { "react", "edit", "revoke", "quoted" })
        {
            AssertSameJson(Message.Parser.ParseFrom(Bytes(baileys[name])), answer["baileysJson"]![name]);
        }

        var react = Message.Parser.ParseFrom(Bytes(baileys["react"]));
        Assert.Equal("👍", react.ReactionMessage.Text);
        Assert.Equal("3EB0AABBCCDD", react.ReactionMessage.Key.Id);
        Assert.True(react.ReactionMessage.Key.FromMe);
        Assert.True(react.ReactionMessage.SenderTimestampMs > 1_700_000_000_000);

        var edit = Message.Parser.ParseFrom(Bytes(baileys["edit"]));
        Assert.Equal(Message.Types.ProtocolMessage.Types.Type.MessageEdit, edit.ProtocolMessage.Type);
        Assert.Equal("new text", edit.ProtocolMessage.EditedMessage.ExtendedTextMessage.Text);
        Assert.Equal("15550002222@s.whatsapp.net", edit.ProtocolMessage.Key.RemoteJid);
        Assert.Equal(32, edit.MessageContextInfo.MessageSecret.Length);

        var revoke = Message.Parser.ParseFrom(Bytes(baileys["revoke"]));
        Assert.Equal(Message.Types.ProtocolMessage.Types.Type.Revoke, revoke.ProtocolMessage.Type);
        Assert.True(revoke.ProtocolMessage.HasType);

        var mentions = Message.Parser.ParseFrom(Bytes(baileys["mentions"]));
        Assert.Equal("hi @15550003333", mentions.ExtendedTextMessage.Text);
        Assert.Equal(["15550003333@s.whatsapp.net"], mentions.ExtendedTextMessage.ContextInfo.MentionedJid);

        var quoted = Message.Parser.ParseFrom(Bytes(baileys["quoted"])).ExtendedTextMessage.ContextInfo;
        Assert.Equal("3EB0QUOTED", quoted.StanzaId);
        Assert.Equal("15550004444@s.whatsapp.net", quoted.Participant);
        Assert.Equal("120363000000000001@g.us", quoted.RemoteJid);
        Assert.Equal("the original", quoted.QuotedMessage.Conversation);
        Assert.True(quoted.IsForwarded);
        Assert.Equal(3u, quoted.ForwardingScore);
    }

    private static async Task<(JsonNode, Inputs)> RunAsync()
    {
        var ours = Inputs.Create();
        var request = new JsonObject
        {
            ["registration"] = Hex(ours.Registration.ToByteArray()),
            ["login"] = Hex(ours.Login.ToByteArray()),
            ["adv"] = Hex(ours.Adv.ToByteArray()),
            ["message"] = Hex(ours.Message.ToByteArray()),
        };
        return (await NodePeer.RunAsync("proto-check.mjs", request), ours);
    }

    private static void AssertSameJson(IMessage ours, JsonNode? theirs)
    {
        var expected = JsonNode.Parse(JsonFormatter.Default.Format(ours));
        Assert.True(JsonNode.DeepEquals(expected, theirs), $"ours:   {expected?.ToJsonString()}\ntheirs: {theirs?.ToJsonString()}");
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Bytes(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    private sealed record Inputs(
        ClientPayloadBuilder Builder,
        ClientPayloadRegistration Keys,
        ClientPayload Registration,
        ClientPayload Login,
        ADVSignedDeviceIdentityHMAC Adv,
        ADVSignedDeviceIdentity AdvIdentity,
        ADVDeviceIdentity AdvDevice,
        Message Message)
    {
        public static Inputs Create()
        {
            var builder = new ClientPayloadBuilder(new ClientPayloadOptions());
            var identity = Curve25519.GenerateKeyPair();
            var signedPreKey = Curve25519.GenerateKeyPair();
            var keys = new ClientPayloadRegistration(12345, identity.PublicKey, 0x010001, signedPreKey.PublicKey, Curve25519.Sign(identity.PrivateKey, signedPreKey.SignalPublicKey));

            var device = new ADVDeviceIdentity { RawId = 777, Timestamp = 1_768_000_000, KeyIndex = 4, AccountType = ADVEncryptionType.E2Ee, DeviceType = ADVEncryptionType.Hosted };
            var signed = new ADVSignedDeviceIdentity
            {
                Details = device.ToByteString(),
                AccountSignatureKey = ByteString.CopyFrom(new byte[32].Fill(1)),
                AccountSignature = ByteString.CopyFrom(new byte[64].Fill(2)),
                DeviceSignature = ByteString.CopyFrom(new byte[64].Fill(3)),
            };
            var hmac = new ADVSignedDeviceIdentityHMAC { Details = signed.ToByteString(), Hmac = ByteString.CopyFrom(new byte[32].Fill(4)), AccountType = ADVEncryptionType.Hosted };

            return new Inputs(builder, keys, builder.BuildRegistration(keys), builder.BuildLogin(15551234567, 3), hmac, signed, device, BuildMessage());
        }

        private static Message BuildMessage()
        {
            var key = new MessageKey { RemoteJid = "15550002222@s.whatsapp.net", FromMe = false, Id = "3EB0ABCDEF", Participant = "15550005555@s.whatsapp.net" };
            var context = new ContextInfo
            {
                StanzaId = "3EB0QUOTED",
                Participant = "15550004444@s.whatsapp.net",
                RemoteJid = "120363000000000001@g.us",
                QuotedMessage = new Message { Conversation = "quoted text" },
                IsForwarded = true,
                ForwardingScore = 5,
                Expiration = 604800,
            };
            context.MentionedJid.Add("15550003333@s.whatsapp.net");
            context.MentionedJid.Add("15550006666@s.whatsapp.net");
            return new Message
            {
                Conversation = "plain",
                ExtendedTextMessage = new Message.Types.ExtendedTextMessage { Text = "hello @15550003333", ContextInfo = context, BackgroundArgb = 0xFF00FF00 },
                ImageMessage = new Message.Types.ImageMessage
                {
                    Url = "https://mmg.whatsapp.net/x",
                    Mimetype = "image/jpeg",
                    Caption = "a picture",
                    FileSha256 = ByteString.CopyFrom(new byte[32].Fill(5)),
                    FileLength = 5_000_000_000,
                    Height = 640,
                    Width = 480,
                    MediaKey = ByteString.CopyFrom(new byte[32].Fill(6)),
                    DirectPath = "/v/t62/x",
                    MediaKeyTimestamp = 1_768_000_000,
                },
                ProtocolMessage = new Message.Types.ProtocolMessage
                {
                    Type = Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification,
                    HistorySyncNotification = new Message.Types.HistorySyncNotification
                    {
                        FileSha256 = ByteString.CopyFrom(new byte[32].Fill(7)),
                        FileLength = 1234,
                        SyncType = Message.Types.HistorySyncType.InitialBootstrap,
                        ChunkOrder = 1,
                        Progress = 50,
                        OriginalMessageId = "3EB0HIST",
                    },
                    TimestampMs = 1_768_000_000_123,
                },
                ReactionMessage = new Message.Types.ReactionMessage { Key = key, Text = "❤️", SenderTimestampMs = 1_768_000_000_456 },
                PinInChatMessage = new Message.Types.PinInChatMessage { Key = key, Type = Message.Types.PinInChatMessage.Types.Type.PinForAll, SenderTimestampMs = 1 },
                MessageContextInfo = new MessageContextInfo { MessageSecret = ByteString.CopyFrom(new byte[32].Fill(8)), DeviceListMetadataVersion = 2 },
                DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = "15550002222@s.whatsapp.net", Message = new Message { Conversation = "inner" } },
                EditedMessage = new Message.Types.FutureProofMessage { Message = new Message { Conversation = "edited" } },
                EphemeralMessage = new Message.Types.FutureProofMessage { Message = new Message { Conversation = "ephemeral" } },
                SenderKeyDistributionMessage = new Message.Types.SenderKeyDistributionMessage { GroupId = "120363000000000001@g.us", AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom([0x33, 1, 2]) },
                DocumentMessage = new Message.Types.DocumentMessage { FileName = "a.pdf", Mimetype = "application/pdf", PageCount = 3 },
                AudioMessage = new Message.Types.AudioMessage { Seconds = 12, Ptt = true, Mimetype = "audio/ogg; codecs=opus" },
                VideoMessage = new Message.Types.VideoMessage { Seconds = 30, GifPlayback = true, Caption = "clip" },
                StickerMessage = new Message.Types.StickerMessage { IsAnimated = true, Mimetype = "image/webp" },
            };
        }
    }
}
