namespace WaEngine.Engine.Stanzas;

/// <summary>
/// A stanza lacks what its kind requires or carries values of the wrong form. The message lists every problem
/// found in the stanza at once, naming the stanza (tag and id).
/// </summary>
public sealed class StanzaException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public StanzaException(string message)
        : base(message)
    {
    }
}
