namespace WaEngine.Sandbox.Groups;

/// <summary>
/// What became of one participant of a create, add, remove, promote or demote, with the code WhatsApp answers per
/// participant: 200 done, 403 the account's groupadd privacy forbids it (an <c>add_request</c> invite is returned
/// instead), 404 not on WhatsApp or not in the group, 409 already in the group.
/// </summary>
/// <param name="Asked">The JID as the client named it.</param>
/// <param name="Account">The account it names, or null when no account has it.</param>
/// <param name="Status">200, 403, 404 or 409.</param>
public sealed record GroupAddOutcome(string Asked, Accounts.SandboxAccount? Account, int Status);
