namespace WaEngine.Engine.Media;

/// <summary>An encrypted file on a media host: where it is and what the message needs to let the recipient fetch and check it.</summary>
/// <param name="Url">The full download URL the host answered.</param>
/// <param name="DirectPath">The path on any media host (<c>/v/…</c>).</param>
/// <param name="Encrypted">The key, hashes and lengths.</param>
public sealed record UploadedMedia(string Url, string DirectPath, EncryptedMedia Encrypted);
