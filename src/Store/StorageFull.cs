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

    /// <summary>SQLite's primary result code for an I/O error: what it reports when the disk is full while it grows its shared-memory file (<c>SQLITE_IOERR_SHMSIZE</c>) or writes outside a transaction's pages.</summary>
    public const int SqliteIoErrorCode = 10;

    /// <summary>Below this many free bytes a folder's disk counts as full.</summary>
    public const long FullBelowBytes = 1 << 20;

    /// <summary>
    /// Whether <paramref name="failure"/> says the disk is full (<see cref="Is(Exception?)"/>), or is SQLite's I/O
    /// error while one of <paramref name="folders"/> has (almost) no room left: opening a database in WAL mode creates
    /// its shared-memory file, and SQLite calls a failure there an I/O error, not a full disk.
    /// </summary>
    public static bool Is(Exception? failure, params string[] folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return Is(failure) || (IsIoError(failure) && folders.Any(IsNearlyFull));
    }

    /// <summary>Whether the disk <paramref name="folder"/> is on has less than <see cref="FullBelowBytes"/> free (false when that cannot be told).</summary>
    public static bool IsNearlyFull(string folder)
    {
        try
        {
            return Directory.Exists(folder) && new DriveInfo(folder).AvailableFreeSpace < FullBelowBytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    private static bool IsIoError(Exception? failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is SqliteException sqlite && (sqlite.SqliteErrorCode & 0xFF) == SqliteIoErrorCode)
            {
                return true;
            }
        }

        return false;
    }

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
