using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Media.Bodies;

/// <summary>What every media send takes: the recipient, the file (base64 <c>file</c> or a <c>url</c>), its mimetype, and an optional reply target.</summary>
public abstract record MediaBody
{
    /// <summary>Longest mimetype accepted.</summary>
    public const int MaxMimetypeLength = 255;

    /// <summary>Longest url accepted.</summary>
    public const int MaxUrlLength = 4096;

    /// <summary>The recipient.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The recipient: digits@s.whatsapp.net, id@lid, +E.164 or bare digits (6 to 15 digits, country code first).")]
    public required string To { get; init; }

    /// <summary>The file in base64 (a <c>data:…;base64,</c> prefix is accepted); or give <see cref="Url"/>.</summary>
    [JsonPropertyName("file")]
    [MaxLength(int.MaxValue)]
    [Description("The file in base64 (standard alphabet; a data:…;base64, prefix is accepted). Give file or url, not both. Its decoded size must be within the kind's limit (413 otherwise, before anything is uploaded).")]
    public string? File { get; init; }

    /// <summary>An http(s) URL the service downloads the file from; or give <see cref="File"/>.</summary>
    [JsonPropertyName("url")]
    [MaxLength(MaxUrlLength)]
    [Description("An http:// or https:// URL the service downloads the file from (at most 3 redirects, within Api__MediaFetch__Timeout). Loopback and private addresses only with Api__MediaFetch__AllowPrivate=true; link-local and cloud metadata addresses never.")]
    public string? Url { get; init; }

    /// <summary>The file's MIME type; its first bytes must match it.</summary>
    [JsonPropertyName("mimetype")]
    [MaxLength(MaxMimetypeLength)]
    [Description("The file's MIME type, e.g. image/jpeg. The file's first bytes must be what it says (magic numbers), else 400.")]
    public required string Mimetype { get; init; }

    /// <summary>The msg_id of a message of the same chat this one replies to.</summary>
    [JsonPropertyName("quoted_msg_id")]
    [MaxLength(OutgoingRequestReader.MaxMsgIdLength)]
    [Description("Optional: the msg_id of a message of the same chat (ours or theirs) this one replies to.")]
    public string? QuotedMsgId { get; init; }
}
