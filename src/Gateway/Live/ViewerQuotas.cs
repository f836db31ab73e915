using KpuOrleans.Gateway.Protection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// What viewers may follow on this gateway: (contest, region) pairs per connection, distinct pairs per client address
/// across its connections, and distinct pairs for the whole gateway. Per address it is the distinct pairs that count,
/// as they are what an address keeps awake on the silos: the phones behind one carrier-grade NAT mostly look at the
/// same pages, which cost the grains once however many of them follow. As a hub filter it learns each connection's address when it
/// connects (the same address the rate limiter sees, after <see cref="TrustedProxies"/>) and gives back everything the
/// connection held when it goes, whatever else failed on the way out.
/// </summary>
/// <remarks>
/// One lock for all of it: a check and its count must be one step, or two connections of an address could both take
/// its last place; each step is a few dictionary operations, and only Subscribe, Unsubscribe and disconnects take it.
/// </remarks>
public sealed class ViewerQuotas(IOptions<LiveOptions> live, IOptions<ViewerLimitOptions> limits) : IHubFilter
{
    private const string UnknownAddress = "unknown";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Holder> _viewers = [];
    private readonly Dictionary<string, Dictionary<(string Contest, string Region), int>> _perAddress = [];
    private readonly Dictionary<(string Contest, string Region), int> _watches = [];

    /// <summary>Distinct pairs followed here now (what <see cref="ViewerLimitOptions.MaxWatchesPerGateway"/> bounds).</summary>
    public int Watches
    {
        get { lock (_gate) return _watches.Count; }
    }

    /// <summary>Client addresses following anything now: an address whose last pair went is forgotten.</summary>
    public int Addresses
    {
        get { lock (_gate) return _perAddress.Count; }
    }

    /// <summary>Distinct pairs followed now by the connections from <paramref name="address"/> (a <see cref="ClientAddress"/> key).</summary>
    public int PairsOf(string address)
    {
        lock (_gate) return _perAddress.GetValueOrDefault(address)?.Count ?? 0;
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        Connected(context.Context.ConnectionId, ClientAddress.KeyOf(context.Context.GetHttpContext()?.Connection.RemoteIpAddress));
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            Disconnected(context.Context.ConnectionId);
        }
    }

    public void Connected(string connectionId, string address)
    {
        lock (_gate) _viewers.TryAdd(connectionId, new Holder(address));
    }

    /// <summary>Counts the pair for the connection, or refuses it with a 429-style hub error naming the limit.</summary>
    public void Admit(string connectionId, string contest, string region)
    {
        var key = (contest, region);
        lock (_gate)
        {
            // A connection the hub never announced (it always does, before any call): counted all the same, never free.
            if (!_viewers.TryGetValue(connectionId, out var viewer)) _viewers.Add(connectionId, viewer = new Holder(UnknownAddress));
            if (viewer.Pairs.Contains(key)) return;
            if (viewer.Pairs.Count >= live.Value.MaxSubscriptionsPerConnection)
                throw TooManyRequests.Refusal(TooManyRequests.PerConnection,
                    $"a connection may follow at most {live.Value.MaxSubscriptionsPerConnection} regions at once " +
                    "(Live:MaxSubscriptionsPerConnection); unsubscribe from one first.");
            var ofAddress = _perAddress.GetValueOrDefault(viewer.Address);
            if (ofAddress is not null && !ofAddress.ContainsKey(key) && ofAddress.Count >= limits.Value.MaxSubscriptionsPerAddress)
                throw TooManyRequests.Refusal(TooManyRequests.PerAddress,
                    $"the connections from one client address may follow at most {limits.Value.MaxSubscriptionsPerAddress} different regions " +
                    "at once between them (Live:MaxSubscriptionsPerAddress); unsubscribe or close a connection first.");
            if (!_watches.ContainsKey(key) && _watches.Count >= limits.Value.MaxWatchesPerGateway)
                throw TooManyRequests.Refusal(TooManyRequests.PerGateway,
                    $"this gateway watches its most, {limits.Value.MaxWatchesPerGateway} regions (Live:MaxWatchesPerGateway), and takes " +
                    "no new one until a viewer leaves one; regions already followed here are still served.");
            viewer.Pairs.Add(key);
            if (ofAddress is null) _perAddress.Add(viewer.Address, ofAddress = []);
            ofAddress[key] = ofAddress.GetValueOrDefault(key) + 1;
            _watches[key] = _watches.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Gives the pair back if the connection followed it; anything else is a no-op.</summary>
    public void Release(string connectionId, string contest, string region)
    {
        lock (_gate)
        {
            if (_viewers.TryGetValue(connectionId, out var viewer) && viewer.Pairs.Remove((contest, region)))
                Forget(viewer.Address, (contest, region));
        }
    }

    public void Disconnected(string connectionId)
    {
        lock (_gate)
        {
            if (!_viewers.Remove(connectionId, out var viewer)) return;
            foreach (var key in viewer.Pairs) Forget(viewer.Address, key);
        }
    }

    /// <summary>Drops counts reaching zero, so that addresses and pairs seen once do not stay forever.</summary>
    private void Forget(string address, (string, string) key)
    {
        if (_perAddress.GetValueOrDefault(address) is { } ofAddress)
        {
            Decrement(ofAddress, key);
            if (ofAddress.Count == 0) _perAddress.Remove(address);
        }
        Decrement(_watches, key);
    }

    private static void Decrement(Dictionary<(string, string), int> followers, (string, string) key)
    {
        if (followers.GetValueOrDefault(key) <= 1) followers.Remove(key);
        else followers[key]--;
    }

    private sealed class Holder(string address)
    {
        public string Address { get; } = address;
        public HashSet<(string, string)> Pairs { get; } = [];
    }
}
