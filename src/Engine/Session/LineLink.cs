namespace WaEngine.Engine.Session;

/// <summary>
/// The line's connection state as one immutable value, swapped whole by the actor: which generation is current, the
/// connection of that generation (if it is open) and whether it logged in. Anything stamped with an older generation
/// (a node, a timer, a finished step) is stale.
/// </summary>
/// <param name="Generation">Grows every time a connection is begun or ended.</param>
/// <param name="Connection">The open connection of this generation, or null.</param>
/// <param name="LoggedIn">The server sent <c>&lt;success&gt;</c> on <paramref name="Connection"/>.</param>
internal sealed record LineLink(int Generation, LineConnection? Connection, bool LoggedIn)
{
    /// <summary>No connection yet.</summary>
    public static LineLink None { get; } = new(0, null, false);

    /// <summary>A new generation with no connection (the current one ends, or a new attempt begins).</summary>
    public LineLink Next() => new(Generation + 1, null, false);

    /// <summary>True when <paramref name="generation"/> is this one's.</summary>
    public bool IsCurrent(int generation) => generation == Generation;
}
