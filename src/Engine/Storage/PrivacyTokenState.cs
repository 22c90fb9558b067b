namespace WaEngine.Engine.Storage;

/// <summary>What a line knows of the privacy tokens between it and one contact (SERVER-RULES R2).</summary>
/// <param name="ContactJid">The contact's bare LID JID (its phone-number JID while the LID is unknown).</param>
/// <param name="Token">The trusted-contact token the contact gave us, attached as <c>&lt;tctoken&gt;</c>; null if none.</param>
/// <param name="TokenTimestamp">When that token was issued; null if none.</param>
/// <param name="IssuedAt">When we last issued our own token to the contact; null if never.</param>
public sealed record PrivacyTokenState(string ContactJid, byte[]? Token, DateTimeOffset? TokenTimestamp, DateTimeOffset? IssuedAt);
