namespace WaEngine.Engine.Messaging;

/// <summary>Whether a phone number is on WhatsApp, as the server's usync contact lookup answered.</summary>
/// <param name="Phone">The number asked for, digits only (country code first).</param>
/// <param name="OnWhatsApp">The server knows an account with that number (<c>contact type="in"</c>).</param>
/// <param name="Jid">The account's phone-number JID when on WhatsApp, else null.</param>
/// <param name="Lid">The account's LID when the server gave one, else null.</param>
public sealed record ContactCheck(string Phone, bool OnWhatsApp, string? Jid, string? Lid);
