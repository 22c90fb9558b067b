using System.Text.Json;
using System.Text.Json.Nodes;
using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>One request the test receiver recorded, as it arrived: headers, exact body bytes, and what it answered.</summary>
internal sealed record ReceivedRequest(long N, string Outcome, string Event, string Delivery, string Timestamp, string Signature, string ContentType, string UserAgent, byte[] Body)
{
    /// <summary>The receiver took it (answered 200, at once or after a stall); a 500 answer does not count.</summary>
    public bool Accepted => Outcome is "ok" or "slow";

    public JsonNode Json => JsonNode.Parse(Body)!;

    public bool SignatureValid(string secret) =>
        WebhookSignature.Verify(secret, Signature, Timestamp, Body, DateTimeOffset.FromUnixTimeSeconds(long.Parse(Timestamp, System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.FromMinutes(5));

    public static IReadOnlyList<ReceivedRequest> ReadAll(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        var result = new List<ReceivedRequest>();
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }

            if (node is null)
            {
                continue;
            }

            result.Add(new ReceivedRequest(
                node["n"]!.GetValue<long>(),
                node["outcome"]!.GetValue<string>(),
                node["event"]!.GetValue<string>(),
                node["delivery"]!.GetValue<string>(),
                node["timestamp"]!.GetValue<string>(),
                node["signature"]!.GetValue<string>(),
                node["content_type"]!.GetValue<string>(),
                node["user_agent"]!.GetValue<string>(),
                Convert.FromBase64String(node["body"]!.GetValue<string>())));
        }

        return result;
    }
}
