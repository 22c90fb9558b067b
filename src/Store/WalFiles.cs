using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// Keeps a database's <c>-wal</c> and <c>-shm</c> files on disk when its last connection closes (SQLite's persistent
/// WAL mode), emptied to zero bytes instead of deleted. A line's pool closes its connections 2 s after the line's last
/// use, so an idle line holds no descriptor; without this, SQLite deleted both files at each such close and the next
/// use created them again — file creation inside <c>open()</c> was about half of the service's CPU while a thousand lines
/// paired (perf, bench/restore 1000). <c>journal_size_limit</c> makes the close empty the kept WAL (and caps it at
/// 1 MiB after a checkpoint while the line is busy), so an idle line's WAL takes no space; its <c>-shm</c> keeps its
/// 32 KiB. The files keep the private mode they were created with (<see cref="PrivateFiles"/>).
/// </summary>
internal static partial class WalFiles
{
    /// <summary>SQLITE_FCNTL_PERSIST_WAL (sqlite3.h).</summary>
    private const int PersistWalOp = 10;

    /// <summary>Applies both to a connection just opened; a SQLite that refuses the file control keeps its default (the files deleted at close), which loses nothing.</summary>
    public static void Persist(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Handle is not { } handle)
        {
            return;
        }

        var on = 1;
        _ = FileControl(handle.DangerousGetHandle(), "main", PersistWalOp, ref on);
        using var limit = connection.CreateCommand();
        limit.CommandText = "PRAGMA journal_size_limit = 1048576;";
        limit.ExecuteNonQuery();
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_file_control", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FileControl(IntPtr database, string name, int op, ref int argument);
}
