using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Control;

public class ControlEndpointsTests
{
    [Fact]
    public async Task Info_publishes_the_websocket_root_key_and_media_host()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        var info = await sandbox.GetJsonAsync("/sandbox/info");
        Assert.EndsWith("/sandbox/ws/chat", info["ws_url"]!.GetValue<string>());
        Assert.StartsWith("ws://127.0.0.1:", info["ws_url"]!.GetValue<string>());
        Assert.Equal(sandbox.Runtime.RootKey.PublicKey, Convert.FromBase64String(info["root_public_key"]!.GetValue<string>()));
        Assert.StartsWith("https://127.0.0.1:", info["media_url"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", info["media_ca_pem"]!.GetValue<string>());

        var atRoot = await sandbox.GetJsonAsync("/info");
        Assert.EndsWith("/ws/chat", atRoot["ws_url"]!.GetValue<string>());
        Assert.DoesNotContain("/sandbox/", atRoot["ws_url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accounts_are_created_listed_and_keep_their_identity_across_a_restart()
    {
        using var data = new TempFolder();
        string lid;
        byte[] root;
        await using (var sandbox = await RunningSandbox.StartAsync(data.Path))
        {
            var created = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "+1 555-000-1111", push_name = "Alice" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.Equal("15550001111", body["phone"]!.GetValue<string>());
            Assert.Equal("15550001111@s.whatsapp.net", body["jid"]!.GetValue<string>());
            lid = body["lid"]!.GetValue<string>();
            Assert.Matches("^[1-9][0-9]{14}@lid$", lid);

            var second = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222", addressing = "lid" });
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            root = sandbox.Runtime.RootKey.PublicKey;
        }

        await using (var restarted = await RunningSandbox.StartAsync(data.Path))
        {
            Assert.Equal(root, restarted.Runtime.RootKey.PublicKey);
            var list = (await restarted.GetJsonAsync("/sandbox/accounts")).AsArray();
            Assert.Equal(2, list.Count);
            Assert.Equal(lid, list[0]!["lid"]!.GetValue<string>());
            Assert.Equal(["15550001111@s.whatsapp.net"], list[0]!["devices"]!.AsArray().Select(d => d!.GetValue<string>()));
            Assert.Equal(["15550001111@s.whatsapp.net"], list[0]!["reachable"]!.AsArray().Select(d => d!.GetValue<string>()));
            var account = await restarted.Runtime.Accounts.FindAsync("15550002222", CancellationToken.None);
            Assert.Equal(WaEngine.Sandbox.Accounts.AddressingMode.Lid, account!.Addressing);
        }
    }

    [Theory]
    [InlineData("{\"phone\":", 400, null, "not valid JSON")]
    [InlineData("null", 400, null, "not null")]
    [InlineData("{}", 400, "phone", "required")]
    [InlineData("{\"phone\":\"12ab\"}", 400, "phone", "contains 'a'")]
    [InlineData("{\"phone\":\"123\"}", 400, "phone", "6 to 15 digits")]
    [InlineData("{\"phone\":\"05550001111\"}", 400, "phone", "not start with 0")]
    [InlineData("{\"phone\":\"15550003333\",\"addressing\":\"email\"}", 400, "addressing", "\"pn\" or \"lid\"")]
    [InlineData("{\"phone\":15550003333}", 400, null, "not valid JSON")]
    public async Task Bad_account_requests_get_a_sentence_and_the_field(string json, int status, string? param, string fragment)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);

        var response = await sandbox.Http.PostAsync("/sandbox/accounts", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Contains(fragment, error["error"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"to\":\"15550002222\",\"message_base64\":\"not base64!\"}", "message_base64", "not base64")]
    [InlineData("{\"to\":\"15550002222\",\"message_base64\":\"\"}", "message_base64", "1 to 65536 bytes")]
    [InlineData("{\"to\":\"15550002222\",\"message_base64\":\"/w==\"}", "message_base64", "not a protobuf message")]
    [InlineData("{\"to\":\"15550002222\",\"text\":\"hi\",\"message_base64\":\"CgJoaQ==\"}", "message_base64", "exactly one of")]
    public async Task Bad_raw_phone_messages_get_a_sentence_and_the_field(string json, string param, string fragment)
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" });
        await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550002222" });

        var response = await sandbox.Http.PostAsync("/sandbox/accounts/15550001111/messages", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.Contains(fragment, error["error"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());

        // A well-formed one, of a field no protobuf here names, goes: the recipient's phone holds it.
        var sent = await sandbox.Http.PostAsync("/sandbox/accounts/15550001111/messages", new StringContent("{\"to\":\"15550002222\",\"message_base64\":\"sgkECgJoaQ==\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }

    [Fact]
    public async Task Concurrent_creations_of_one_number_make_one_account_and_conflicts()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550004444" })));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_number_that_exists_is_a_conflict()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        Assert.Equal(HttpStatusCode.Created, (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "15550001111" })).StatusCode);

        var again = await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = "+15550001111" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("exists already", (await again.Content.ReadFromJsonAsync<JsonNode>())!["error"]!.GetValue<string>());
    }
}
