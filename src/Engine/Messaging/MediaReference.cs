using Google.Protobuf;
using WaEngine.Engine.Media;

namespace WaEngine.Engine.Messaging;

/// <summary>What a received (or sent) media message says about its blob: enough to download, check and decrypt it.</summary>
/// <param name="Kind">The media kind (its keys).</param>
/// <param name="Url">The full URL the sender's host answered, or empty.</param>
/// <param name="DirectPath">The path on any media host, or empty.</param>
/// <param name="MediaKey">The media key.</param>
/// <param name="FileSha256">SHA-256 of the plaintext.</param>
/// <param name="FileEncSha256">SHA-256 of the blob.</param>
/// <param name="FileLength">Plaintext length.</param>
/// <param name="Mimetype">The mimetype, or empty.</param>
/// <param name="FileName">The document's file name, when it has one.</param>
public sealed record MediaReference(MediaKind Kind, string Url, string DirectPath, ByteString MediaKey, ByteString FileSha256,
    ByteString FileEncSha256, ulong FileLength, string Mimetype, string? FileName);
