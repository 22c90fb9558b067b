using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Control;

/// <summary>The control API's parts for bench/: <c>POST /sandbox/load</c> (phones sending at a rate), <c>GET …/iqs</c> and <c>POST /sandbox/arrivals</c>.</summary>
public sealed class BenchControlEndpointsTests(BenchControlEndpointsTests.Fixture fixture) : IClassFixture<BenchControlEndpointsTests.Fixture>
{
    private readonly RunningSandbox _sandbox = fixture.Sandbox;

    /// <summary>One sandbox for the class, with three virtual phones.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempFolder _data = new();

        public RunningSandbox Sandbox { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Sandbox = await RunningSandbox.StartAsync(_data.Path);
            foreach (var phone in new[] { "15550301001", "15550301002", "15550301003" })
            {
                (await Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode();
            }
        }

        public async Task DisposeAsync()
        {
            await Sandbox.DisposeAsync();
            _data.Dispose();
        }
    }

    [Fact]
    public async Task A_load_run_sends_rate_times_seconds_texts_round_the_pairs_and_notes_when_each_was_routed()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var answer = await _sandbox.Http.PostAsJsonAsync("/sandbox/load", new
        {
            pairs = new[] { new { from = "15550301001", to = "15550301003" }, new { from = "15550301002", to = "15550301003@s.whatsapp.net" } },
            rate = 20,
            seconds = 0.5,
        });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var run = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + 1000;
        Assert.Equal(10, run["sent"]!.GetValue<int>());
        Assert.Empty(run["errors"]!.AsArray());
        var messages = run["messages"]!.AsArray();
        Assert.Equal(10, messages.Count);
        Assert.All(messages, m => Assert.InRange(m!["routed_at_us"]!.GetValue<long>(), before, after));
        Assert.True(run["latest_routed_ms"]!.GetValue<double>() >= 0);
        Assert.True(run["prepare_ms"]!.GetValue<double>() >= 0);
        Assert.True(run["cpu_ms"]!.GetValue<double>() > 0);

        // The recipient's phone takes its copies after the acks, on its own time: wait until it has them all.
        var ids = messages.Select(m => m!["msg_id"]!.GetValue<string>()).ToList();
        HashSet<string> inbox = [];
        for (var until = DateTime.UtcNow + TimeSpan.FromMinutes(2); !ids.All(inbox.Contains) && DateTime.UtcNow < until; await Task.Delay(50))
        {
            inbox = (await _sandbox.GetJsonAsync("/sandbox/accounts/15550301003/messages")).AsArray()
                .Select(m => m!["msg_id"]!.GetValue<string>()).ToHashSet();
        }

        Assert.All(ids, id => Assert.Contains(id, inbox));
    }

    [Theory]
    [InlineData("{\"rate\":10,\"seconds\":1}", 400, "pairs")]
    [InlineData("{\"pairs\":[],\"rate\":10,\"seconds\":1}", 400, "pairs")]
    [InlineData("{\"pairs\":[{\"from\":\"15550301001\",\"to\":\"15550301002\"}],\"rate\":0,\"seconds\":1}", 400, "rate")]
    [InlineData("{\"pairs\":[{\"from\":\"15550301001\",\"to\":\"15550301002\"}],\"rate\":10}", 400, "seconds")]
    [InlineData("{\"pairs\":[{\"from\":\"15550301001\",\"to\":\"15550301002\"}],\"rate\":5000,\"seconds\":600}", 400, "seconds")]
    [InlineData("{\"pairs\":[{\"from\":\"15559999999\",\"to\":\"15550301002\"}],\"rate\":10,\"seconds\":1}", 404, "pairs")]
    [InlineData("{\"pairs\":[{\"from\":\"15550301001\",\"to\":\"15559999999\"}],\"rate\":10,\"seconds\":1}", 404, "pairs")]
    [InlineData("{\"pairs\":", 400, null)]
    public async Task A_bad_load_run_is_refused_with_the_field_named_and_nothing_sent(string body, int status, string? param)
    {
        var answer = await _sandbox.Http.PostAsync("/sandbox/load", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)answer.StatusCode);
        var error = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(string.IsNullOrWhiteSpace(error["error"]?.GetValue<string>()));
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Empty((await _sandbox.GetJsonAsync("/sandbox/accounts/15550301002/messages")).AsArray());
    }

    [Fact]
    public async Task The_iq_count_of_an_unknown_account_is_a_404_and_of_a_quiet_one_empty()
    {
        var unknown = await _sandbox.Http.GetAsync("/sandbox/accounts/15559999999/iqs");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty((await _sandbox.GetJsonAsync("/sandbox/accounts/15550301001/iqs")).AsObject());
    }

    [Fact]
    public async Task Arrivals_name_the_awaited_messages_their_phones_received_and_only_at_the_phone_asked()
    {
        var sent = await _sandbox.Http.PostAsJsonAsync("/sandbox/accounts/15550301003/messages", new { to = "15550301001", text = "awaited" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var id = (await sent.Content.ReadFromJsonAsync<JsonObject>())!["msg_id"]!.GetValue<string>();

        var answer = await _sandbox.Http.PostAsJsonAsync("/sandbox/arrivals", new
        {
            messages = new[]
            {
                new { phone = "15550301001", msg_id = id },
                new { phone = "15550301003", msg_id = id },
                new { phone = "15550301001", msg_id = "3EB0NOTSENT" },
            },
        });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var arrived = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["arrived"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal([id], arrived);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"messages\":[]}")]
    [InlineData("{\"messages\":[{\"phone\":\"15550301001\"}]}")]
    [InlineData("{\"messages\":[{\"phone\":\"\",\"msg_id\":\"3EB0AA\"}]}")]
    public async Task An_arrivals_query_without_messages_is_refused_naming_the_field(string body)
    {
        var answer = await _sandbox.Http.PostAsync("/sandbox/arrivals", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("messages", (await answer.Content.ReadFromJsonAsync<JsonObject>())!["param"]?.GetValue<string>());
    }
}
