using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// What the server checks in the shape of a 1:1 message stanza before it routes it: one address namespace (R1, else ack
/// error 400) and the retry resend's own shape (R3, else ack error 479). Group, status and newsletter stanzas are not
/// looked at. The device-sent copy's <c>destinationJid</c> travels encrypted, so the server (and this class) cannot see it.
/// </summary>
public sealed class MessageShapeRules(RuleBook rules)
{
    /// <summary>The ack error the server answers <paramref name="message"/> with, or null when its shape is fine (or the sandbox is lenient).</summary>
    /// <param name="client">The sending device, for the log.</param>
    /// <param name="message">The message stanza as the client sent it.</param>
    public int? Refusal(string client, Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (RetryShapeProblem(message) is { } retry && rules.Breach(ServerRule.R3, client, retry))
        {
            return 479;
        }

        if (MixedNamespace(message) is { } mixed && rules.Breach(ServerRule.R1, client, mixed))
        {
            return 400;
        }

        return null;
    }

    /// <summary>
    /// R1: a 1:1 stanza whose <c>to</c> and <c>&lt;participants&gt;&lt;to jid&gt;</c> (peer devices and the sender's own)
    /// are not all phone-number JIDs or all LID JIDs; says which two disagree, or null.
    /// </summary>
    public static string? MixedNamespace(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Jid.TryParse(message.Attr("to") ?? "", out var to) || NamespaceOf(to) is not { } expected)
        {
            return null;
        }

        foreach (var target in message.Child("participants")?.ChildrenNamed("to") ?? [])
        {
            var text = target.Attr("jid") ?? "";
            if (Jid.TryParse(text, out var device) && NamespaceOf(device) is { } actual && actual != expected)
            {
                return $"to {to} is addressed by {expected} but participant {text} by {actual}";
            }
        }

        return null;
    }

    /// <summary>
    /// R3: a 1:1 retry resend (an <c>enc</c> with a <c>count</c>, or <c>device_fanout</c> set) that is not one top-level
    /// <c>&lt;enc count&gt;</c> to the one device, with <c>device_fanout="false"</c> and no <c>&lt;participants&gt;</c>;
    /// says everything wrong with it, or null.
    /// </summary>
    public static string? RetryShapeProblem(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Jid.TryParse(message.Attr("to") ?? "", out var to) || NamespaceOf(to) is null)
        {
            return null;
        }

        var topLevel = message.ChildrenNamed("enc").ToList();
        var participants = message.Child("participants");
        var nested = participants?.ChildrenNamed("to").SelectMany(t => t.ChildrenNamed("enc")).ToList() ?? [];
        var fanout = message.Attr("device_fanout");
        var isRetry = fanout is not null || topLevel.Concat(nested).Any(e => e.Attr("count") is not null);
        if (!isRetry)
        {
            return null;
        }

        var problems = new List<string>();
        if (participants is not null)
        {
            problems.Add($"it carries <participants> ({nested.Count} enc)");
        }

        if (topLevel.Count != 1)
        {
            problems.Add($"it has {topLevel.Count} top-level enc (expected 1)");
        }
        else if (topLevel[0].Attr("count") is null)
        {
            problems.Add("its enc has no count");
        }

        if (fanout != "false")
        {
            problems.Add(fanout is null ? "device_fanout is missing (expected \"false\")" : $"device_fanout is \"{fanout}\" (expected \"false\")");
        }

        return problems.Count == 0 ? null : "retry resend to " + to + ": " + string.Join("; ", problems);
    }

    /// <summary>Whether <paramref name="message"/> is a retry resend in the reference shape (one top-level enc to one device).</summary>
    public static bool IsRetryResend(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Attr("device_fanout") == "false" && message.Child("participants") is null && message.ChildrenNamed("enc").Count() == 1;
    }

    private static string? NamespaceOf(Jid jid) => jid.Server switch
    {
        JidServers.WhatsApp or JidServers.LegacyUser or JidServers.Hosted => "phone number",
        JidServers.Lid or JidServers.HostedLid => "LID",
        _ => null,
    };
}
