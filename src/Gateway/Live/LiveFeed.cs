using System.Collections.Concurrent;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Live;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// This gateway's side of live updates: one observer object for the whole process and one watch on a grain per
/// (contest, region) that at least one viewer here follows, renewed on a timer so that a grain that moved after a silo
/// died is watched again within one renewal, and dropped when the last viewer leaves. The observer's callbacks only
/// store what arrived and return: sending is the subscriptions' and the viewers' own work, so a slow viewer holds up
/// nothing the grains tell this gateway.
/// </summary>
public sealed class LiveFeed(
    IGrainFactory grains,
    Viewers viewers,
    AnomalyFeed anomalies,
    RegionRegistry registry,
    IOptions<LiveOptions> options,
    ViewerQuotas quotas,
    ILogger<LiveFeed> logger) : BackgroundService, ILiveObserver
{
    private readonly ConcurrentDictionary<(string Contest, string Region), Subscription> _subscriptions = new();
    private readonly ConcurrentDictionary<string, Viewer> _following = new(StringComparer.Ordinal);
    private readonly Lock _referenceGate = new();
    private ILiveObserver? _reference;

    /// <summary>The one observer reference the grains know this gateway by.</summary>
    private ILiveObserver Reference
    {
        get
        {
            lock (_referenceGate) return _reference ??= grains.CreateObjectReference<ILiveObserver>(this);
        }
    }

    private IAnomalyLogGrain AnomalyLog => grains.GetGrain<IAnomalyLogGrain>(registry.Root.Code);

    public async Task<TallyDto> SubscribeAsync(string connectionId, RegionInfo region, Contest contest)
    {
        var viewer = ViewerOf(connectionId);
        var key = (contest.Id, region.Code);
        quotas.Admit(connectionId, contest.Id, region.Code);
        lock (viewer.Following)
        {
            if (viewer.Following.Add(key)) KpuMetrics.LiveSubscriptions.Add(1);
        }
        Subscription subscription;
        do subscription = _subscriptions.GetOrAdd(key, _ => new Subscription(region, contest, logger));
        while (!subscription.TryAdd(viewer));
        TallySnapshot? tally;
        try
        {
            tally = await subscription.CurrentAsync(() => grains.GetTallyGrain(region).Watch(contest.Id, Reference));
        }
        catch
        {
            await UnsubscribeAsync(connectionId, region, contest);
            throw;
        }
        if (tally is null)
        {
            await UnsubscribeAsync(connectionId, region, contest);
            throw new HubException($"Contest {contest.Id} does not cover region {region.Code}.");
        }
        // A connection that closed while its Subscribe ran has already been released; what it just took is released here.
        if (viewer.Closed)
        {
            quotas.Disconnected(connectionId);
            await DisconnectedAsync(connectionId);
        }
        return TallyDto.From(tally, region, contest);
    }

    public async Task UnsubscribeAsync(string connectionId, RegionInfo region, Contest contest)
    {
        quotas.Release(connectionId, contest.Id, region.Code);
        if (!_following.TryGetValue(connectionId, out var viewer)) return;
        var key = (contest.Id, region.Code);
        lock (viewer.Following)
        {
            if (!viewer.Following.Remove(key)) return;
            KpuMetrics.LiveSubscriptions.Add(-1);
        }
        await LeaveAsync(viewer, key);
    }

    public async Task<AnomalyDto[]> SubscribeAnomaliesAsync(string connectionId)
    {
        var viewer = ViewerOf(connectionId);
        anomalies.Add(viewer);
        return [.. (await AnomalyLog.Watch(Reference)).Select(AnomalyDto.From)];
    }

    public Task UnsubscribeAnomaliesAsync(string connectionId)
    {
        if (_following.TryGetValue(connectionId, out var viewer)) anomalies.Remove(viewer);
        return Task.CompletedTask;
    }

    public async Task DisconnectedAsync(string connectionId)
    {
        if (!_following.TryRemove(connectionId, out var viewer)) return;
        anomalies.Remove(viewer);
        (string, string)[] keys;
        lock (viewer.Following)
        {
            keys = [.. viewer.Following];
            viewer.Following.Clear();
        }
        KpuMetrics.LiveSubscriptions.Add(-keys.Length);
        foreach (var key in keys) await LeaveAsync(viewer, key);
    }

    public Task OnTally(TallySnapshot tally)
    {
        if (_subscriptions.TryGetValue((tally.Contest, tally.Region), out var subscription)) subscription.Offer(tally);
        return Task.CompletedTask;
    }

    public Task OnWatchEnded(string contest, string region)
    {
        if (_subscriptions.TryGetValue((contest, region), out var subscription)) _ = Task.Run(() => RewatchAsync(subscription));
        return Task.CompletedTask;
    }

    public Task OnAnomalies(AnomalyEntry[] entries)
    {
        anomalies.Offer(entries);
        return Task.CompletedTask;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RenewWatchesAsync(stoppingToken), DisconnectSlowViewersAsync(stoppingToken));

    /// <summary>Renews every watch; whatever changed while a grain was away reaches the viewers here.</summary>
    private async Task RenewWatchesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Parallel.ForEachAsync(_subscriptions.Values, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken },
                async (subscription, _) => await RewatchAsync(subscription));
            if (anomalies.HasViewers)
            {
                try { await AnomalyLog.Watch(Reference); }
                catch (Exception e) { logger.LogDebug(e, "Renewing the anomaly watch failed; next round"); }
            }
        }
    }

    /// <summary>A viewer whose one pending write has waited out the grace period is closed (API.md, "Limits").</summary>
    private async Task DisconnectSlowViewersAsync(CancellationToken stoppingToken)
    {
        var grace = options.Value.SlowViewerGrace;
        using var timer = new PeriodicTimer(grace / 4);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (viewers.DisconnectBehind(grace) is > 0 and var closed)
            {
                KpuMetrics.LiveSlowViewersClosed.Add(closed);
                logger.LogInformation("Closed {Count} live connections that read nothing for {Grace}", closed, grace);
            }
        }
    }

    private Viewer ViewerOf(string connectionId) =>
        _following.GetOrAdd(connectionId, id => viewers.Find(id) ?? throw new HubException("This connection is closing."));

    private async Task RewatchAsync(Subscription subscription)
    {
        try
        {
            // A watch sent to a silo that was just killed hangs until the call's deadline (10 s); the next round must not
            // wait for it, or the viewers of that grain hear nothing for two rounds. Watch is idempotent: the next round
            // sends a fresh one, by then to the grain's new activation.
            var tally = await grains.GetTallyGrain(subscription.Region).Watch(subscription.Contest.Id, Reference).WaitAsync(options.Value.RenewInterval);
            if (tally is not null && !subscription.Removed) subscription.Offer(tally);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Watching {Contest} {Region} again failed; next round", subscription.Contest.Id, subscription.Region.Code);
        }
    }

    private async Task LeaveAsync(Viewer viewer, (string Contest, string Region) key)
    {
        viewer.Forget(key);
        if (!_subscriptions.TryGetValue(key, out var subscription) || !subscription.Remove(viewer)) return;
        _subscriptions.TryRemove(KeyValuePair.Create(key, subscription));
        try
        {
            await grains.GetTallyGrain(subscription.Region).Unwatch(key.Contest, Reference);
        }
        catch (Exception e)
        {
            // The watch lapses on its own within a minute.
            logger.LogDebug(e, "Unwatching {Contest} {Region} failed", key.Contest, key.Region);
        }
    }
}
