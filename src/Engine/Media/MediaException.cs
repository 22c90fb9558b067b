namespace WaEngine.Engine.Media;

/// <summary>
/// A media upload, download or integrity check failed. <see cref="Code"/> is stable and machine-readable
/// (<see cref="MediaErrorCodes"/>); the message says what failed on which blob, expected against actual.
/// </summary>
public sealed class MediaException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public MediaException(string code, string message)
        : base(message) => Code = code;

    /// <summary>Creates the exception with its cause.</summary>
    public MediaException(string code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    /// <summary>One of <see cref="MediaErrorCodes"/>.</summary>
    public string Code { get; }
}
