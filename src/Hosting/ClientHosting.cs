using KpuOrleans.Registry;
using KpuOrleans.Hosting.Operations;
using KpuOrleans.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using Microsoft.Extensions.Hosting;

namespace KpuOrleans.Hosting;

public static class ClientHosting
{
    /// <summary>
    /// Makes this process an Orleans client of the durable cluster (gateways, the verify command): it finds the silos
    /// through the membership table in PostgreSQL and reads the ledger directly for exports.
    /// </summary>
    public static IHostApplicationBuilder AddKpuClient(this IHostApplicationBuilder builder, string connectionString)
    {
        var cluster = KpuClusterOptions.From(builder.Configuration);
        builder.Services.AddKpuRegistry(builder.Configuration);
        builder.Services.AddKpuPostgres(builder.Configuration, connectionString);
        builder.Services.AddHealthChecks().AddCheck<ClusterReachableCheck>("cluster", tags: [OperationsExtensions.ReadyTag]);
        builder.UseOrleansClient(client =>
        {
            if (OperatorDashboard.IsEnabled(builder.Configuration)) client.AddDashboard(options => options.HideTrace = true);
            client
                .AddOutgoingGrainCallFilter<TransientCallRetry>()
                .Configure<Orleans.Configuration.ClusterOptions>(options =>
                {
                    options.ClusterId = cluster.ClusterId;
                    options.ServiceId = cluster.ServiceId;
                })
                .Configure<Orleans.Configuration.ClientMessagingOptions>(options => options.ResponseTimeout = GrainCalls.Deadline)
                .Configure<Orleans.Configuration.GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5))
                .UseAdoNetClustering(options =>
                {
                    options.Invariant = SiloHosting.Invariant;
                    options.ConnectionString = PostgresServices.Tuned(connectionString, maxPoolSize: 5);
                });
        });
        return builder;
    }
}
