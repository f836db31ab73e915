using KpuOrleans.Postgres;
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
        await using (var database = NpgsqlDataSource.Create(owner))
            await Migrations.ApplyAsync(database, NullLogger.Instance);
        return (owner, PostgresServer.AsApplication(owner));
    }
}
