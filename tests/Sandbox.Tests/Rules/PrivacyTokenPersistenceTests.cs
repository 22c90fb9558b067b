using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R2 across a sandbox restart: WhatsApp's servers forget no token, contact or salt, so neither may the sandbox — the
/// soak found lines refused with 463 for good after a restart, because tokens the phones had issued were gone.
/// </summary>
public class PrivacyTokenPersistenceTests
{
    [Fact]
    public async Task R2_issued_tokens_contacts_and_salts_outlive_a_restart_and_a_token_still_checks_out()
    {
        using var data = new TempFolder();
        var database = await SandboxDatabase.OpenAsync(data.Path, CancellationToken.None);
        var accounts = new AccountRegistry(database, TimeProvider.System);
        var phone = await accounts.CreateAsync("15550009701", null, null, CancellationToken.None);
        var line = await accounts.CreateAsync("15550009702", null, null, CancellationToken.None);
        var stranger = await accounts.CreateAsync("15550009703", null, null, CancellationToken.None);
        var rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);

        var before = new PrivacyTokens(rules, TimeProvider.System, requireForStrangers: true, database);
        await before.LoadAsync(CancellationToken.None);
        var token = before.Issue("phone", phone, line)!;
        before.RecordContact(phone.Phone, stranger.Phone);
        var salt = before.SaltOf(line.Phone);

        // A new run of the sandbox on the same database.
        var after = new PrivacyTokens(rules, TimeProvider.System, requireForStrangers: true, SandboxDatabaseReopened(data.Path));
        await after.LoadAsync(CancellationToken.None);
        Assert.Null(after.Refusal("line", line, phone, Message(line, phone, new Node("tctoken", null, token.Token))));
        Assert.True(after.InContact(stranger.Phone, phone.Phone));
        Assert.Equal(salt, after.SaltOf(line.Phone));
        Assert.Null(after.Refusal("line", line, stranger, Message(line, stranger, new Node("cstoken", null, after.CsToken(line, stranger)))));
        Assert.Equal(0, rules.BreachCount(ServerRule.R2));

        // And a token that never was is still refused (so the check is not simply off after a restart).
        Assert.Equal(463, after.Refusal("line", line, phone, Message(line, phone, new Node("tctoken", null, new byte[24]))));
        Assert.Equal(1, rules.BreachCount(ServerRule.R2));
    }

    private static SandboxDatabase SandboxDatabaseReopened(string folder) => SandboxDatabase.OpenAsync(folder, CancellationToken.None).GetAwaiter().GetResult();

    private static Node Message(SandboxAccount from, SandboxAccount to, Node token) =>
        new("message", NodeAttributes.Of(("to", to.Jid), ("id", "3EB0" + from.Phone), ("type", "text")), [token]);
}
