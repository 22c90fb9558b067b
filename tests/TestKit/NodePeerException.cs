namespace WaEngine.TestKit;

/// <summary>A Node peer answered with an error or died.</summary>
public sealed class NodePeerException(string message) : Exception(message);
