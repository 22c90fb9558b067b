namespace WaEngine.Engine.Media;

/// <summary>The codes a <see cref="MediaException"/> carries.</summary>
public static class MediaErrorCodes
{
    /// <summary>The encrypted blob's SHA-256 is not the message's <c>fileEncSha256</c>.</summary>
    public const string EncryptedHashMismatch = "media_hash_mismatch";

    /// <summary>The blob's 10-byte HMAC does not verify.</summary>
    public const string MacMismatch = "media_mac_mismatch";

    /// <summary>The decrypted bytes' SHA-256 is not the message's <c>fileSha256</c>, or they do not decrypt.</summary>
    public const string FileHashMismatch = "media_file_hash_mismatch";

    /// <summary>No media host has the blob any more (404/410): it expired.</summary>
    public const string Expired = "media_expired";

    /// <summary>The media hosts could not be reached or answered with an error.</summary>
    public const string DownloadFailed = "media_download_failed";

    /// <summary>The upload was refused or failed on every host.</summary>
    public const string UploadFailed = "media_upload_failed";

    /// <summary>The blob is bigger than allowed.</summary>
    public const string TooLarge = "media_too_large";

    /// <summary>The media expired and the phone that was asked to upload it again no longer has it (or the message).</summary>
    public const string NotOnPhone = "media_not_on_phone";

    /// <summary>The phone did not answer the media retry request in time (it may be offline).</summary>
    public const string RetryTimeout = "media_retry_timeout";

    /// <summary>The phone's media retry answer could not be read, or said it failed for another reason.</summary>
    public const string RetryUnreadable = "media_retry_failed";
}
