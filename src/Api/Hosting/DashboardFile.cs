namespace WaEngine.Api.Hosting;

/// <summary>One file of the dashboard as it is served.</summary>
/// <param name="Name">Its path under <c>src/Api/Dashboard</c>, e.g. <c>app.js</c>.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="ContentType">Its media type, with the charset for text.</param>
/// <param name="ETag">A strong validator derived from the bytes.</param>
public sealed record DashboardFile(string Name, byte[] Content, string ContentType, string ETag);
