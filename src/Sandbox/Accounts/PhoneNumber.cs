namespace WaEngine.Sandbox.Accounts;

/// <summary>
/// Phone numbers given to the control API, read by the engine's one rule (<see cref="Engine.Binary.PhoneNumber"/>):
/// <c>+E.164</c>, bare digits, or with spaces, dashes, dots and parentheses; 6 to 15 digits, no leading 0.
/// </summary>
public static class PhoneNumber
{
    /// <summary>Returns the digits, or throws <see cref="SandboxInputException"/> saying what is wrong.</summary>
    public static string Normalize(string? input, string param = "phone") =>
        Engine.Binary.PhoneNumber.TryNormalize(input, out var digits, out var problem)
            ? digits
            : throw new SandboxInputException(problem, param: param);
}
