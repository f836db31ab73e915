using KpuOrleans.Reconciliation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Hosting;

/// <summary>
/// Every silo pings the reconciliation loop now and then, so that when the silo hosting it dies, another one brings
/// it back within seconds: a singleton without a reminder table.
/// </summary>
public sealed class ReconcilerKeeper(IGrainFactory grains, ILogger<ReconcilerKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await grains.GetGrain<IReconcilerGrain>(IReconcilerGrain.Key).EnsureRunning();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Reconciler ping failed; trying again in {Every}", Every);
            }
        }
    }
}
