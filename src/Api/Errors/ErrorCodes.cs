namespace WaEngine.Api.Errors;

/// <summary>The machine-readable <c>code</c> of every error the API answers with (the sentence in <c>error</c> is for people).</summary>
public static class ErrorCodes
{
    /// <summary>400: a field or parameter is missing, of the wrong type or out of range; <c>param</c> names it.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>400: the request is well formed but asks for something WaEngine does not do yet (e.g. sending to a group).</summary>
    public const string NotSupported = "not_supported";

    /// <summary>400: an edit or delete names a message this line did not send.</summary>
    public const string NotOwnMessage = "not_own_message";

    /// <summary>401: the admin key or the line token is missing, unknown or rotated.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: the line cannot send now (stopped, logged out, failed, or not paired yet).</summary>
    public const string NotConnected = "not_connected";

    /// <summary>404: no session, message or chat with that id.</summary>
    public const string NotFound = "not_found";

    /// <summary>404: the message exists but has no media.</summary>
    public const string NoMedia = "no_media";

    /// <summary>409: the line or the message is not in a state that allows this.</summary>
    public const string WrongState = "wrong_state";

    /// <summary>409: the edit window of the target message has passed.</summary>
    public const string EditWindowClosed = "edit_window_closed";

    /// <summary>409: a request with the same <c>Idempotency-Key</c> is still being processed.</summary>
    public const string IdempotencyInProgress = "idempotency_in_progress";

    /// <summary>422: the <c>Idempotency-Key</c> was used before with a different request.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>413: the file is over its kind's limit (the limit is in the sentence).</summary>
    public const string TooLarge = "too_large";

    /// <summary>502: the media could not be uploaded to the media hosts (nothing was sent).</summary>
    public const string MediaUploadFailed = "media_upload_failed";

    /// <summary>502: WhatsApp did not answer a query the request needed (timeout or an error answer).</summary>
    public const string WhatsAppError = "whatsapp_error";

    /// <summary>429: too many requests for this token; <c>Retry-After</c> says when to try again.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>403: the line is not an admin of the group (or may not make that change).</summary>
    public const string NotAdmin = "not_admin";

    /// <summary>504: WhatsApp did not answer in time.</summary>
    public const string ServerTimeout = "server_timeout";

    /// <summary>507: the service's disk is full; nothing was stored or sent, and the same request succeeds once space returns.</summary>
    public const string StorageFull = "storage_full";

    /// <summary>502: WhatsApp refused the request for a reason the caller cannot fix by changing the body.</summary>
    public const string ServerRefused = "server_refused";
}
