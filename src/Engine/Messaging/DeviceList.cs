namespace WaEngine.Engine.Messaging;

/// <summary>The devices of one WhatsApp user as the server last reported them, cached per line.</summary>
/// <param name="UserJid">The bare user JID (<c>digits@s.whatsapp.net</c> or <c>id@lid</c>).</param>
/// <param name="DeviceIds">Device ids (0 is the phone).</param>
/// <param name="FetchedAt">When the list was fetched.</param>
public sealed record DeviceList(string UserJid, IReadOnlyList<int> DeviceIds, DateTimeOffset FetchedAt);
