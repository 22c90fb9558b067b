using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Media;
using WaEngine.Engine.Media.Retry;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Tests.Crypto;
using WaEngine.Proto;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Media;

/// <summary>
/// The media retry's crypto and stanzas against Baileys' own encryptMediaRetryRequest and decryptMediaRetryData, and
/// the wait for the phone's answer: success, not on the phone (both forms), a request that did not decrypt, no answer.
/// </summary>
public class MediaRetryTests
{
    private static readonly byte[] MediaKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Baileys_request_decrypts_with_ours_and_our_answer_decrypts_with_Baileys()
    {
        var request = (await Interop.CallAsync("media-retry-request", [new JsonObject
        {
            ["id"] = "3EB0AA11", ["chat"] = "15550001111@s.whatsapp.net", ["fromMe"] = false, ["mediaKey"] = Interop.Hex(MediaKey), ["me"] = "15550002222:7@s.whatsapp.net",
        }]))[0]!;
        Assert.Equal("server-error", request["attrs"]!["type"]!.GetValue<string>());
        Assert.Equal("15550002222@s.whatsapp.net", request["attrs"]!["to"]!.GetValue<string>());
        Assert.Equal("false", request["rmr"]!["from_me"]!.GetValue<string>());
        var decrypted = MediaRetryCipher.DecryptRequest(MediaKey, "3EB0AA11", Interop.Bytes(request["ciphertext"]), Interop.Bytes(request["iv"]));
        Assert.Equal("3EB0AA11", decrypted?.StanzaId);
        Assert.Null(MediaRetryCipher.DecryptRequest(MediaKey, "3EB0AA12", Interop.Bytes(request["ciphertext"]), Interop.Bytes(request["iv"])));

        var (ciphertext, iv) = MediaRetryCipher.EncryptAnswer(MediaKey, "3EB0AA11", new MediaRetryNotification
        {
            StanzaId = "3EB0AA11", DirectPath = "/v/t62/new", Result = MediaRetryNotification.Types.ResultType.Success,
        });
        var answers = await Interop.CallAsync("media-retry-answer", [
            new JsonObject { ["id"] = "3EB0AA11", ["mediaKey"] = Interop.Hex(MediaKey), ["ciphertext"] = Interop.Hex(ciphertext), ["iv"] = Interop.Hex(iv) },
            new JsonObject { ["id"] = "3EB0AA11", ["mediaKey"] = Interop.Hex(RandomNumberGenerator.GetBytes(32)), ["ciphertext"] = Interop.Hex(ciphertext), ["iv"] = Interop.Hex(iv) },
        ]);
        Assert.Equal("/v/t62/new", answers[0]!["directPath"]!.GetValue<string>());
        Assert.Equal(1, answers[0]!["result"]!.GetValue<int>());
        Assert.NotNull(answers[1]!["error"]);
    }

    [Fact]
    public void Our_request_has_the_reference_shape_and_decrypts()
    {
        var (ciphertext, iv) = MediaRetryCipher.EncryptRequest(MediaKey, "ABC");
        Assert.Equal(MediaRetryCipher.IvLength, iv.Length);
        var node = MediaRetryStanzas.BuildRequest("ABC", "15550002222@s.whatsapp.net", "123@g.us", false, "15550001111@s.whatsapp.net", ciphertext, iv);
        Assert.Equal(("receipt", "server-error", "15550002222@s.whatsapp.net"), (node.Tag, node.Attr("type"), node.Attr("to")));
        Assert.Equal("15550001111@s.whatsapp.net", node.Child("rmr")!.Attr("participant"));
        var encrypt = node.Child("encrypt")!;
        Assert.Equal("ABC", MediaRetryCipher.DecryptRequest(MediaKey, "ABC", encrypt.Child("enc_p")!.Bytes.Span, encrypt.Child("enc_iv")!.Bytes.Span)?.StanzaId);
    }

