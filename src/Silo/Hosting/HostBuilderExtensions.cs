using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Silo.Hosting;

public static class HostBuilderExtensions
{
    /// <summary>
    /// Hosts a silo in this process. Without a <c>ConnectionStrings:Kpu</c> it is a single, localhost-clustered silo
    /// with in-memory storage: fine for trying the system out, and nothing in it survives the process.
    /// </summary>
    public static IHostApplicationBuilder AddKpuSilo(this IHostApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Kpu")))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Kpu is set, but this build has no PostgreSQL storage yet; unset it to run the embedded, in-memory system.");
        }
        var cluster = KpuClusterOptions.From(builder.Configuration);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
            .AddKpuGrains());
        builder.Services.AddHostedService<InMemoryWarning>();
        return builder;
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
