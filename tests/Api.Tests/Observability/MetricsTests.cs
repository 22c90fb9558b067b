using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Observability;

/// <summary><c>/metrics</c> (CONTRACT §1): Prometheus text, admin key or <c>Metrics__Open=true</c>, figures that follow what the lines do.</summary>
public partial class MetricsTests
{
    private const string Owner = "15550008101";
    private const string Peer = "15550008102";

    [Fact]
    public async Task Metrics_need_the_admin_key_and_count_what_a_line_did()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]);
        using var admin = ApiClients.Admin(service, data.Path);

        var anonymous = await service.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("admin key", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer not-the-key" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Http.SendAsync(wrong)).StatusCode);

        var (id, token) = await ApiClients.CreateLineAsync(admin, "metered", start: true);
        await ApiClients.PairAsync(service, admin, id, token, Owner);
        await ApiClients.AddPhoneAsync(service, Peer);
        using var line = ApiClients.Line(service, token);
        var send = await line.PostAsJsonAsync("/api/messages/send", new { to = Peer, text = "counted" });
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        var msgId = (await send.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await ApiClients.PhoneInboxAsync(service, Peer)).FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId), "the message reaching the phone");
        // The phone's message arrives corrupt once: the line asks again (a retry receipt) and the resend decrypts.
        (await service.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = Owner + ":1@s.whatsapp.net", kind = "corrupt_next", count = 1 })).EnsureSuccessStatusCode();
        var incoming = await service.Http.PostAsJsonAsync($"/sandbox/accounts/{Peer}/messages", new { to = Owner, text = "and back" });
        var theirs = (await incoming.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await line.GetAsync($"/api/messages/{theirs}")).IsSuccessStatusCode ? "stored" : null, "the phone's message stored");

        // The journal's events are taken off the backlog by the webhook dispatcher a moment after they are written
        // (skipped, as this line has no webhook): scrape until that has happened.
        var lineLabel = id.ToString(CultureInfo.InvariantCulture);
        var text = await ApiClients.PollAsync(async () =>
        {
            var answer = await admin.GetAsync("/metrics");
            var scraped = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.IsSuccessStatusCode, scraped);
            Assert.StartsWith("text/plain", answer.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
            return Value(scraped, "waengine_line_webhook_backlog", ("line", lineLabel)) == 0 && Value(scraped, "waengine_line_send_queue", ("line", lineLabel)) == 0 ? scraped : null;
        }, "the backlog and the send queue drained");
        Assert.Equal(1, Value(text, "waengine_lines", ("status", "connected")));
        Assert.Equal(0, Value(text, "waengine_lines", ("status", "failed")));
        Assert.Equal(1, Value(text, "waengine_line_connected", ("line", lineLabel)));
        Assert.Equal(1, Value(text, "waengine_line_messages_sent_total", ("line", lineLabel)));
        Assert.Equal(1, Value(text, "waengine_line_messages_received_total", ("line", lineLabel)));
        Assert.True(Value(text, "waengine_line_frames_received_total", ("line", lineLabel)) >= 3);
        Assert.True(Value(text, "waengine_line_frames_sent_total", ("line", lineLabel)) >= 3);
        Assert.InRange(Value(text, "waengine_line_last_frame_age_seconds", ("line", lineLabel)), 0, 120);
        Assert.Equal(0, Value(text, "waengine_line_webhook_backlog", ("line", lineLabel)));
        Assert.Equal(0, Value(text, "waengine_line_send_queue", ("line", lineLabel)));
        Assert.Equal(1, Value(text, "waengine_line_decrypt_failures_total", ("line", lineLabel)));
        Assert.Equal(1, Value(text, "waengine_line_retry_receipts_sent_total", ("line", lineLabel)));
        Assert.Equal(1, Value(text, "waengine_line_decrypt_recovered_total", ("line", lineLabel)));
        Assert.Equal(0, Value(text, "waengine_line_decrypt_gave_up_total", ("line", lineLabel)));
        Assert.Equal(0, Value(text, "waengine_line_retry_receipts_received_total", ("line", lineLabel)));

        // The process and the runtime are there too, and no phone number is a label anywhere.
        Assert.Contains("process_cpu_time", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Owner, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Peer, text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.PostAsync("/metrics", null)).StatusCode);
    }

    [Fact]
    public async Task Metrics_open_lets_a_scraper_in_without_the_key()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, environment: new Dictionary<string, string> { ["Metrics__Open"] = "true" });

        var answer = await service.Http.GetAsync("/metrics");

        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, text);
        Assert.Equal(0, Value(text, "waengine_lines", ("status", "connected")));
    }

    /// <summary>The value of the one sample of <paramref name="metric"/> that has <paramref name="label"/> (other labels ignored).</summary>
    private static double Value(string exposition, string metric, (string Name, string Value) label)
    {
        var samples = exposition.Split('\n')
            .Select(l => Sample().Match(l))
            .Where(m => m.Success && m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal))
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(samples.Count == 1, $"{samples.Count} samples of {metric}{{{label.Name}=\"{label.Value}\"}} in:\n{exposition}");
        return samples[0];
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>[^ ]+)")]
    private static partial Regex Sample();
}
