using Npgsql;

namespace KpuOrleans.Bench.Systems;

/// <summary>A fresh database per run on the suite's PostgreSQL server, so no run starts with another's rows.</summary>
internal static class BenchDatabase
{
    public static async Task<string> CreateAsync(string server, string name)
    {
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await Execute(connection, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await Execute(connection, $"CREATE DATABASE {name}");
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, sql);
    }

    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        // CREATE DATABASE copies the template and syncs it to disk: on a busy machine that outlasts Npgsql's 30 s default.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }
}
