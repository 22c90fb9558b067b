using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Pairing;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Session;

public sealed class StanzaRouterTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private LineDatabase _database = null!;

    private static readonly LineOptions Options = new() { ServerUrl = new Uri("ws://127.0.0.1:1/"), TrustedRootKey = new byte[32] };

    // Every top-level stanza the sandbox sends a companion (src/Sandbox: login, pairing, routing, faults), and the end
    // of the stream the transport reports as a node.
    public static TheoryData<string> SandboxTags => new() { "iq", "success", "failure", "stream:error", "xmlstreamend", "notification", "message", "receipt", "ack", "ib" };

    [Theory]
    [MemberData(nameof(SandboxTags))]
    public void Every_tag_the_sandbox_sends_has_a_handler(string tag) => Assert.Contains(tag, Router().Tags);

    [Fact]
    public void The_server_iqs_and_notifications_the_sandbox_sends_have_handlers()
    {
        var router = Router();
        Assert.Contains(("get", "ping"), router.IqKinds);
        Assert.Contains(("set", "pair-device"), router.IqKinds);
        Assert.Contains(("set", "pair-success"), router.IqKinds);
        Assert.Contains("devices", router.NotificationTypes);
        Assert.Contains("link_code_companion_reg", router.NotificationTypes);
        Assert.Contains("encrypt", router.NotificationTypes);
    }

    [Fact]
    public async Task A_stanza_nobody_handles_is_acked_with_its_attributes_echoed()
    {
        var call = new Node("call", NodeAttributes.Of(("id", "C1"), ("from", "15550001111@s.whatsapp.net"), ("type", "offer"), ("t", "1700000000")));
        var outcome = await Router().RouteAsync(call, Context());

        var ack = Assert.Single(outcome.Replies);
        Assert.Equal("ack", ack.Tag);
        Assert.Equal("C1", ack.Attr("id"));
        Assert.Equal("call", ack.Attr("class"));
        Assert.Equal("15550001111@s.whatsapp.net", ack.Attr("to"));
        Assert.Equal("offer", ack.Attr("type"));
        Assert.Null(outcome.Decision);
    }

    [Fact]
    public async Task An_unknown_notification_is_acked_with_participant_and_recipient()
    {
        var notification = new Node("notification", NodeAttributes.Of(
            ("id", "N7"), ("from", "120363000000000000@g.us"), ("type", "w:gp2"), ("participant", "15550002222@s.whatsapp.net"), ("recipient", "15550001111@s.whatsapp.net")));
        var outcome = await Router().RouteAsync(notification, Context());

        var ack = Assert.Single(outcome.Replies);
        Assert.Equal(("N7", "notification", "w:gp2"), (ack.Attr("id"), ack.Attr("class"), ack.Attr("type")));
        Assert.Equal("120363000000000000@g.us", ack.Attr("to"));
        Assert.Equal("15550002222@s.whatsapp.net", ack.Attr("participant"));
        Assert.Equal("15550001111@s.whatsapp.net", ack.Attr("recipient"));
    }

    [Fact]
    public async Task A_known_notification_is_acked_before_its_handler_answers()
    {
        var devices = new Node("notification", NodeAttributes.Of(("id", "D1"), ("from", "15550002222@s.whatsapp.net"), ("type", "devices")));
        var outcome = await Router().RouteAsync(devices, Context());

        Assert.Equal("ack", outcome.Replies[0].Tag);
        Assert.Equal("devices", outcome.Replies[0].Attr("type"));
    }

    [Fact]
    public async Task A_stanza_its_handler_finds_malformed_is_still_acked()
    {
        StanzaHandler refuses = (node, _) => throw new StanzaException($"<{node.Tag}> lacks a child it needs.");
        var router = new StanzaRouter(
            new Dictionary<string, StanzaHandler> { ["call"] = refuses },
            new Dictionary<(string Type, string Child), StanzaHandler>(),
            new Dictionary<string, StanzaHandler> { ["encrypt"] = refuses },
            NullLogger.Instance);

        var notification = new Node("notification", NodeAttributes.Of(("id", "L1"), ("from", "s.whatsapp.net"), ("type", "encrypt")));
        var ack = Assert.Single((await router.RouteAsync(notification, Context())).Replies);
        Assert.Equal(("L1", "notification", "encrypt"), (ack.Attr("id"), ack.Attr("class"), ack.Attr("type")));

        var call = new Node("call", NodeAttributes.Of(("id", "C9"), ("from", "15550001111@s.whatsapp.net")));
        Assert.Equal(("C9", "call"), (Assert.Single((await router.RouteAsync(call, Context())).Replies).Attr("id"), "call"));
    }

    [Fact]
    public async Task An_ack_without_id_or_an_ib_is_not_answered()
    {
        var router = Router();
        Assert.Empty((await router.RouteAsync(new Node("ib", null, [new Node("offline")]), Context())).Replies);
        Assert.Empty((await router.RouteAsync(new Node("something-new"), Context())).Replies);
    }

    [Fact]
    public async Task Stream_errors_become_decisions()
    {
        var router = Router();
        async Task<LineDecision?> DecisionFor(Node node) => (await router.RouteAsync(node, Context())).Decision;

        Assert.IsType<LineDecision.RestartNow>(await DecisionFor(new Node("stream:error", NodeAttributes.Of(("code", "515")))));
        Assert.Equal(new LineDecision.Failed("replaced"), await DecisionFor(new Node("stream:error", null, [new Node("conflict", NodeAttributes.Of(("type", "replaced")))])));
        Assert.Equal(new LineDecision.LoggedOut("failure_401"), await DecisionFor(new Node("failure", NodeAttributes.Of(("reason", "401")))));
        Assert.Equal(new LineDecision.Reconnect("failure_500"), await DecisionFor(new Node("failure", NodeAttributes.Of(("reason", "500")))));
        Assert.Equal(new LineDecision.Reconnect("stream_end"), await DecisionFor(new Node("xmlstreamend")));
    }

    [Theory]
    [InlineData("401", "LoggedOut", "failure_401")]
    [InlineData("403", "LoggedOut", "banned")]
    [InlineData("406", "LoggedOut", "banned")]
    [InlineData("405", "ClientOutdated", "client_outdated")]
    [InlineData("409", "Failed", "bad_user_agent")]
    [InlineData("400", "Failed", "failure_400")]
    [InlineData("500", "Reconnect", "failure_500")]
    [InlineData("503", "Reconnect", "failure_503")]
    public async Task R9_failure_codes_decide_whether_to_come_back(string reason, string kind, string why)
    {
        var decision = (await Router().RouteAsync(new Node("failure", NodeAttributes.Of(("reason", reason))), Context())).Decision;
        Assert.NotNull(decision);
        Assert.Equal(kind, decision.GetType().Name);
        Assert.Equal(why, decision.Reason);
    }

    [Theory]
    [InlineData("7200", "101", 7200.0)]
    [InlineData(null, "101", null)]
    [InlineData("-5", null, null)]
    [InlineData("soon", null, null)]
    public async Task R9_a_402_carries_its_code_and_expire_in_seconds_and_a_missing_or_wrong_expire_names_no_end(string? expire, string? code, double? seconds)
    {
        var attributes = new List<(string, string)> { ("reason", "402") };
        if (expire is not null)
        {
            attributes.Add(("expire", expire));
        }

        if (code is not null)
        {
            attributes.Add(("code", code));
        }

        var decision = (await Router().RouteAsync(new Node("failure", NodeAttributes.Of([.. attributes])), Context())).Decision;
        Assert.Equal(new LineDecision.TemporarilyBanned("temporarily_banned", seconds is { } s ? TimeSpan.FromSeconds(s) : null, code), decision);
    }

    [Fact]
    public async Task R12_a_passkey_request_while_linking_fails_the_line_with_passkey_required_and_is_ignored_once_paired()
    {
        var request = new Node("notification", NodeAttributes.Of(("from", "@s.whatsapp.net"), ("type", "passkey_prologue_request"), ("id", "p1")), [new Node("passkey_request_options", null, "{}"u8.ToArray())]);
        var unpaired = await PairingHandler.RegisterAsync(new InMemoryCredentialStore(), new InMemorySignalStore(), CancellationToken.None);
        var linking = new LineContext(new LineId(1), LineStatus.ScanQr, unpaired, LineLink.None, CancellationToken.None);

        Assert.Equal(new LineDecision.Failed("passkey_required"), (await Router().RouteAsync(request, linking)).Decision);
        Assert.Null((await Router().RouteAsync(request, Context())).Decision);
    }

    public async Task InitializeAsync() => _database = await LineDatabase.OpenAsync(Path.Combine(_folder.Path, "line.db"), CancellationToken.None);

    public Task DisposeAsync()
    {
        _database.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static LineContext Context() => new(new LineId(1), LineStatus.Connected, null, LineLink.None, CancellationToken.None);

    private StanzaRouter Router() =>
        LineParts.Compose(new LineId(1), Options, new SqliteCredentialStore(_database), new SqliteSignalStore(_database), new SqliteMessageStore(_database), null, new LineEventHub(), TimeProvider.System, NullLogger.Instance).Router;
}
