namespace WaEngine.Sandbox.Accounts;

/// <summary>A control-API request the sandbox cannot carry out; <see cref="StatusCode"/> says how to answer it.</summary>
public sealed class SandboxInputException(string message, int statusCode = 400, string? param = null) : Exception(message)
{
    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The request field at fault, if one is.</summary>
    public string? Param { get; } = param;
}
