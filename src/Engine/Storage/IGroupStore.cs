using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Engine.Storage;

/// <summary>
/// The groups a line is in, kept in the line's store: metadata fetched once and then kept current by <c>w:gp2</c>
/// notifications (a send never asks the server again, SERVER-RULES R5), and which participant devices hold our sender
/// key in each group. Reads are safe from any thread.
/// </summary>
public interface IGroupStore
{
    /// <summary>The stored group, or null when the line does not know it.</summary>
    Task<GroupInfo?> GetAsync(string groupJid, CancellationToken cancellationToken);

    /// <summary>Every stored group, by subject.</summary>
    Task<IReadOnlyList<GroupInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="group"/> as the server listed it (replacing what was stored), without an event.</summary>
    Task SaveAsync(GroupInfo group, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> and, when <paramref name="journal"/>, journals its webhook event in the same
    /// transaction; a participant leaving or being removed also marks our sender key for rotation. A change to a group
    /// the store does not know is only journalled.
    /// </summary>
    Task ApplyAsync(GroupChange change, bool journal, CancellationToken cancellationToken);

    /// <summary>Forgets a group the line left or was removed from (its messages stay).</summary>
    Task ForgetAsync(string groupJid, CancellationToken cancellationToken);

    /// <summary>The device JIDs that hold our current sender key for the group, and whether the key is to be replaced first.</summary>
    Task<(IReadOnlySet<string> Holders, bool RotateKey)> KeyHoldersAsync(string groupJid, CancellationToken cancellationToken);

    /// <summary>Whether our device <paramref name="deviceJid"/> has read the account's whole group list from the server since it was paired.</summary>
    Task<bool> SyncedAsync(string deviceJid, CancellationToken cancellationToken);

    /// <summary>Records that our device <paramref name="deviceJid"/> read the account's whole group list from the server.</summary>
    Task MarkSyncedAsync(string deviceJid, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="deviceJids"/> received our sender key; <paramref name="rotated"/> when it is a new key (the holders of the old one are dropped).</summary>
    Task AddKeyHoldersAsync(string groupJid, IEnumerable<string> deviceJids, bool rotated, CancellationToken cancellationToken);
}
