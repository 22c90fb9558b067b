using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// A command about to run: a <see cref="LineConnection"/>'s prepared one (kept when disposed), or a new one on another
/// connection (disposed with it). Bind the parameters, run it once, dispose it.
/// </summary>
public readonly struct SqlStatement : IDisposable
{
    private readonly bool _owned;

    internal SqlStatement(SqliteCommand command, bool owned)
    {
        Command = command;
        _owned = owned;
    }

    /// <summary>The command.</summary>
    public SqliteCommand Command { get; }

    /// <summary>Binds <paramref name="value"/> (null as SQL NULL) to the parameter <paramref name="name"/> (with its <c>@</c>).</summary>
    public SqlStatement Bind(string name, object? value)
    {
        Command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return this;
    }

    /// <summary>Runs it; the number of rows it changed.</summary>
    public int Execute(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Command.ExecuteNonQuery();
    }

    /// <summary>Runs it; the first column of its first row as a 64-bit integer, or null when it returned no row (or NULL).</summary>
    public long? Int64(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Runs it; the first column of its first row as bytes, or null when it returned no row (or NULL).</summary>
    public byte[]? Bytes(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var reader = Command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (byte[])reader.GetValue(0) : null;
    }

    /// <summary>Runs it and reads its rows with <paramref name="read"/>.</summary>
    public List<T> Rows<T>(Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        cancellationToken.ThrowIfCancellationRequested();
        var rows = new List<T>();
        using var reader = Command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Disposes the command unless its connection keeps it.</summary>
    public void Dispose()
    {
        if (_owned)
        {
            Command.Dispose();
        }
    }
}
