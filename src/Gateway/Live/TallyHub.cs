using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// <c>/hubs/tally</c>: viewers subscribe to any (contest, region) down to a TPS and get <c>tally</c> messages, at most
/// one per flush interval of its grain, always ending on the latest state; operators subscribe to <c>anomaly</c> messages.
/// </summary>
public sealed class TallyHub(LiveFeed feed, RegionRegistry registry) : Hub
{
    public async Task<TallyDto> Subscribe(string contest, string code)
    {
        var (region, race) = Resolve(contest, code);
        return await feed.SubscribeAsync(Context.ConnectionId, region, race);
    }

    public Task Unsubscribe(string contest, string code)
    {
        var (region, race) = Resolve(contest, code);
        return feed.UnsubscribeAsync(Context.ConnectionId, region, race);
    }

    public Task<AnomalyDto[]> SubscribeAnomalies() => feed.SubscribeAnomaliesAsync(Context.ConnectionId);

    public Task UnsubscribeAnomalies() => feed.UnsubscribeAnomaliesAsync(Context.ConnectionId);

    public override Task OnDisconnectedAsync(Exception? exception) => feed.DisconnectedAsync(Context.ConnectionId);

    private (RegionInfo, Contest) Resolve(string contest, string code)
    {
        if (registry.FindContest(contest) is not { } race) throw new HubException($"Unknown contest '{contest}'.");
        if (registry.Find(code) is not { } region) throw new HubException($"Unknown region '{code}'.");
        if (region.FindContest(contest) is null)
            throw new HubException($"Contest {contest} does not cover region {code}: its scope is {race.Scope}.");
        return (region, race);
    }
}
