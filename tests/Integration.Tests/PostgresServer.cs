using System.Diagnostics;
using KpuOrleans.TestKit;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// A real PostgreSQL from the project's own script (scripts/postgres.sh, Debian's package), one per port, started on
/// first use. Each test gets a database of its own.
/// </summary>
public sealed class PostgresServer(int port)
{
    /// <summary>The server the in-process tests share; crash tests start their own so they can kill it.</summary>
    public static readonly PostgresServer Shared = new(54329);

    private readonly SemaphoreSlim _gate = new(1, 1);

    // One script at a time in this process: the first may still be installing PostgreSQL with apt-get.
    private static readonly SemaphoreSlim Script = new(1, 1);
    private string? _connectionString;

    public int Port => port;

    /// <summary>
    /// The same database as the application role sees it: scripts/postgres.sh makes the login role <c>kpu_silo</c>, a
    /// member of <c>kpu_app</c>, on every server it starts (the connection strings elsewhere belong to the owner).
    /// </summary>
    public static string AsApplication(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = "kpu_silo", Password = "kpu_silo" }.ConnectionString;

    public async Task<string> StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _connectionString ??= (await ScriptAsync("start")).Trim();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RestartAsync()
    {
        await ScriptAsync("restart");
        // Connections this process pooled before the restart are dead now.
        NpgsqlConnection.ClearAllPools();
    }

    public Task StopAsync() => ScriptAsync("stop");

    /// <summary>A new, empty database on this server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "kpu_test")
    {
        var server = await StartAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            // Copying the template and syncing it can outlast Npgsql's 30 s default while crash tests load the disk.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection) { CommandTimeout = 300 };
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public async Task<string> ScriptAsync(string command)
    {
        await Script.WaitAsync();
        try
        {
            return await RunScriptAsync(command);
        }
        finally
        {
            Script.Release();
        }
    }

    private async Task<string> RunScriptAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "postgres.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["KPU_PG_PORT"] = port.ToString();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"postgres.sh {command} failed ({process.ExitCode}): {await errors}");
        return await output;
    }
}
