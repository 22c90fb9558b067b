namespace WaEngine.Engine;

/// <summary>
/// The root of every error WaEngine raises on purpose. Callers catch a sealed subtype
/// (bad bytes, failed crypto check, protocol violation) or this type for all of them.
/// </summary>
public abstract class WaEngineException : Exception
{
    /// <summary>Creates the exception with a message that says what failed, on what, expected against actual.</summary>
    protected WaEngineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the lower-level cause.</summary>
    protected WaEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
