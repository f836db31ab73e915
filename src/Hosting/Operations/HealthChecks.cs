using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace KpuOrleans.Hosting.Operations;

/// <summary>A silo is ready once the cluster lists it as active: before that, and while it shuts down, it takes no grains.</summary>
public sealed class SiloMembershipCheck(ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{silo.Name} is an active member of the cluster")
            : HealthCheckResult.Unhealthy($"{silo.Name} is {status} in the cluster, not Active"));
    }
}

/// <summary>The ledger and membership live in PostgreSQL: a process that cannot reach it can acknowledge nothing.</summary>
public sealed class PostgresCheck(NpgsqlDataSource database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand("SELECT 1");
            command.CommandTimeout = 3;
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
        }
    }
}

/// <summary>A gateway is ready when a silo answers it: asks the cluster for its active silos, through one of them.</summary>
public sealed class ClusterReachableCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s) reachable")
                : HealthCheckResult.Unhealthy("the cluster reports no active silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("no silo answers", e);
        }
    }
}
