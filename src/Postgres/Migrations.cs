using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// The project's own schema, versioned: each embedded <c>Sql/NNNN_name.sql</c> is applied once, in order, in its own
/// transaction, and recorded in <c>kpu_schema_migrations</c>. An advisory lock lets many silos start at once.
/// </summary>
public static class Migrations
{
    private const long LockKey = 0x4B50_5530_4D49_47; // any fixed number; "KPU0MIG"

    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } = Load();

    /// <summary>
    /// Whether every migration this build knows is recorded. Reads only, so the application role (which may not
    /// migrate) can ask; a database that was never migrated, or not since before the roles (0006: the application
    /// role may not even read the record yet), is simply not current.
    /// </summary>
    public static async Task<bool> IsCurrentAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("SELECT coalesce(array_agg(version), '{}') FROM kpu_schema_migrations");
        try
        {
            var applied = (int[])(await command.ExecuteScalarAsync(cancellationToken))!;
            return All.All(m => applied.Contains(m.Version));
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    /// <returns>The names of the migrations this call applied (empty when the schema was current).</returns>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource database, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await Execute(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            await Execute(connection, null, """
                CREATE TABLE IF NOT EXISTS kpu_schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT version FROM kpu_schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetInt32(0));
            }
            var done = new List<string>();
            foreach (var (version, name, sql) in All.Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, transaction, sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO kpu_schema_migrations (version, name) VALUES (@v, @n)", connection, transaction))
                {
                    record.Parameters.AddWithValue("v", version);
                    record.Parameters.AddWithValue("n", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", version, name);
                done.Add(name);
            }
            return done;
        }
        finally
        {
            await Execute(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "kpu.sql.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (int.Parse(name[..name.IndexOf('_')]), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)];
    }
}
