using System.Collections.Concurrent;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// Delivers every report, then sometimes again at once (a duplicate), and sometimes also re-sends the child's
/// previous report a little later, so that it lands after newer ones (a late, stale delivery).
/// </summary>
public sealed class ChaoticUpstream(IUpstream inner, ClusterProbe probe) : IUpstream
{
    private readonly ConcurrentDictionary<string, TallySnapshot[]> _previous = new();

    public async Task SendAsync(RegionInfo child, TallySnapshot[] report)
    {
        await inner.SendAsync(child, report);
        if (Random.Shared.NextDouble() < 0.3)
        {
            Interlocked.Increment(ref probe.Duplicates);
            await inner.SendAsync(child, report);
        }
        if (_previous.TryGetValue(child.Code, out var stale) && Random.Shared.NextDouble() < 0.5)
        {
            Interlocked.Increment(ref probe.StaleDeliveries);
            var delay = Random.Shared.Next(1, 40);
            _ = Task.Run(async () =>
            {
                await Task.Delay(delay);
                await inner.SendAsync(child, stale);
            });
        }
        _previous[child.Code] = report;
    }
}
