using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// Tells a write refused because the data folder's disk is full (SQLite's <c>SQLITE_FULL</c>, or the file system's
/// <c>ENOSPC</c>) from every other failure: such a write stored nothing, SQLite rolled its transaction back, and the
/// same write succeeds once space returns — so the caller answers "try again later" instead of failing for good.
/// </summary>
public static class StorageFull
{
    /// <summary>SQLite's primary result code for "database or disk is full".</summary>
    public const int SqliteFullCode = 13;

    private const int NoSpaceErrno = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>Whether <paramref name="failure"/>, or an exception inside it, says the disk is full.</summary>
    public static bool Is(Exception? failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xFF) == SqliteFullCode:
                    return true;
                case IOException io when io.HResult is NoSpaceErrno or WindowsDiskFull or WindowsHandleDiskFull:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }

        return false;
    }
}
