using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Rules;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The issuance iq (<c>iq xmlns="privacy" type="set"</c> with <c>&lt;tokens&gt;&lt;token jid t type="trusted_contact"/&gt;…</c>,
/// one <c>&lt;token&gt;</c> per contact, as many as the client names): each contact named gets a token from
/// <see cref="PrivacyTokens"/>, delivered to its companion devices as a <c>privacy_token</c> notification (queued like any
/// stanza, so an offline device gets it at login); the answer lists the tokens, each under the jid it was asked for (a
/// LID when asked by LID). A storm (a second issuance to a contact in one bucket) is answered 429 <c>rate-overlimit</c>
/// (R2) and then no contact of the iq gets a token. Each token issued is counted in <see cref="IqTally"/> as
/// <c>privacy/set/tokens/token</c> beside the iq's own count, so a client batching its issuance shows it.
/// </summary>
internal sealed class PrivacyTokenIssuance(AccountRegistry accounts, PrivacyTokens tokens, MessageRouter router, IqTally? tally = null)
{
    /// <summary>The kind under which <see cref="IqTally"/> counts each token issued.</summary>
    public const string TokenKind = "privacy/set/tokens/token";

    /// <summary>The answer to an issuance iq from <paramref name="device"/>.</summary>
    /// <exception cref="StanzaException">The iq is malformed (the caller answers 400).</exception>
    public async Task<Node> HandleAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var asked = new List<(Jid Jid, SandboxAccount Contact)>();
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

            asked.Add((jid with { Device = null, Agent = null }, contact));
        }

        if (tokens.IssueAll(device.Jid, device.Account, [.. asked.Select(a => a.Contact)]) is not { } issued)
        {
            return Error(iq, 429, "rate-overlimit");
        }

        for (var i = 0; i < issued.Count; i++)
        {
            tally?.Count(device.Account.Phone, TokenKind);
            foreach (var holder in asked[i].Contact.Devices.Where(d => d.DeviceId != 0))
            {
                var id = "pt" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
                var notification = PrivacyTokens.BuildNotification(id, device.Account, holder.Jid, issued[i]);
                await router.DeliverAsync(asked[i].Contact, holder.DeviceId, "notification", id, notification, cancellationToken).ConfigureAwait(false);
            }
        }

        return Result(iq, new Node("tokens", null, [.. asked.Select((a, i) => new Node("token",
            NodeAttributes.Of(("jid", a.Jid.ToString()), ("t", issued[i].Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("type", "trusted_contact")), issued[i].Token))]));
    }
}
