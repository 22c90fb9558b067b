using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>Statements on any connection: prepared and kept on a <see cref="LineConnection"/>, made for one use elsewhere.</summary>
public static class SqlStatements
{
    /// <summary>
    /// The statement for <paramref name="sql"/> in <paramref name="transaction"/> (null outside one): the connection's
    /// kept one when it is a <see cref="LineConnection"/>, else a new command disposed with the statement.
    /// </summary>
    public static SqlStatement Statement(this SqliteConnection connection, string sql, SqliteTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection is LineConnection line)
        {
            return line.Prepare(sql, transaction);
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return new SqlStatement(command, owned: true);
    }
}
