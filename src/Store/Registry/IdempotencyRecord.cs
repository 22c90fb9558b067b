namespace WaEngine.Store.Registry;

/// <summary>The first answer given to a request carrying an <c>Idempotency-Key</c>.</summary>
/// <param name="RequestHash">Hex SHA-256 of the request (method, path, body) the answer belongs to.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="ContentType">The answer's content type, or null.</param>
/// <param name="Body">The answer's body bytes.</param>
/// <param name="CreatedAt">When it was answered.</param>
/// <param name="ExpiresAt">Until when it is replayed.</param>
public sealed record IdempotencyRecord(string RequestHash, int Status, string? ContentType, byte[] Body, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
