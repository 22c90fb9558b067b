namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>Sentences for the error codes the server puts on a message ack.</summary>
public static class ServerErrors
{
    /// <summary>What an ack error code means, for people.</summary>
    public static string Describe(string code) => code switch
    {
        "400" => "the server could not parse the message",
        "401" => "this device is not authorised to send",
        "403" => "the recipient does not accept messages from this account",
        "404" => "the recipient is not on WhatsApp",
        "406" => "the message was not acceptable to the server",
        "421" => "the recipient's device list changed; the message must be resent",
        "463" => "the account is restricted or the recipient requires a privacy token",
        "479" => "the server refused the stanza as invalid",
        "500" => "the server failed to handle the message",
        _ => "the server refused the message",
    };
}
