namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>One <c>&lt;enc&gt;</c> of an incoming message.</summary>
/// <param name="Type"><c>pkmsg</c>, <c>msg</c> or <c>skmsg</c> (or whatever else the server sent).</param>
/// <param name="Ciphertext">The encrypted bytes.</param>
/// <param name="RetryCount">The sender's retry count (<c>count</c>), 0 for a first delivery.</param>
public sealed record EncryptedPart(string Type, ReadOnlyMemory<byte> Ciphertext, int RetryCount);
