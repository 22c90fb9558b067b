namespace WaEngine.Engine.Messaging;

/// <summary>
/// Reply routing state for one contact (CONTRACT §3c): which handler of the user's automation should take the contact's
/// next messages, with the context it needs, until it expires. Every inbound webhook from the contact carries it.
/// </summary>
/// <param name="ContactJid">The contact, as a bare JID (<c>digits@s.whatsapp.net</c> or <c>id@lid</c>).</param>
/// <param name="Handler">The handler's name, 1 to 100 characters.</param>
/// <param name="ContextJson">A JSON object the user attached, or null.</param>
/// <param name="ExpiresAt">When the state stops applying.</param>
public sealed record ReplyState(string ContactJid, string Handler, string? ContextJson, DateTimeOffset ExpiresAt)
{
    /// <summary>Longest handler name.</summary>
    public const int MaxHandlerLength = 100;

    /// <summary>Shortest time to live.</summary>
    public static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(60);

    /// <summary>Longest time to live.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromSeconds(86_400);

    /// <summary>Largest context, in UTF-8 bytes of its JSON.</summary>
    public const int MaxContextBytes = 16 * 1024;
}
