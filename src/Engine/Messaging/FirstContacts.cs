namespace WaEngine.Engine.Messaging;

/// <summary>
/// What the new-contact cap of <see cref="SendPacing"/> needs from the store: which queued messages open a chat (no
/// earlier message in it) and when the line's recent first messages were due.
/// </summary>
/// <param name="Openers">Ids of the queued messages that are the first message in their chat.</param>
/// <param name="RecentSends">When each first message written (or being written) since the asked time was due.</param>
public sealed record FirstContacts(IReadOnlySet<string> Openers, IReadOnlyList<DateTimeOffset> RecentSends)
{
    /// <summary>Nothing known: no message opens a chat, none was sent.</summary>
    public static FirstContacts None { get; } = new(new HashSet<string>(StringComparer.Ordinal), []);
}
