using KpuOrleans.Hosting;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Api.Export;

public static class ExportExtensions
{
    /// <summary>
    /// The export's snapshots and download bound; with PostgreSQL, its own small pool on <c>ConnectionStrings:KpuRead</c>
    /// or the primary (<see cref="PostgresExportSource"/>); embedded, the in-memory ledger.
    /// </summary>
    public static WebApplicationBuilder AddKpuExport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ExportOptions>().Bind(builder.Configuration.GetSection(ExportOptions.Section))
            .Validate(o => o.SnapshotInterval > TimeSpan.Zero && o.MaxConcurrentDownloads > 0 && o.MinBytesPerSecond > 0 && o.ReadConnections > 0,
                $"{ExportOptions.Section}: SnapshotInterval, MaxConcurrentDownloads, MinBytesPerSecond and ReadConnections must be positive")
            .ValidateOnStart();
        if (builder.KpuDeployment().ConnectionString is { } primary)
        {
            var connectionString = builder.Configuration.GetConnectionString(PostgresExportSource.ReplicaConnectionStringName) is { Length: > 0 } replica
                ? replica : primary;
            services.AddSingleton<IExportSource>(provider =>
                PostgresExportSource.Create(connectionString, provider.GetRequiredService<IOptions<ExportOptions>>().Value.ReadConnections));
        }
        else services.AddSingleton<IExportSource>(provider => new LedgerExportSource(provider.GetRequiredService<ILedger>()));
        services.AddSingleton(provider => new ExportSnapshots(provider.GetRequiredService<IExportSource>(),
            provider.GetRequiredService<IOptions<ExportOptions>>(), provider.GetKeyedService<TimeProvider>(ExportOptions.Section) ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<ExportSnapshots>>()));
        services.AddSingleton<ExportDownloads>();
        return builder;
    }
}
