using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Privacy;

/// <summary>
/// The account's read-receipt privacy setting (<c>readreceipts</c>), asked of the server once per connection the first
/// time the line reads a chat and kept for that connection, as the references do (B:chats.js fetchPrivacySettings caches
/// it per socket; W:receipt.go MarkRead reads the cached settings). With read receipts off the line sends
/// <c>read-self</c> instead of <c>read</c> (SERVER-RULES R13). Concurrent callers share one query.
/// </summary>
public sealed class ReadReceiptPrivacy
{
    private readonly Func<Node, CancellationToken, Task<Node>> _query;
    private readonly Func<object?> _connection;
    private readonly Func<string> _nextId;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (object Connection, bool ReadSelf)? _known;

    /// <summary>Queries through <paramref name="query"/>; <paramref name="connection"/> names the current connection (the answer is kept while it stays the same).</summary>
    public ReadReceiptPrivacy(Func<Node, CancellationToken, Task<Node>> query, Func<object?> connection, Func<string> nextId)
    {
        _query = query ?? throw new ArgumentNullException(nameof(query));
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _nextId = nextId ?? throw new ArgumentNullException(nameof(nextId));
    }

    /// <summary>True when the account's read receipts are off (<c>readreceipts</c> is <c>none</c>): reads go out as <c>read-self</c>.</summary>
    public async Task<bool> ReadSelfAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _connection();
            if (_known is { } known && connection is not null && ReferenceEquals(known.Connection, connection))
            {
                return known.ReadSelf;
            }

            var answer = await _query(BuildQuery(_nextId()), cancellationToken).ConfigureAwait(false);
            var readSelf = ParseReadSelf(answer);
            if (connection is not null)
            {
                _known = (connection, readSelf);
            }

            return readSelf;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><c>&lt;iq xmlns="privacy" type="get"&gt;&lt;privacy/&gt;&lt;/iq&gt;</c>: the account's privacy settings.</summary>
    public static Node BuildQuery(string id) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", JidServers.WhatsApp), ("type", "get"), ("xmlns", "privacy")), [new Node("privacy")]);

    /// <summary>
    /// Whether the answer says read receipts are off: <c>&lt;category name="readreceipts" value="none"/&gt;</c>. Any other
    /// value, or no such category, keeps read receipts on (whatsmeow sends <c>read-self</c> only for <c>none</c>).
    /// </summary>
    /// <exception cref="StanzaException">The answer has no <c>&lt;privacy&gt;</c>.</exception>
    public static bool ParseReadSelf(Node answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var privacy = answer.Child("privacy") ?? throw new StanzaException("The privacy settings answer has no <privacy> child.");
        return privacy.ChildrenNamed("category").Any(c => c.Attr("name") == "readreceipts" && c.Attr("value") == "none");
    }
}
