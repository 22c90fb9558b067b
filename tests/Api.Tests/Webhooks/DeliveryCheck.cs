using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// What a receiver's record must show after a run: every message accepted at least once, every request signed and
/// well-formed, the same bytes under one delivery id, and per chat no message sent before the one before it was
/// accepted. Returns the figures for the test's report.
/// </summary>
internal static class DeliveryCheck
{
    public static DeliveryFigures Verify(IReadOnlyList<ReceivedRequest> requests, IReadOnlyDictionary<string, List<string>> sentPerChat, string? secret)
    {
        var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var acceptedRequests = 0;
        var position = sentPerChat.SelectMany(c => c.Value.Select((id, i) => (id, chat: c.Key, i))).ToDictionary(x => x.id, x => (x.chat, x.i), StringComparer.Ordinal);
        var acceptedUpTo = sentPerChat.Keys.ToDictionary(c => c, _ => -1, StringComparer.Ordinal);
        foreach (var request in requests)
        {
            Assert.Equal("application/json", request.ContentType);
            var json = request.Json;
            Assert.Equal(request.Event, json["event"]!.GetValue<string>());
            if (secret is not null)
            {
                Assert.True(request.SignatureValid(secret), $"bad signature on {request.Delivery}");
            }
            else
            {
                Assert.Equal("", request.Signature);
            }

            if (bodies.TryGetValue(request.Delivery, out var first))
            {
                Assert.True(first.AsSpan().SequenceEqual(request.Body), $"{request.Delivery} was sent with different bytes");
            }
            else
            {
                bodies[request.Delivery] = request.Body;
            }

            if (request.Event != "messages.received")
            {
                continue;
            }

            var id = json["data"]!["messages"]!["key"]!["id"]!.GetValue<string>();
            var (chat, index) = position[id];
            Assert.True(index <= acceptedUpTo[chat] + 1, $"{id} (#{index} of {chat}) arrived before #{acceptedUpTo[chat] + 1} was accepted");
            if (request.Accepted)
            {
                acceptedRequests++;
                accepted.Add(id);
                acceptedUpTo[chat] = Math.Max(acceptedUpTo[chat], index);
            }
        }

        var missing = position.Keys.Where(id => !accepted.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} messages never accepted, e.g. {string.Join(", ", missing.Take(5))}");
        var ids = requests.Where(r => r.Event == "messages.received").GroupBy(r => r.Delivery).ToList();
        Assert.Equal(position.Count, ids.Count);
        return new DeliveryFigures(position.Count, requests.Count, acceptedRequests - accepted.Count, requests.Count(r => r.Outcome == "fail"), requests.Count(r => r.Outcome == "slow"));
    }

    public static string MessageIdOf(JsonNode body) => body["data"]!["messages"]!["key"]!["id"]!.GetValue<string>();
}

/// <summary>The figures of one run.</summary>
internal sealed record DeliveryFigures(int Messages, int Requests, int Duplicates, int Answered500, int Stalled)
{
    public override string ToString() =>
        $"{Messages} messages, {Requests} requests, {Duplicates} duplicate deliveries (same id), {Answered500} answered 500, {Stalled} stalled past the timeout";
}
