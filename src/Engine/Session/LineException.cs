namespace WaEngine.Engine.Session;

/// <summary>A session request failed: the connection went away, the server answered with an error, or the line is in the wrong state.</summary>
public sealed class LineException : WaEngineException
{
    /// <summary>Creates the exception.</summary>
    public LineException(LineErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception with its cause.</summary>
    public LineException(LineErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public LineErrorKind Kind { get; }

    /// <summary>The code of the server's <c>&lt;error&gt;</c> (e.g. 403, 404) when <see cref="Kind"/> is ServerError, else null.</summary>
    public int? ServerCode { get; init; }
}
