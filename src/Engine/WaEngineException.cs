namespace WaEngine.Engine;

/// <summary>
/// The root of every exception the engine raises on purpose. Callers catch a sealed subtype to handle one kind of
/// failure, or this type to handle any engine failure; anything else escaping the engine is a bug.
/// </summary>
public abstract class WaEngineException : Exception
{
    /// <summary>Creates the exception with a message saying what failed, where, and expected against actual.</summary>
    protected WaEngineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level failure that caused it.</summary>
    protected WaEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
