namespace WaEngine.Engine.Binary;

/// <summary>Where a token lives: a single-byte token (<see cref="Dictionary"/> is -1) or an entry of a double-byte dictionary.</summary>
/// <param name="Dictionary">-1 for the single-byte table, otherwise the double-byte dictionary 0..3.</param>
/// <param name="Index">The index inside that table.</param>
internal readonly record struct TokenIndex(int Dictionary, byte Index)
{
    /// <summary>True for a single-byte token.</summary>
    public bool IsSingleByte => Dictionary < 0;
}
