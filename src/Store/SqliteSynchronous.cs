namespace WaEngine.Store;

/// <summary>
/// How the line databases wait for the disk (SQLite's <c>synchronous</c> under WAL; the service's <c>Store__Synchronous</c>).
/// Both keep every committed transaction through a crash or SIGKILL of the process and never corrupt the file; they
/// differ only when the machine itself loses power or the kernel crashes.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// Every commit waits for an fsync of the WAL (SQLite's default): a commit survives a power loss too. On a virtual
    /// disk an fsync takes milliseconds, and each line's commits queue behind it.
    /// </summary>
    Full,

    /// <summary>
    /// Commits are written to the WAL without an fsync; only checkpoints wait for the disk. A power loss or kernel crash
    /// may roll back the last commits (never corrupts the file); a process crash or SIGKILL loses nothing.
    /// </summary>
    Normal,
}
