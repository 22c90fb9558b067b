namespace WaEngine.Engine.Storage;

/// <summary>One contact's part of an issuance answer (SERVER-RULES R2): we issued our token to it, and what it gave back.</summary>
/// <param name="ContactJid">The contact's bare LID JID (its phone-number JID while the LID is unknown).</param>
/// <param name="IssuedAt">When we issued our token to the contact.</param>
/// <param name="Tokens">The trusted-contact tokens the answer carried for the contact, each with its time (often one, may be none).</param>
public sealed record TokenIssued(string ContactJid, DateTimeOffset IssuedAt, IReadOnlyList<(byte[] Token, DateTimeOffset Timestamp)> Tokens);