    [Fact]
    public async Task A_success_answer_ends_the_wait_with_the_new_direct_path()
    {
        var retries = new MediaRetries();
        Node? sent = null;
        var target = new MediaRetryTarget("M1", "1@s.whatsapp.net", false, null, MediaKey);
        var waiting = retries.RequestAsync((node, _) => { sent = node; return ValueTask.CompletedTask; }, "2@s.whatsapp.net", target, TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None);
        Assert.NotNull(sent);
        Assert.Equal(1, retries.Waiting);
        Assert.False(retries.Offer(new MediaRetryAnswer("OTHER", "1@s.whatsapp.net", false, null, null, 2)));

        var (ciphertext, iv) = MediaRetryCipher.EncryptAnswer(MediaKey, "M1", new MediaRetryNotification { StanzaId = "M1", DirectPath = "/v/x", Result = MediaRetryNotification.Types.ResultType.Success });
        var notification = MediaRetryStanzas.BuildAnswer("M1", "2@s.whatsapp.net", "1@s.whatsapp.net", false, null, 1, ciphertext, iv, null);
        Assert.True(retries.Offer(MediaRetryStanzas.ParseAnswer(notification)));
        Assert.Equal("/v/x", (await waiting).DirectPath);
        Assert.Equal(0, retries.Waiting);
    }

    [Theory]
    [InlineData("error-2", MediaErrorCodes.NotOnPhone)]
    [InlineData("not-found", MediaErrorCodes.NotOnPhone)]
    [InlineData("decryption-error", MediaErrorCodes.RetryUnreadable)]
    [InlineData("error-7", MediaErrorCodes.RetryUnreadable)]
    [InlineData("wrong-key", MediaErrorCodes.RetryUnreadable)]
    [InlineData("success-without-path", MediaErrorCodes.RetryUnreadable)]
    public async Task A_failed_answer_is_a_clear_error(string answer, string code)
    {
        var retries = new MediaRetries();
        var target = new MediaRetryTarget("M2", "1@s.whatsapp.net", false, null, MediaKey);
        var waiting = retries.RequestAsync((_, _) => ValueTask.CompletedTask, "2@s.whatsapp.net", target, TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None);
        MediaRetryNotification Result(MediaRetryNotification.Types.ResultType result) => new() { StanzaId = "M2", Result = result };
        var (ciphertext, iv) = answer switch
        {
            "not-found" => MediaRetryCipher.EncryptAnswer(MediaKey, "M2", Result(MediaRetryNotification.Types.ResultType.NotFound)),
            "decryption-error" => MediaRetryCipher.EncryptAnswer(MediaKey, "M2", Result(MediaRetryNotification.Types.ResultType.DecryptionError)),
            "wrong-key" => MediaRetryCipher.EncryptAnswer(RandomNumberGenerator.GetBytes(32), "M2", Result(MediaRetryNotification.Types.ResultType.Success)),
            "success-without-path" => MediaRetryCipher.EncryptAnswer(MediaKey, "M2", Result(MediaRetryNotification.Types.ResultType.Success)),
            _ => (null, null),
        };
        int? error = answer.StartsWith("error-", StringComparison.Ordinal) ? int.Parse(answer[6..], System.Globalization.CultureInfo.InvariantCulture) : null;
        Assert.True(retries.Offer(MediaRetryStanzas.ParseAnswer(MediaRetryStanzas.BuildAnswer("M2", "2@s.whatsapp.net", "1@s.whatsapp.net", false, null, 1, ciphertext, iv, error))));
        var refused = await Assert.ThrowsAsync<MediaException>(() => waiting);
        Assert.Equal(code, refused.Code);
        Assert.Contains("M2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_retry_timeout()
    {
        var clock = new ManualTimeProvider();
        var retries = new MediaRetries();
        var waiting = retries.RequestAsync((_, _) => ValueTask.CompletedTask, "2@s.whatsapp.net", new MediaRetryTarget("M3", "1@s.whatsapp.net", true, null, MediaKey), TimeSpan.FromSeconds(30), clock, CancellationToken.None);
        await clock.TimerDueAsync(TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(31));
        var refused = await Assert.ThrowsAsync<MediaException>(() => waiting);
        Assert.Equal(MediaErrorCodes.RetryTimeout, refused.Code);
        Assert.Equal(0, retries.Waiting);
    }

    [Fact]
    public void A_notification_without_rmr_or_payload_is_malformed()
    {
        Assert.Throws<StanzaException>(() => MediaRetryStanzas.ParseAnswer(new Node("notification", NodeAttributes.Of(("id", "X"), ("type", "mediaretry")))));
        Assert.Throws<StanzaException>(() => MediaRetryStanzas.ParseAnswer(new Node("notification", NodeAttributes.Of(("id", "X"), ("type", "mediaretry")),
            [new Node("rmr", NodeAttributes.Of(("jid", "1@s.whatsapp.net"), ("from_me", "false")))])));
    }
}
