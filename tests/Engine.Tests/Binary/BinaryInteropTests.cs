using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>
/// Baileys 7.0.0-rc14 (tests/interop/binary-vectors.mjs) as the independent oracle, both directions: our bytes decode in
/// Baileys to the original node; Baileys' bytes equal ours byte for byte and decode here to the original node.
/// </summary>
public sealed class BinaryInteropTests
{
    private const int RandomNodeCount = 10_000;
    private const int BatchSize = 2_500;

    [Fact]
    public async Task Random_nodes_round_trip_through_baileys_byte_exact()
    {
        var generator = new RandomNodes(seed: 20_250_601);
        var nodes = new List<Node>(RandomNodeCount);
        for (var i = 0; i < RandomNodeCount; i++)
        {
            nodes.Add(generator.Next());
        }

        var failures = await CheckAgainstBaileysAsync(nodes);
        Assert.True(failures.Count == 0, $"{failures.Count} of {nodes.Count} nodes disagree with Baileys:\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public async Task Every_token_as_tag_and_attribute_value_matches_baileys()
    {
        var nodes = new List<Node>();
        foreach (var token in TokenDictionary.SingleByte.Skip(1))
        {
            nodes.Add(new Node(token, NodeAttributes.Of(("id", token)), token));
        }

        foreach (var dictionary in TokenDictionary.DoubleByte)
        {
            foreach (var token in dictionary)
            {
                nodes.Add(new Node(token, NodeAttributes.Of(("id", token)), token));
            }
        }

        var failures = await CheckAgainstBaileysAsync(nodes);
        Assert.True(failures.Count == 0, $"{failures.Count} of {nodes.Count} token nodes disagree with Baileys:\n{string.Join("\n", failures.Take(5))}");
        Assert.Equal(235 + (4 * 256), nodes.Count);
    }

    [Fact]
    public async Task Jid_forms_match_baileys_including_agents()
    {
        var generator = new RandomNodes(seed: 7);
        var nodes = new List<Node>
        {
            new("to", NodeAttributes.Of(("jid", "7_5:3@s.whatsapp.net"))),
            new("to", NodeAttributes.Of(("jid", "@s.whatsapp.net"), ("participant", "@g.us"))),
        };
        for (var i = 0; i < 500; i++)
        {
            nodes.Add(new Node("iq", NodeAttributes.Of(("to", generator.NextJid())), generator.NextJid()));
        }

        var encodeRequest = new JsonArray();
        foreach (var node in nodes)
        {
            encodeRequest.Add(NodeJson.ToJson(node));
        }

        var answer = await NodePeer.RunAsync("binary-vectors.mjs", new JsonObject { ["encode"] = encodeRequest });
        var encoded = answer["encoded"]!.AsArray();
        for (var i = 0; i < nodes.Count; i++)
        {
            Assert.Equal(encoded[i]!.GetValue<string>(), Convert.ToHexStringLower(BinaryEncoder.Encode(nodes[i])));
        }

        Assert.Equal("7_5:3@s.whatsapp.net", BinaryDecoder.Decode(Convert.FromHexString(encoded[0]!.GetValue<string>())).Attributes.GetValueOrDefault("jid"));
    }

    private static async Task<List<string>> CheckAgainstBaileysAsync(List<Node> nodes)
    {
        var failures = new List<string>();
        for (var start = 0; start < nodes.Count; start += BatchSize)
        {
            var batch = nodes.GetRange(start, Math.Min(BatchSize, nodes.Count - start));
            var ours = new List<byte[]>(batch.Count);
            var encodeRequest = new JsonArray();
            var decodeRequest = new JsonArray();
            foreach (var node in batch)
            {
                var bytes = BinaryEncoder.Encode(node);
                ours.Add(bytes);
                encodeRequest.Add(NodeJson.ToJson(node));
                decodeRequest.Add(Convert.ToHexStringLower(bytes));
            }

            var answer = await NodePeer.RunAsync("binary-vectors.mjs", new JsonObject { ["encode"] = encodeRequest, ["decode"] = decodeRequest });
            var encoded = answer["encoded"]!.AsArray();
            var decoded = answer["decoded"]!.AsArray();
            Assert.Equal(batch.Count, encoded.Count);
            Assert.Equal(batch.Count, decoded.Count);

            for (var i = 0; i < batch.Count; i++)
            {
                var problem = Compare(batch[i], ours[i], encoded[i], decoded[i]);
                if (problem is not null)
                {
                    failures.Add($"#{start + i} {problem}\n  node: {Shorten(batch[i].ToString())}");
                }
            }
        }

        return failures;
    }

    private static string? Compare(Node original, byte[] ours, JsonNode? baileysEncoded, JsonNode? baileysDecoded)
    {
        if (baileysEncoded is not JsonValue hexValue)
        {
            return $"Baileys could not encode it: {baileysEncoded?.ToJsonString()}";
        }

        var theirs = Convert.FromHexString(hexValue.GetValue<string>());
        if (!theirs.AsSpan().SequenceEqual(ours))
        {
            return $"bytes differ\n  ours:    {Shorten(Convert.ToHexStringLower(ours))}\n  Baileys: {Shorten(Convert.ToHexStringLower(theirs))}";
        }

        Node fromBaileys;
        try
        {
            fromBaileys = NodeJson.FromJson(baileysDecoded);
        }
        catch (InvalidOperationException ex)
        {
            return $"Baileys could not decode our bytes: {ex.Message}";
        }

        var difference = NodeAssert.FindDifference(original, fromBaileys, original.Tag);
        if (difference is not null)
        {
            return $"Baileys decoded our bytes differently: {difference}";
        }

        difference = NodeAssert.FindDifference(original, BinaryDecoder.Decode(theirs), original.Tag);
        return difference is null ? null : $"we decoded Baileys' bytes differently: {difference}";
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
