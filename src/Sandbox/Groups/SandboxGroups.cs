using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// The sandbox's groups, server side: the store, the <c>w:g2</c> iqs (<see cref="Queries"/>), membership changes with
/// their <c>w:gp2</c> notifications (<see cref="Membership"/>) and the fan-out of group messages and their receipts.
/// </summary>
public sealed class SandboxGroups
{
    internal SandboxGroups(SandboxDatabase database, AccountRegistry accounts, StanzaQueue queue, RuleBook rules,
        Func<SandboxAccount, int, string, string, Node, CancellationToken, Task> deliver, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Store = new GroupStore(database);
        Notifier = new GroupNotifier(deliver, time);
        Membership = new GroupMembership(Store, accounts, Notifier, time);
        MetadataRate = new GroupMetadataRate(rules, time);
        Queries = new GroupQueries(Store, Membership, Notifier, MetadataRate, time);
        Messages = new GroupMessageRouter(Store, accounts, queue, deliver, time, loggerFactory.CreateLogger<GroupMessageRouter>());
    }

    /// <summary>The groups as stored.</summary>
    public GroupStore Store { get; }

    /// <summary>Creating groups and changing who is in them.</summary>
    public GroupMembership Membership { get; }

    /// <summary>The <c>w:g2</c> iq answers.</summary>
    public GroupQueries Queries { get; }

    /// <summary>The <c>w:gp2</c> notifications.</summary>
    public GroupNotifier Notifier { get; }

    /// <summary>The metadata query rate limit (R5).</summary>
    public GroupMetadataRate MetadataRate { get; }

    internal GroupMessageRouter Messages { get; }

    /// <summary>The latest group messages the server fanned out: SKDM parts and stanzas written per message.</summary>
    public IReadOnlyList<GroupFanOut> FanOuts => Messages.FanOuts;

    /// <summary>Completes once every group message so far has reached the virtual phones (they take theirs after the sender's ack).</summary>
    public Task DrainPhonesAsync(CancellationToken cancellationToken) => Messages.DrainPhonesAsync(cancellationToken);

    /// <summary>Hands the phones what is queued for them and ends the loop that does it (the sandbox is stopping).</summary>
    internal ValueTask StopAsync() => Messages.DisposeAsync();
}
