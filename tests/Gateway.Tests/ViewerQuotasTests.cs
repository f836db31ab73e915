using KpuOrleans.Gateway.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The quotas' books: never more than a limit under concurrent callers, never below zero, nothing left behind.</summary>
public class ViewerQuotasTests
{
    private static ViewerQuotas Quotas(int perConnection = 200, int perAddress = 5_000, int watches = 20_000) =>
        new(Options.Create(new LiveOptions { MaxSubscriptionsPerConnection = perConnection }),
            Options.Create(new ViewerLimitOptions { MaxSubscriptionsPerAddress = perAddress, MaxWatchesPerGateway = watches }));

    [Fact]
    public async Task Concurrent_connections_of_one_address_never_get_past_its_limit()
    {
        const int limit = 50;
        var quotas = Quotas(perAddress: limit);
        for (var c = 0; c < 8; c++) quotas.Connected($"c{c}", "192.0.2.1");

        var admitted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 8 * 40), new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
        {
            try
            {
                quotas.Admit($"c{i % 8}", "PGUB-35", $"region-{i}");
                Interlocked.Increment(ref admitted);
            }
            catch (HubException)
            {
            }
            return ValueTask.CompletedTask;
        });

        Assert.Equal(limit, admitted);
        Assert.Equal(limit, quotas.PairsOf("192.0.2.1"));
        Assert.Equal(limit, quotas.Watches);
    }

    [Fact]
    public void Releases_never_go_below_zero_and_leave_no_address_or_watch_behind()
    {
        var quotas = Quotas();
        quotas.Connected("a", "192.0.2.2");
        quotas.Connected("b", "192.0.2.2");
        quotas.Admit("a", "PGUB-35", "35");
        quotas.Admit("a", "PGUB-35", "35");
        quotas.Admit("b", "PGUB-35", "35");
        quotas.Admit("b", "PGUB-35", "35.78");

        quotas.Release("a", "PGUB-35", "35");
        quotas.Release("a", "PGUB-35", "35");
        quotas.Release("a", "PGUB-35", "35.78");
        Assert.Equal(2, quotas.PairsOf("192.0.2.2"));
        Assert.Equal(1, quotas.Addresses);
        Assert.Equal(2, quotas.Watches);

        quotas.Disconnected("b");
        quotas.Disconnected("b");
        quotas.Disconnected("a");
        Assert.Equal(0, quotas.PairsOf("192.0.2.2"));
        Assert.Equal(0, quotas.Addresses);
        Assert.Equal(0, quotas.Watches);

        // The books are really empty: the whole allowance is there again, and no more.
        var fresh = Quotas(perAddress: 1, watches: 1);
        fresh.Connected("c", "192.0.2.3");
        fresh.Admit("c", "PGUB-35", "35");
        fresh.Disconnected("c");
        fresh.Connected("d", "192.0.2.3");
        fresh.Admit("d", "PGUB-35", "35.78");
        Assert.Throws<HubException>(() => fresh.Admit("d", "PGUB-35", "35"));
    }
}
