using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Postgres;

public static class PostgresServices
{
    public const string ConnectionStringName = "Kpu";

    /// <summary>The database, the ledger and the certificates on it, for silos (which append) and gateways (which export).</summary>
    public static IServiceCollection AddKpuPostgres(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(Tuned(connectionString, maxPoolSize: 20, SynchronousCommitOf(configuration))).Build());
        services.AddOptions<LedgerOptions>().Bind(configuration.GetSection(LedgerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsCheck>();
        services.AddSingleton<PostgresLedger>();
        services.AddSingleton<ILedger>(provider => provider.GetRequiredService<PostgresLedger>());
        services.AddSingleton<IPhotoCatalogue>(provider => provider.GetRequiredService<PostgresLedger>());
        services.AddSingleton<ICertificateRegister, PostgresCertificateRegister>();
        services.AddSingleton<Evidence.IDisputeRegister, PostgresDisputeRegister>();
        return services;
    }

    /// <summary>The ledger's <c>synchronous_commit</c> (<c>Ledger:SynchronousCommit</c>), for every session of this process.</summary>
    public static string SynchronousCommitOf(IConfiguration configuration) =>
        configuration.GetSection(LedgerOptions.Section)[nameof(LedgerOptions.SynchronousCommit)] is { Length: > 0 } value ? value : new LedgerOptions().SynchronousCommit;

    /// <summary>
    /// A form waits on the database while its officer waits on us: when PostgreSQL is away, say so (503) within
    /// seconds rather than after Npgsql's default 15 s connect timeout. Each process also keeps to a share of the
    /// server's connections (Npgsql would open up to 100 per pool), so that a few silos, gateways and the migration job
    /// together stay under PostgreSQL's max_connections. The same few statements run thousands of times a second,
    /// so they are prepared once per connection rather than parsed and planned each time; and as nothing here keeps
    /// session state on a connection, handing one back to the pool need not reset it (a round trip each time).
    /// Values the connection string sets itself are kept.
    /// </summary>
    /// <param name="synchronousCommit">Set on every session, whatever the server, role or database default: an
    /// acknowledged form is flushed (and, with a synchronous standby, on the standby) before its officer hears 201.
    /// <see cref="LedgerOptions"/> refuses values that would not wait for that.</param>
    public static string Tuned(string connectionString, int maxPoolSize, string synchronousCommit = "on")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var defaults = new NpgsqlConnectionStringBuilder();
        if (builder.Timeout == defaults.Timeout) builder.Timeout = 5;
        if (builder.CommandTimeout == defaults.CommandTimeout) builder.CommandTimeout = 15;
        if (builder.MaxPoolSize == defaults.MaxPoolSize) builder.MaxPoolSize = maxPoolSize;
        if (builder.MaxAutoPrepare == defaults.MaxAutoPrepare) builder.MaxAutoPrepare = 32;
        if (builder.NoResetOnClose == defaults.NoResetOnClose) builder.NoResetOnClose = true;
        // A prepared statement may otherwise settle on a generic plan made while the ledger was nearly empty: a
        // sequential scan of the whole ledger for every village that activates (seen in the benchmarks: 5x the
        // database CPU). Planning each execution with its actual parameters keeps the index scans.
        builder.Options ??= "-c plan_cache_mode=force_custom_plan";
        builder.Options += $" -c synchronous_commit={synchronousCommit}";
        return builder.ConnectionString;
    }
}
