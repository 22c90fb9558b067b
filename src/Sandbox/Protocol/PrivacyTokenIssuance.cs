using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Rules;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The issuance iq (<c>iq xmlns="privacy" type="set"</c> with <c>&lt;tokens&gt;&lt;token jid t type="trusted_contact"/&gt;</c>):
/// each contact named gets a token from <see cref="PrivacyTokens"/>, delivered to its companion devices as a
/// <c>privacy_token</c> notification (queued like any stanza, so an offline device gets it at login); the answer lists
/// the tokens. A storm (a second issuance to a contact in one bucket) is answered 429 <c>rate-overlimit</c> (R2).
/// </summary>
internal sealed class PrivacyTokenIssuance(AccountRegistry accounts, PrivacyTokens tokens, MessageRouter router)
{
    /// <summary>The answer to an issuance iq from <paramref name="device"/>.</summary>
    /// <exception cref="StanzaException">The iq is malformed (the caller answers 400).</exception>
    public async Task<Node> HandleAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var issued = new List<(SandboxAccount Contact, IssuedToken Token)>();
        foreach (var request in iq.RequiredChild("tokens").ChildrenNamed("token"))
        {
            var reader = new AttributeReader(request);
            var jid = reader.Jid("jid");
            var type = reader.String("type");
            reader.ThrowIfInvalid();
            if (type != "trusted_contact")
            {
                throw new StanzaException($"privacy token type '{type}' is not trusted_contact.");
            }

            var contact = await accounts.FindByJidAsync(jid with { Device = null }, cancellationToken).ConfigureAwait(false);
            if (contact is null || contact.Phone == device.Account.Phone)
            {
                continue;
            }

            if (tokens.Issue(device.Jid, device.Account, contact) is not { } token)
            {
                return Error(iq, 429, "rate-overlimit");
            }

            issued.Add((contact, token));
        }

        foreach (var (contact, token) in issued)
        {
            foreach (var holder in contact.Devices.Where(d => d.DeviceId != 0))
            {
                var id = "pt" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
                var notification = PrivacyTokens.BuildNotification(id, device.Account, holder.Jid, token);
                await router.DeliverAsync(contact, holder.DeviceId, "notification", id, notification, cancellationToken).ConfigureAwait(false);
            }
        }

        return Result(iq, new Node("tokens", null, issued.Select(i => new Node("token",
            NodeAttributes.Of(("jid", i.Contact.Jid), ("t", i.Token.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("type", "trusted_contact")), i.Token.Token)).ToList()));
    }
}
