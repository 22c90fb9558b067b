namespace WaEngine.Engine.Media;

/// <summary>What encrypting one file produced; the blob itself (ciphertext and MAC) went to the destination stream.</summary>
/// <param name="MediaKey">The random 32-byte media key.</param>
/// <param name="FileSha256">SHA-256 of the plaintext.</param>
/// <param name="FileEncSha256">SHA-256 of the uploaded blob (ciphertext followed by the 10-byte MAC).</param>
/// <param name="FileLength">Plaintext length in bytes.</param>
/// <param name="BlobLength">Length of the uploaded blob in bytes.</param>
public sealed record EncryptedMedia(byte[] MediaKey, byte[] FileSha256, byte[] FileEncSha256, long FileLength, long BlobLength);
