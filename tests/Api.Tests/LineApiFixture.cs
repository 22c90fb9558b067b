using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests;

/// <summary>
/// One service process in sandbox mode shared by the bad-input table, the events and the OpenAPI tests: a line paired
/// to the virtual phone <see cref="OwnerPhone"/> with one message from <see cref="PeerPhone"/> and one to it, a stopped
/// line, a started but unpaired line, and a rotated-away token. Rate limits are raised so the table never meets them.
/// </summary>
public sealed class LineApiFixture : IAsyncLifetime
{
    public const string OwnerPhone = "15550001111";
    public const string PeerPhone = "15550002222";
    public const string PeerJid = PeerPhone + "@s.whatsapp.net";

    private readonly TempFolder _data = new();
    private ServiceProcess? _service;

    internal ServiceProcess Service => _service ?? throw new InvalidOperationException("The fixture has not started.");

    public string DataFolder => _data.Path;

    public long ReadyId { get; private set; }

    public string ReadyToken { get; private set; } = "";

    public long StoppedId { get; private set; }

    public string StoppedToken { get; private set; } = "";

    public string UnpairedToken { get; private set; } = "";

    public string RotatedToken { get; private set; } = "";

    /// <summary>A message the peer sent to the ready line.</summary>
    public string InboundMsgId { get; private set; } = "";

    /// <summary>A message the ready line sent to the peer.</summary>
    public string OwnMsgId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _service = await ServiceProcess.StartAsync(_data.Path, ["--sandbox"], new Dictionary<string, string>
        {
            ["Api__RateLimit__SendsPerSecond"] = "10000",
            ["Api__RateLimit__SendBurst"] = "10000",
            ["Api__RateLimit__RequestsPerSecond"] = "10000",
            ["Api__RateLimit__RequestBurst"] = "10000",
        });
        using var admin = ApiClients.Admin(Service, _data.Path);
        (ReadyId, ReadyToken) = await ApiClients.CreateLineAsync(admin, "ready", start: true);
        await ApiClients.PairAsync(Service, admin, ReadyId, ReadyToken, OwnerPhone);
        await ApiClients.AddPhoneAsync(Service, PeerPhone);
        (StoppedId, StoppedToken) = await ApiClients.CreateLineAsync(admin, "stopped", start: false);
        (_, UnpairedToken) = await ApiClients.CreateLineAsync(admin, "unpaired", start: true);
        var (rotatedId, rotated) = await ApiClients.CreateLineAsync(admin, "rotated", start: false);
        RotatedToken = rotated;
        Assert.True((await admin.PostAsync($"/api/sessions/{rotatedId}/token", null)).IsSuccessStatusCode);

        using var line = ApiClients.Line(Service, ReadyToken);
        var sent = await Service.Http.PostAsJsonAsync($"/sandbox/accounts/{PeerPhone}/messages", new { to = OwnerPhone + "@s.whatsapp.net", text = "hello line" });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        InboundMsgId = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await ApiClients.PollAsync(async () => (await line.GetAsync($"/api/messages/{InboundMsgId}")).IsSuccessStatusCode ? "ok" : null, "the peer's message reaching the line");

        var own = await line.PostAsJsonAsync("/api/messages/send", new { to = PeerJid, text = "hello peer" });
        Assert.True(own.IsSuccessStatusCode, await own.Content.ReadAsStringAsync());
        OwnMsgId = (await own.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _data.Dispose();
    }
}
