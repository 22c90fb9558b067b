using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Crypto;

/// <summary>Calls tests/interop/crypto-vectors.mjs (libsignal, Node's OpenSSL, Baileys) with hex-encoded items.</summary>
internal static class Interop
{
    public static async Task<JsonArray> CallAsync(string op, JsonArray? items = null, int count = 0)
    {
        var request = new JsonObject { ["op"] = op, ["count"] = count };
        if (items is not null)
        {
            request["items"] = items;
        }

        var answer = await NodePeer.RunAsync("crypto-vectors.mjs", request);
        return answer.AsArray();
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Bytes(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());
}
