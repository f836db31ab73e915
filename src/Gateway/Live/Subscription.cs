using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// One watched (contest, region) on this gateway and the connections watching it. Sends to their SignalR group at
/// most once per <see cref="Interval"/>, newer versions only (or the same version with its certificate changed:
/// certifying changes no number), and always ends on the newest offered. Its pace is its own rather than a grain's
/// <see cref="KpuOrleans.Live.LiveAudience{T}"/>: offers arrive on many threads at once (observer callbacks, renewals)
/// and carry values it must keep and compare, where a grain's audience runs in the grain's turns on a grain timer and
/// asks for the newest state when it pushes.
/// </summary>
public sealed class Subscription(RegionInfo region, Contest contest, string group)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<string> _connections = [];
    private TallySnapshot? _sent;
    private DateTime _sentAt;
    private TallySnapshot? _pending;
    private bool _scheduled;

    public RegionInfo Region { get; } = region;
    public Contest Contest { get; } = contest;
    public string Group { get; } = group;

    /// <summary>Set once the last connection left; a removed subscription takes no new connections.</summary>
    public bool Removed { get; private set; }

    public bool TryAdd(string connectionId)
    {
        lock (_connections)
        {
            if (Removed) return false;
            _connections.Add(connectionId);
            return true;
        }
    }

    /// <returns>Whether that was the last connection (the subscription is now removed).</returns>
    public bool Remove(string connectionId)
    {
        lock (_connections)
        {
            if (!_connections.Remove(connectionId) || _connections.Count > 0) return false;
            Removed = true;
            return true;
        }
    }

    /// <summary>Queues a tally for the group unless something as new was already sent or queued.</summary>
    public void Offer(TallySnapshot tally, Func<Subscription, TallySnapshot, Task> send)
    {
        TimeSpan wait;
        lock (_connections)
        {
            var newest = _pending ?? _sent;
            if (newest is not null && (tally.Tally.Version < newest.Tally.Version
                || (tally.Tally.Version == newest.Tally.Version && Equals(tally.Certified, newest.Certified)))) return;
            _pending = tally;
            if (_scheduled) return;
            _scheduled = true;
            wait = _sentAt + Interval - DateTime.UtcNow;
        }
        _ = SendAsync(wait, send);
    }

    private async Task SendAsync(TimeSpan wait, Func<Subscription, TallySnapshot, Task> send)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        TallySnapshot tally;
        lock (_connections)
        {
            tally = _pending!;
            _pending = null;
            _scheduled = false;
            _sentAt = DateTime.UtcNow;
            _sent = tally;
        }
        await send(this, tally);
    }
}
