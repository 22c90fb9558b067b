using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

public sealed class TokenDictionaryTests
{
    private static readonly JsonSerializerOptions JsStringify = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Single_byte_table_hashes_to_the_protocol_map_value()
    {
        Assert.Equal("5fd87b0938866fa14324bee863c414eedd3b61c34aa2ff024c5d663f21546690", Sha256Json(TokenDictionary.SingleByte.ToArray()));
    }

    [Fact]
    public void Double_byte_tables_hash_to_the_protocol_map_value()
    {
        var tables = TokenDictionary.DoubleByte.Select(d => d.ToArray()).ToArray();
        Assert.Equal("0c785ca43e8e316d9458bd214034f8818cc5b1127efbfd98e511f9d180212570", Sha256Json(tables));
    }

    [Fact]
    public void Known_entries_sit_where_the_protocol_map_says()
    {
        Assert.Equal(236, TokenDictionary.SingleByte.Length);
        Assert.Equal(["xmlstreamstart", "xmlstreamend", "s.whatsapp.net", "type"], TokenDictionary.SingleByte[1..5].ToArray());
        Assert.Equal("screen_height", TokenDictionary.SingleByte[235]);
        Assert.Equal("read-self", TokenDictionary.DoubleByte[0][0]);
        Assert.Equal("reject", TokenDictionary.DoubleByte[1][0]);
        Assert.Equal("64", TokenDictionary.DoubleByte[2][0]);
        Assert.Equal("1724", TokenDictionary.DoubleByte[3][0]);
    }

    [Fact]
    public void Lookup_finds_every_token_at_its_position()
    {
        for (var i = 1; i < TokenDictionary.SingleByte.Length; i++)
        {
            Assert.True(TokenDictionary.TryGetToken(TokenDictionary.SingleByte[i], out var token));
            Assert.Equal(new TokenIndex(-1, (byte)i), token);
        }

        for (var d = 0; d < 4; d++)
        {
            for (var i = 0; i < 256; i++)
            {
                Assert.True(TokenDictionary.TryGetToken(TokenDictionary.DoubleByte[d][i], out var token));
                Assert.Equal(new TokenIndex(d, (byte)i), token);
            }
        }

        Assert.False(TokenDictionary.TryGetToken(string.Empty, out _));
        Assert.False(TokenDictionary.TryGetToken("not-a-token-at-all", out _));
    }

    private static string Sha256Json<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, JsStringify);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
