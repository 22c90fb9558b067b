namespace WaEngine.Api.Groups;

/// <summary>The limits of the group endpoints' fields (WhatsApp's own for subject and description).</summary>
public static class GroupLimits
{
    /// <summary>Longest subject.</summary>
    public const int MaxSubjectLength = 100;

    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 2048;

    /// <summary>Most participants in one request.</summary>
    public const int MaxParticipants = 256;

    /// <summary>Longest <c>code</c> as written (a whole link).</summary>
    public const int MaxInviteInputLength = 200;
}
