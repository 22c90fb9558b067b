namespace WaEngine.Api.Conversation;

/// <summary>The conversation kinds the line API sends (issue #16).</summary>
public enum ConversationKind
{
    /// <summary>POST /api/messages/location: <c>{to, latitude, longitude, name?, address?}</c>.</summary>
    Location,

    /// <summary>POST /api/messages/contact: <c>{to, name, phone}</c> or <c>{to, vcard}</c>.</summary>
    Contact,

    /// <summary>POST /api/messages/poll: <c>{to, question, options, multiple?}</c>.</summary>
    Poll,
}
