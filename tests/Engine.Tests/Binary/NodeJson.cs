using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>The JSON shape tests/interop/binary-vectors.mjs speaks: { tag, attrs: [[k, v]...], children? | bytes?: hex | text? }.</summary>
internal static class NodeJson
{
    public static JsonObject ToJson(Node node)
    {
        var attrs = new JsonArray();
        foreach (var (key, value) in node.Attributes)
        {
            attrs.Add(new JsonArray(key, value));
        }

        var json = new JsonObject { ["tag"] = node.Tag, ["attrs"] = attrs };
        switch (node.ContentKind)
        {
            case NodeContentKind.Children:
                var children = new JsonArray();
                foreach (var child in node.Children)
                {
                    children.Add(ToJson(child));
                }

                json["children"] = children;
                break;
            case NodeContentKind.Bytes:
                json["bytes"] = Convert.ToHexStringLower(node.Bytes.Span);
                break;
            case NodeContentKind.Text:
                json["text"] = node.Text;
                break;
        }

        return json;
    }

    public static Node FromJson(JsonNode? json)
    {
        var obj = json as JsonObject ?? throw new InvalidOperationException($"Expected a node object, got {json?.ToJsonString() ?? "null"}.");
        if (obj["error"] is { } error)
        {
            throw new InvalidOperationException($"Baileys failed: {error}");
        }

        if (obj["unexpected"] is { } unexpected)
        {
            throw new InvalidOperationException($"Baileys returned content of an unexpected type: {unexpected}");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in obj["attrs"]!.AsArray())
        {
            pairs.Add(new KeyValuePair<string, string>(pair![0]!.GetValue<string>(), pair[1]!.GetValue<string>()));
        }

        var tag = obj["tag"]!.GetValue<string>();
        var attributes = new NodeAttributes(pairs);
        if (obj["children"] is JsonArray children)
        {
            var list = new List<Node>();
            foreach (var child in children)
            {
                list.Add(FromJson(child));
            }

            return new Node(tag, attributes, list);
        }

        if (obj["bytes"] is { } bytes)
        {
            return new Node(tag, attributes, Convert.FromHexString(bytes.GetValue<string>()));
        }

        if (obj["text"] is { } text)
        {
            return new Node(tag, attributes, text.GetValue<string>());
        }

        return new Node(tag, attributes);
    }
}
