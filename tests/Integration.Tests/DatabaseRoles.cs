using KpuOrleans.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>A database migrated by its owner, and the same database as the application role sees it.</summary>
public static class DatabaseRoles
{
    /// <summary>A new database, migrated as the owner; its owner's and its application role's connection strings.</summary>
    public static async Task<(string Owner, string Application)> CreateMigratedAsync()
    {
        var owner = await PostgresServer.Shared.CreateDatabaseAsync("kpu_roles");
        await PrepareAsync(owner);
        await using (var database = NpgsqlDataSource.Create(owner))
            await Migrations.ApplyAsync(database, NullLogger.Instance);
        return (owner, PostgresServer.AsApplication(owner));
    }

    /// <summary>
    /// 0006 grants on kpu_freezes, which 0005 (certification freezes, issue 14 item 4) creates. Until that migration
    /// is in this build, a stand-in of its shape lets 0006 run; once it is, this does nothing.
    /// </summary>
    public static async Task PrepareAsync(string ownerConnectionString)
    {
        if (Migrations.All.Any(m => m.Version == 5)) return;
        await using var database = NpgsqlDataSource.Create(ownerConnectionString);
        await using var command = database.CreateCommand("""
            CREATE TABLE kpu_freezes (
                id bigserial PRIMARY KEY, contest text NOT NULL, district text NOT NULL,
                frozen_by text NOT NULL, frozen_at timestamptz NOT NULL, released_at timestamptz NULL)
            """);
        await command.ExecuteNonQueryAsync();
    }
}
