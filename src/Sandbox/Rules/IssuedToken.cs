namespace WaEngine.Sandbox.Rules;

/// <summary>A privacy token the server issued: its bytes and its time (<c>t</c>, Unix seconds).</summary>
public sealed record IssuedToken(byte[] Token, long Timestamp);
