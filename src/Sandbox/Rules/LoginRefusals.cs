using System.Collections.Concurrent;
using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R9: accounts whose logins the server refuses, set through the control API — temporary bans (402, with <c>code</c> and
/// <c>expire</c> in seconds from now, as whatsmeow reads it), locks (403), bans (406) and any other failure code. A device
/// that was told of a temporary ban and logs in again before it ends breaks R9: the strict sandbox extends the ban by its
/// length from that moment (that is how a temporary ban turns into a long one) and says so in its log. Thread-safe.
/// </summary>
public sealed class LoginRefusals(RuleBook rules, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _refusals = new(StringComparer.Ordinal);

    /// <summary>Refuses every login of <paramref name="phone"/> with <paramref name="reason"/> (402 needs <paramref name="expire"/>).</summary>
    /// <exception cref="ArgumentException">A reason outside 400–599, or a 402 without a positive expire.</exception>
    public LoginRefusal Refuse(string phone, int reason, string? code, TimeSpan? expire)
    {
        if (reason is < 400 or > 599)
        {
            throw new ArgumentException($"reason {reason} is not a failure code (400 to 599).", nameof(reason));
        }

        if (reason == 402 && expire is not { TotalSeconds: >= 1 })
        {
            throw new ArgumentException("A temporary ban (402) needs expire: its length in seconds (at least 1).", nameof(expire));
        }

        var refusal = reason == 402
            ? new LoginRefusal(reason, code, expire, time.GetUtcNow() + expire!.Value)
            : new LoginRefusal(reason, code, null, null);
        _refusals[phone] = new Entry(refusal);
        return refusal;
    }

    /// <summary>Lifts the refusal of <paramref name="phone"/>; false if there was none.</summary>
    public bool Lift(string phone) => _refusals.TryRemove(phone, out _);

    /// <summary>The refusal of <paramref name="phone"/> in force now, or null (a temporary ban that ended is gone).</summary>
    public LoginRefusal? Current(string phone)
    {
        if (!_refusals.TryGetValue(phone, out var entry))
        {
            return null;
        }

        var refusal = entry.Refusal;
        if (refusal.Until is { } until && until <= time.GetUtcNow())
        {
            _refusals.TryRemove(new KeyValuePair<string, Entry>(phone, entry));
            return null;
        }

        return refusal;
    }

    /// <summary>
    /// The <c>failure</c> that refuses a login of device <paramref name="deviceId"/> of <paramref name="phone"/>, or null
    /// when the account may log in. A device logging in again during a temporary ban it was already told of is a breach
    /// of R9, and the strict sandbox extends the ban.
    /// </summary>
    public Node? RefuseLogin(string phone, int deviceId, string client)
    {
        if (Current(phone) is null || !_refusals.TryGetValue(phone, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        LoginRefusal refusal;
        lock (entry)
        {
            refusal = entry.Refusal;
            if (refusal.Until is { } until && !entry.Told.Add(deviceId))
            {
                var detail = $"logged in again during its temporary ban (402, code {refusal.Code ?? "none"}) ending {until:O}";
                if (rules.Breach(ServerRule.R9, client, detail))
                {
                    refusal = refusal with { Until = now + refusal.Length!.Value };
                    entry.Refusal = refusal;
                }
            }
        }

        var attributes = new List<(string, string)> { ("reason", refusal.Reason.ToString(CultureInfo.InvariantCulture)) };
        if (refusal.Code is { } code)
        {
            attributes.Add(("code", code));
        }

        if (refusal.Until is { } end)
        {
            attributes.Add(("expire", Math.Max(1, (long)Math.Ceiling((end - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
        }

        return new Node("failure", NodeAttributes.Of([.. attributes]));
    }

    private sealed class Entry(LoginRefusal refusal)
    {
        public LoginRefusal Refusal { get; set; } = refusal;

        public HashSet<int> Told { get; } = [];
    }
}
