using WaEngine.Engine.Binary;
using WaEngine.Engine.Pairing;
using WaEngine.Proto;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// The login lifecycle rules in one place for the protocol parts that meet them: the client version (R8) when a
/// connection arrives, refused accounts (R9), the login pace (R18) and replaced devices (R19) when a device logs in, and
/// passkey-gated linking (R12) when a companion is linked.
/// </summary>
public sealed class LoginRules
{
    /// <summary>How soon a second replacement of one device counts as the replaced client coming back (R19).</summary>
    public static readonly TimeSpan ReplacedAgainWindow = TimeSpan.FromSeconds(60);

    private readonly RuleBook _rules;

    /// <summary>Creates the rules from the sandbox's options.</summary>
    public LoginRules(SandboxOptions options, RuleBook rules, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rules = rules;
        Versions = new ClientVersionPolicy(options.MinimumClientVersion, options.PublishedClientVersion);
        Refusals = new LoginRefusals(rules, time);
        Passkeys = new PasskeyGate(rules);
        Pace = new LoginPace(options.LoginsPerSecond, rules, time);
        Replacements = new ReplacementWatch(ReplacedAgainWindow, rules, time);
        Activity = new CompanionActivity(rules, time, CompanionActivity.DefaultLimit);
    }

    /// <summary>R17: companions that look inactive are logged out.</summary>
    public CompanionActivity Activity { get; }

    /// <summary>R8: the minimum and the published WhatsApp Web version.</summary>
    public ClientVersionPolicy Versions { get; }

    /// <summary>R9: accounts whose logins are refused (temporary bans and others).</summary>
    public LoginRefusals Refusals { get; }

    /// <summary>R12: accounts whose linking is passkey-gated.</summary>
    public PasskeyGate Passkeys { get; }

    /// <summary>R18: logins per second.</summary>
    public LoginPace Pace { get; }

    /// <summary>R19: devices replaced again soon after a replacement.</summary>
    public ReplacementWatch Replacements { get; }

    /// <summary>
    /// The <c>failure reason="405"</c> that refuses a connection (login or registration) announcing a version below the
    /// minimum, or null when it may go on (a lenient sandbox lets it go on after counting the breach).
    /// </summary>
    public Node? RefuseConnection(ClientPayload payload, string client) =>
        Versions.Refusal(payload) is { } why && _rules.Breach(ServerRule.R8, client, why)
            ? new Node("failure", NodeAttributes.Of(("reason", "405"), ("location", "sandbox")))
            : null;
}
