namespace WaEngine.Store;

/// <summary>
/// How far a committed transaction of a line database is durable (SQLite's <c>synchronous</c> in WAL mode). Every commit
/// of a line — a message stored, a ratchet step, a status move — is one transaction.
/// </summary>
public enum CommitDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c>: each commit waits for the disk (one fsync of the WAL), so it survives a crash of the
    /// operating system or a power loss too. The default.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: a commit is written to the WAL without waiting for the disk; the WAL is synced at each
    /// checkpoint. A committed transaction survives the process being killed (SIGKILL, a crash of the service); only a
    /// crash of the operating system or a power loss may lose the last commits (never corrupt the database). Commits
    /// cost microseconds instead of a disk flush each.
    /// </summary>
    Normal,
}
