namespace WaEngine.Engine.Session;

/// <summary>A lifecycle move a handler asks for; only the actor applies it (at most one per outcome).</summary>
internal abstract record LineDecision(string Reason)
{
    /// <summary>Drop the connection and come back with backoff.</summary>
    public sealed record Reconnect(string Reason) : LineDecision(Reason);

    /// <summary>Drop the connection and connect again at once (stream error 515 after pairing).</summary>
    public sealed record RestartNow(string Reason) : LineDecision(Reason);

    /// <summary>The account removed this device: wipe credentials and keys, no reconnect.</summary>
    public sealed record LoggedOut(string Reason) : LineDecision(Reason);

    /// <summary>Stop for good with <paramref name="Reason"/> (no reconnect until started again).</summary>
    public sealed record Failed(string Reason) : LineDecision(Reason);

    /// <summary>
    /// The server refused our client version (failure 405): read WhatsApp Web's current version once; log in again with
    /// it when it is newer than the refused one, else fail with <c>client_outdated</c> (SERVER-RULES R8).
    /// </summary>
    public sealed record ClientOutdated(string Reason) : LineDecision(Reason);

    /// <summary>
    /// The account is banned for a while (failure 402): fail with <c>temporarily_banned</c> until <paramref name="Expire"/>
    /// from now, then make one attempt (null: the server named no end, so no attempt; the user starts the line). Logging in
    /// before the end extends the ban (SERVER-RULES R9).
    /// </summary>
    public sealed record TemporarilyBanned(string Reason, TimeSpan? Expire, string? Code) : LineDecision(Reason);

    /// <summary>The server accepted the login on the current connection.</summary>
    public sealed record LoggedIn(string Reason) : LineDecision(Reason);

    /// <summary>Move to <paramref name="Status"/> (scan_qr, pairing_code, connected) if not already there.</summary>
    public sealed record Enter(LineStatus Status, string Reason) : LineDecision(Reason);
}
