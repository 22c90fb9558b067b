using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// Applies embedded <c>NNNN_name.sql</c> scripts in order, each once and in its own transaction. Every SQLite file of
/// WaEngine (a line's database, the service registry, the sandbox) uses it with its own resource prefix.
/// </summary>
public static class Migrations
{
    /// <summary>The per-line database's scripts (src/Store/Migrations).</summary>
    public const string LinePrefix = "WaEngine.Store.Migrations.";

    /// <summary>The migrations under <paramref name="resourcePrefix"/> in <paramref name="assembly"/>, by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> All(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var result = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[resourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource {resource} is not named NNNN_name.sql.");
            }

            result.Add((version, name, Read(assembly, resource)));
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>Applies the line database's migrations.</summary>
    public static Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ApplyAsync(connection, typeof(Migrations).Assembly, LinePrefix, cancellationToken);

    /// <summary>Applies the migrations under <paramref name="resourcePrefix"/> of <paramref name="assembly"/> that are not applied yet.</summary>
    public static async Task ApplyAsync(SqliteConnection connection, Assembly assembly, string resourcePrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var (version, name, sql) in All(assembly, resourcePrefix))
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = @version;", new { version }, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                if (applied > 0)
                {
                    continue;
                }

                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at);",
                    new { version, name, at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource {resource} cannot be read.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
