using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;

namespace WaEngine.Engine.Binary;

/// <summary>
/// The token tables of dictionary version 3, loaded once from the embedded <c>tokens.json</c> (extracted from
/// baileys@7.0.0-rc14 by tests/interop/extract-tokens.mjs; see Binary/README.md for provenance and hashes).
/// </summary>
internal static class TokenDictionary
{
    private const string ResourceName = "WaEngine.Engine.Binary.tokens.json";

    private static readonly Tables Loaded = Load();

    /// <summary>The single-byte tokens; index 0 is the unused empty string.</summary>
    public static ImmutableArray<string> SingleByte => Loaded.Single;

    /// <summary>The four double-byte dictionaries of 256 tokens each.</summary>
    public static ImmutableArray<ImmutableArray<string>> DoubleByte => Loaded.Double;

    /// <summary>Finds the token for <paramref name="value"/>; a value present in both tables resolves to the later entry, as in Baileys.</summary>
    public static bool TryGetToken(string value, out TokenIndex token) => Loaded.Lookup.TryGetValue(value, out token);

    private static Tables Load()
    {
        using var stream = typeof(TokenDictionary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the engine assembly.");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        var single = ReadStrings(root.GetProperty("single"));
        if (single.Length != BinaryTags.SingleByteTokenCount)
        {
            throw new InvalidOperationException($"{ResourceName}: single has {single.Length} tokens (expected {BinaryTags.SingleByteTokenCount}).");
        }

        var doubleBuilder = ImmutableArray.CreateBuilder<ImmutableArray<string>>();
        foreach (var dictionary in root.GetProperty("double").EnumerateArray())
        {
            var entries = ReadStrings(dictionary);
            if (entries.Length != 256)
            {
                throw new InvalidOperationException($"{ResourceName}: a double-byte dictionary has {entries.Length} tokens (expected 256).");
            }

            doubleBuilder.Add(entries);
        }

        if (doubleBuilder.Count != BinaryTags.Dictionary3 - BinaryTags.Dictionary0 + 1)
        {
            throw new InvalidOperationException($"{ResourceName}: {doubleBuilder.Count} double-byte dictionaries (expected 4).");
        }

        var lookup = new Dictionary<string, TokenIndex>(StringComparer.Ordinal);
        for (var i = 1; i < single.Length; i++)
        {
            lookup[single[i]] = new TokenIndex(-1, (byte)i);
        }

        for (var d = 0; d < doubleBuilder.Count; d++)
        {
            for (var i = 0; i < doubleBuilder[d].Length; i++)
            {
                lookup[doubleBuilder[d][i]] = new TokenIndex(d, (byte)i);
            }
        }

        return new Tables(single, doubleBuilder.ToImmutable(), lookup.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static ImmutableArray<string> ReadStrings(JsonElement array)
    {
        var builder = ImmutableArray.CreateBuilder<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            builder.Add(item.GetString() ?? throw new InvalidOperationException($"{ResourceName}: a token is null."));
        }

        return builder.MoveToImmutable();
    }

    private sealed record Tables(
        ImmutableArray<string> Single,
        ImmutableArray<ImmutableArray<string>> Double,
        FrozenDictionary<string, TokenIndex> Lookup);
}
