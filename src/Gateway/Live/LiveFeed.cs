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
/// This gateway's side of live updates: one observer object for the whole process, one watch on a grain per
/// (contest, region) that at least one connection here follows, renewed on a timer so that a grain that moved after a
/// silo died is watched again within one renewal, and dropped when the last connection leaves.
/// </summary>
public sealed class LiveFeed(
    IGrainFactory grains,
    IHubContext<TallyHub> hub,
    RegionRegistry registry,
    IOptions<LiveOptions> options,
    ViewerQuotas quotas,
    ILogger<LiveFeed> logger) : BackgroundService, ILiveObserver
{
    public const string AnomalyGroup = "anomalies";

    private readonly ConcurrentDictionary<(string Contest, string Region), Subscription> _subscriptions = new();
    private readonly ConcurrentDictionary<string, Following> _connections = new();
    private readonly Lock _referenceGate = new();
    private ILiveObserver? _reference;
    private int _anomalyWatchers;

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
        var key = (contest.Id, region.Code);
        quotas.Admit(connectionId, contest.Id, region.Code);
        var following = _connections.GetOrAdd(connectionId, _ => new Following());
        lock (following)
        {
            if (following.Tallies.Add(key)) KpuMetrics.LiveSubscriptions.Add(1);
        }
        Subscription subscription;
        do subscription = _subscriptions.GetOrAdd(key, k => new Subscription(region, contest, $"tally|{k.Item1}|{k.Item2}"));
        while (!subscription.TryAdd(connectionId));
        await hub.Groups.AddToGroupAsync(connectionId, subscription.Group);
        var tally = await grains.GetTallyGrain(region).Watch(contest.Id, Reference)
            ?? throw new HubException($"Contest {contest.Id} does not cover region {region.Code}.");
        return TallyDto.From(tally, region, contest);
    }

    public async Task UnsubscribeAsync(string connectionId, RegionInfo region, Contest contest)
    {
        quotas.Release(connectionId, contest.Id, region.Code);
        if (_connections.TryGetValue(connectionId, out var following))
        {
            lock (following)
            {
                if (following.Tallies.Remove((contest.Id, region.Code))) KpuMetrics.LiveSubscriptions.Add(-1);
            }
        }
        await LeaveAsync(connectionId, (contest.Id, region.Code));
    }

    public async Task<AnomalyDto[]> SubscribeAnomaliesAsync(string connectionId)
    {
        var following = _connections.GetOrAdd(connectionId, _ => new Following());
        if (!following.Anomalies)
        {
            following.Anomalies = true;
            Interlocked.Increment(ref _anomalyWatchers);
        }
        await hub.Groups.AddToGroupAsync(connectionId, AnomalyGroup);
        return [.. (await AnomalyLog.Watch(Reference)).Select(AnomalyDto.From)];
    }

    public async Task UnsubscribeAnomaliesAsync(string connectionId)
    {
        if (_connections.TryGetValue(connectionId, out var following) && following.Anomalies)
        {
            following.Anomalies = false;
            Interlocked.Decrement(ref _anomalyWatchers);
        }
        await hub.Groups.RemoveFromGroupAsync(connectionId, AnomalyGroup);
    }

    public async Task DisconnectedAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var following)) return;
        if (following.Anomalies) Interlocked.Decrement(ref _anomalyWatchers);
        (string, string)[] keys;
        lock (following) keys = [.. following.Tallies];
        KpuMetrics.LiveSubscriptions.Add(-keys.Length);
        foreach (var key in keys) await LeaveAsync(connectionId, key);
    }

    public Task OnTally(TallySnapshot tally)
    {
        if (_subscriptions.TryGetValue((tally.Contest, tally.Region), out var subscription)) subscription.Offer(tally, SendAsync);
        return Task.CompletedTask;
    }

    public Task OnWatchEnded(string contest, string region)
    {
        if (_subscriptions.TryGetValue((contest, region), out var subscription)) _ = Task.Run(() => RewatchAsync(subscription));
        return Task.CompletedTask;
    }

    public async Task OnAnomalies(AnomalyEntry[] entries)
    {
        if (Volatile.Read(ref _anomalyWatchers) == 0) return;
        foreach (var entry in entries) await hub.Clients.Group(AnomalyGroup).SendAsync("anomaly", AnomalyDto.From(entry));
    }

    /// <summary>Renews every watch; whatever changed while a grain was away reaches the viewers here.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Parallel.ForEachAsync(_subscriptions.Values, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken },
                async (subscription, _) => await RewatchAsync(subscription));
            if (Volatile.Read(ref _anomalyWatchers) > 0)
            {
                try { await AnomalyLog.Watch(Reference); }
                catch (Exception e) { logger.LogDebug(e, "Renewing the anomaly watch failed; next round"); }
            }
        }
    }

    private async Task RewatchAsync(Subscription subscription)
    {
        try
        {
            // A watch sent to a silo that was just killed hangs until the call's deadline (10 s); the next round must not
            // wait for it, or the viewers of that grain hear nothing for two rounds. Watch is idempotent: the next round
            // sends a fresh one, by then to the grain's new activation.
            var tally = await grains.GetTallyGrain(subscription.Region).Watch(subscription.Contest.Id, Reference).WaitAsync(options.Value.RenewInterval);
            if (tally is not null && !subscription.Removed) subscription.Offer(tally, SendAsync);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Watching {Contest} {Region} again failed; next round", subscription.Contest.Id, subscription.Region.Code);
        }
    }

    private async Task LeaveAsync(string connectionId, (string Contest, string Region) key)
    {
        if (!_subscriptions.TryGetValue(key, out var subscription)) return;
        await hub.Groups.RemoveFromGroupAsync(connectionId, subscription.Group);
        if (!subscription.Remove(connectionId)) return;
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

    private async Task SendAsync(Subscription subscription, TallySnapshot tally)
    {
        try
        {
            await hub.Clients.Group(subscription.Group).SendAsync("tally", TallyDto.From(tally, subscription.Region, subscription.Contest));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sending {Contest} {Region} to its viewers failed", subscription.Contest.Id, subscription.Region.Code);
        }
    }

    private sealed class Following
    {
        public HashSet<(string, string)> Tallies { get; } = [];
        public bool Anomalies { get; set; }
    }
}
