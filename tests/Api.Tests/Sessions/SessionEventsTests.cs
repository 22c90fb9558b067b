using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Sessions;

[Collection(LineApiCollection.Name)]
public class SessionEventsTests(LineApiFixture fixture)
{
    [Fact]
    public async Task The_events_stream_opens_with_the_status_and_follows_a_start_to_its_qr()
    {
        using var admin = ApiClients.Admin(fixture.Service, fixture.DataFolder);
        var (id, _) = await ApiClients.CreateLineAsync(admin, "watched", start: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var reader = await EventStreamReader.OpenAsync(admin, id, timeout.Token);

        var (name, data) = await reader.NextAsync(timeout.Token);
        Assert.Equal("status", name);
        Assert.Equal((id, "stopped"), (data["id"]!.GetValue<long>(), data["status"]!.GetValue<string>()));
        Assert.Null(data["from"]);

        Assert.True((await admin.PostAsync($"/api/sessions/{id}/start", null)).IsSuccessStatusCode);
        var seen = new List<string>();
        JsonNode? qr = null;
        while (qr is null)
        {
            (name, data) = await reader.NextAsync(timeout.Token);
            if (name == "qr")
            {
                qr = data;
            }
            else
            {
                Assert.Equal("status", name);
                seen.Add($"{data["from"]!.GetValue<string>()}→{data["status"]!.GetValue<string>()}");
            }
        }

        Assert.True(seen[0] == "stopped→starting" && seen[^1].EndsWith("→scan_qr", StringComparison.Ordinal), string.Join(", ", seen));
        Assert.StartsWith("https://wa.me/settings/linked_devices#", qr["qr"]!.GetValue<string>(), StringComparison.Ordinal);
        // The QR the stream showed is the one GET /qr shows (the service's own follower may record it a moment later).
        await ApiClients.PollAsync(async () =>
        {
            var current = await admin.GetAsync($"/api/sessions/{id}/qr");
            return current.IsSuccessStatusCode && (await current.Content.ReadFromJsonAsync<JsonNode>())!["qr"]!.GetValue<string>() == qr["qr"]!.GetValue<string>() ? "same" : null;
        }, "GET /qr showing the streamed QR");
        Assert.True((await admin.PostAsync($"/api/sessions/{id}/stop", null)).IsSuccessStatusCode);
        (name, data) = await reader.NextAsync(timeout.Token);
        Assert.Equal(("status", "stopped"), (name, data["status"]!.GetValue<string>()));
    }
}
