namespace WaEngine.Engine.Pairing;

/// <summary>What one look at WhatsApp Web's published version found.</summary>
/// <param name="Current">The version lines announce from now on (the newer of the known and the published one).</param>
/// <param name="Published">The version WhatsApp Web publishes, or null when it could not be read.</param>
/// <param name="Error">Why it could not be read (the last known version is kept), or null.</param>
public sealed record WaWebVersionRefresh(WaWebVersion Current, WaWebVersion? Published, string? Error);
