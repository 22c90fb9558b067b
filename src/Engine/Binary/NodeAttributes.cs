using System.Collections;

namespace WaEngine.Engine.Binary;

/// <summary>
/// The attributes of a <see cref="Node"/>: an immutable, ordered list of unique keys with string values (JIDs and numbers
/// are strings too; the encoder picks their wire form). The order is the wire order.
/// </summary>
public sealed class NodeAttributes : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly KeyValuePair<string, string>[] _items;

    /// <summary>Copies <paramref name="items"/>, rejecting null keys or values and duplicate keys.</summary>
    public NodeAttributes(IEnumerable<KeyValuePair<string, string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = new List<KeyValuePair<string, string>>();
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item.Key, nameof(items));
            ArgumentNullException.ThrowIfNull(item.Value, nameof(items));
            if (IndexOf(list, item.Key) >= 0)
            {
                throw new ArgumentException($"Attribute '{item.Key}' appears twice.", nameof(items));
            }

            list.Add(item);
        }

        _items = [.. list];
    }

    private NodeAttributes(KeyValuePair<string, string>[] items) => _items = items;

    /// <summary>No attributes.</summary>
    public static NodeAttributes Empty { get; } = new([]);

    /// <summary>The number of attributes.</summary>
    public int Count => _items.Length;

    /// <summary>The attribute at <paramref name="index"/> in wire order.</summary>
    public KeyValuePair<string, string> this[int index] => _items[index];

    /// <summary>Builds attributes from key/value tuples, in order.</summary>
    public static NodeAttributes Of(params (string Key, string Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var items = new KeyValuePair<string, string>[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            items[i] = new KeyValuePair<string, string>(pairs[i].Key, pairs[i].Value);
        }

        return new NodeAttributes(items.AsEnumerable());
    }

    /// <summary>Looks up the value of <paramref name="key"/>.</summary>
    public bool TryGetValue(string key, out string value)
    {
        var index = IndexOf(_items, key);
        value = index >= 0 ? _items[index].Value : string.Empty;
        return index >= 0;
    }

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public string? GetValueOrDefault(string key)
    {
        var index = IndexOf(_items, key);
        return index >= 0 ? _items[index].Value : null;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Wraps an array the caller gives up, already checked for null and duplicate keys.</summary>
    internal static NodeAttributes FromTrustedArray(KeyValuePair<string, string>[] items) => items.Length == 0 ? Empty : new NodeAttributes(items);

    private static int IndexOf(IReadOnlyList<KeyValuePair<string, string>> items, string key)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
