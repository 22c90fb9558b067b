using System.Net;
using System.Net.Http.Json;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Protocol;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Protocol;

public class FaultInjectorTests
{
    [Fact]
    public async Task An_armed_error_ack_answers_the_next_message_to_someone_else_and_routes_nothing()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222" });
        var alice = (await sandbox.Runtime.Accounts.FindAsync("15550001111", CancellationToken.None))!;
        var armed = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = "15550001111@s.whatsapp.net", kind = "error_ack", code = 463, count = 1 });
        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);

        var acks = new List<Node>();
        async Task SendAsync(string id, string to)
        {
            var message = new Node("message", NodeAttributes.Of(("to", to), ("id", id), ("type", "text")), [new Node("participants", null, [])]);
            await sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(alice, 0), message, acks.Add, CancellationToken.None);
        }

        await SendAsync("OWN1", "15550001111@s.whatsapp.net");
        await SendAsync("ERR1", "15550002222@s.whatsapp.net");
        await SendAsync("OK1", "15550002222@s.whatsapp.net");

        Assert.Equal(["OWN1", "ERR1", "OK1"], acks.Select(a => a.Attr("id")));
        Assert.All(acks, a => Assert.Equal("message", a.Attr("class")));
        Assert.Null(acks[0].Attr("error"));
        Assert.Equal("463", acks[1].Attr("error"));
        Assert.Null(acks[2].Attr("error"));
    }

    [Theory]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"explode\"}", 400, "kind")]
    [InlineData("{\"device_jid\":\"nope\",\"kind\":\"drop\"}", 400, "device_jid")]
    [InlineData("{\"device_jid\":\"19999999999:1@s.whatsapp.net\",\"kind\":\"delay\",\"ms\":10}", 404, "device_jid")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"drop\"}", 409, "device_jid")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"malformed_node\"}", 409, "device_jid")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"oversized_frame\"}", 409, "device_jid")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"unknown_stanza\"}", 409, "device_jid")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"delay\",\"ms\":-5}", 400, "ms")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"error_ack\",\"code\":\"soon\"}", 400, "code")]
    [InlineData("{\"device_jid\":\"15550001111@s.whatsapp.net\",\"kind\":\"corrupt_next\",\"code\":\"conflict\"}", 400, "code")]
    public async Task Bad_fault_requests_say_what_is_wrong(string body, int status, string param)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" });
        var response = await sandbox.Http.PostAsync("/sandbox/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(param, (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["param"]!.GetValue<string>());
    }
}
