namespace WaEngine.Engine.Pairing;

/// <summary>WhatsApp Web's published version could not be read: the page did not answer, or carried no <c>client_revision</c>.</summary>
public sealed class WaWebVersionException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public WaWebVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the cause.</summary>
    public WaWebVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
