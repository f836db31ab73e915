using System.Net;
using KpuOrleans.Regions;
using KpuOrleans.Hosting.Operations;
using KpuOrleans.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KpuOrleans.Hosting;

public static class SiloHosting
{
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Hosts a silo in this process. With <c>ConnectionStrings:Kpu</c> it is durable: ledger, grain state and cluster
    /// membership in PostgreSQL, the schema migrated at start-up. Without it, it is the embedded system: one
    /// localhost silo with in-memory storage, fine for trying things out, and nothing in it survives the process.
    /// </summary>
    public static IHostApplicationBuilder AddKpuSilo(this IHostApplicationBuilder builder)
    {
        var cluster = KpuClusterOptions.From(builder.Configuration);
        var connectionString = builder.KpuDeployment().ConnectionString;
        builder.Services.AddKpuWatchdogStartRaceFilter();
        if (connectionString is null)
        {
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
                .AddKpuDashboard()
                .AddKpuGrains());
            builder.Services.AddHostedService<InMemoryWarning>();
            builder.Services.AddHealthChecks().AddCheck<SiloMembershipCheck>("silo", tags: [OperationsExtensions.ReadyTag]);
            return builder;
        }

        builder.Services.AddKpuPostgres(builder.Configuration, connectionString);
        var orleansConnectionString = PostgresServices.Tuned(connectionString, maxPoolSize: 10);
        // Registered before the silo so that it runs first: membership and state need their tables.
        builder.Services.AddHostedService<MigrateOnStart>();
        builder.Services.AddHostedService<ReconcilerKeeper>();
        builder.Services.AddHostedService(services => new SiloAnnouncement(cluster, services.GetRequiredService<ILogger<SiloAnnouncement>>()));
        builder.Services.AddHealthChecks()
            .AddCheck<SiloMembershipCheck>("silo", tags: [OperationsExtensions.ReadyTag])
            .AddCheck<PostgresCheck>("postgres", tags: [OperationsExtensions.ReadyTag]);
        builder.UseOrleans(silo => silo
            .Configure<Orleans.Configuration.ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            })
            .Configure<Orleans.Configuration.SiloOptions>(options => options.SiloName = cluster.SiloName ?? options.SiloName)
            .Configure<Orleans.Configuration.ClusterMembershipOptions>(options =>
            {
                // Election night cannot wait the default ~15 s to notice a dead silo: its grains are unreachable
                // until then. Probe every 2 s, suspect after 2 misses. Orleans:Membership overrides.
                options.ProbeTimeout = TimeSpan.FromSeconds(2);
                options.NumMissedProbesLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
                builder.Configuration.GetSection("Orleans:Membership").Bind(options);
            })
            .Configure<Orleans.Configuration.SiloMessagingOptions>(options => options.ResponseTimeout = GrainCalls.Deadline)
            .ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedIP is not null)
            .UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = orleansConnectionString;
            })
            .AddKpuRegionStorage(orleansConnectionString)
            .AddKpuDashboard()
            .AddKpuGrains());
        return builder;
    }

    private static IPAddress AdvertisedAddress(KpuClusterOptions cluster)
    {
        if (cluster.AdvertisedIP is not { Length: > 0 } ip) return IPAddress.Loopback;
        return IPAddress.TryParse(ip, out var address) ? address
            : throw new InvalidOperationException($"Orleans:AdvertisedIP (or POD_IP) is '{ip}', which is not an IP address.");
    }

    /// <summary>
    /// A silo needs the schema this build was written for. In production it connects as the application role, which
    /// may not change the schema: `migrate` runs first as the owner and this only checks. In development one role
    /// owns everything and the silo migrates by itself.
    /// </summary>
    private sealed class MigrateOnStart(NpgsqlDataSource database, ILogger<MigrateOnStart> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (await Migrations.IsCurrentAsync(database, cancellationToken)) return;
            try
            {
                await Migrations.ApplyAsync(database, logger, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new SchemaNotCurrentException(
                    "The database schema is not current and this silo's role may not migrate it (" + e.MessageText + "). " +
                    "Run `migrate` with the owner's connection string first (ConnectionStrings__Kpu of the owner role; " +
                    "README, \"Database roles\"), then start the silos again.", e);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Which silo this is and where: the first line an operator looks for in a pod's log.</summary>
    private sealed class SiloAnnouncement(KpuClusterOptions cluster, ILogger<SiloAnnouncement> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("Silo {Name} of cluster {ClusterId} (service {ServiceId}) at {Address}, silo port {SiloPort}, gateway port {GatewayPort}",
                cluster.SiloName ?? Environment.MachineName, cluster.ClusterId, cluster.ServiceId, AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class InMemoryWarning(ILogger<InMemoryWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning(
                "EMBEDDED MODE: one silo with IN-MEMORY storage. Accepted forms and tallies are NOT DURABLE and are lost when this process stops. " +
                "Set ConnectionStrings__Kpu to a PostgreSQL database for a durable system.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
