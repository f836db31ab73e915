using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// One (contest, region) this gateway watches, the viewers following it, and the gateway's copy of its newest tally.
/// The grain paces its pushes (one per flush interval at most), so this adds no timer of its own: an offer only
/// replaces the copy and, if no fan-out is running, starts one off the caller's thread; a fan-out hands the newest copy,
/// serialized once, to every viewer and then looks again, so a tally superseded while one fan-out ran is never sent.
/// </summary>
public sealed class Subscription(RegionInfo region, Contest contest, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Viewer> _viewers = [];
    private Viewer[] _audience = [];
    private TallySnapshot? _latest;
    private TallySnapshot? _sent;
    private bool _fanningOut;
    private Task<TallySnapshot?>? _watch;

    public RegionInfo Region { get; } = region;

    public Contest Contest { get; } = contest;

    public (string Contest, string Region) Key { get; } = (contest.Id, region.Code);

    /// <summary>Set once the last viewer left; a removed subscription takes no new viewers.</summary>
    public bool Removed { get; private set; }

    /// <summary>The gateway's copy: the newest tally any watch or push brought.</summary>
    public TallySnapshot? Latest
    {
        get
        {
            lock (_gate) return _latest;
        }
    }

    public bool TryAdd(Viewer viewer)
    {
        lock (_gate)
        {
            if (Removed) return false;
            if (_viewers.Add(viewer)) _audience = [.. _viewers];
            return true;
        }
    }

    /// <returns>Whether that was the last viewer (the subscription is now removed).</returns>
    public bool Remove(Viewer viewer)
    {
        lock (_gate)
        {
            if (!_viewers.Remove(viewer)) return false;
            _audience = [.. _viewers];
            if (_viewers.Count > 0) return false;
            Removed = true;
            return true;
        }
    }

    /// <summary>
    /// The tally a new viewer starts from: the gateway's copy once the first watch brought one, so that only the first
    /// viewer of a pair costs a call to its grain. Viewers arriving while that call runs share it.
    /// </summary>
    public async Task<TallySnapshot?> CurrentAsync(Func<Task<TallySnapshot?>> watch)
    {
        Task<TallySnapshot?> watching;
        lock (_gate)
        {
            if (_latest is { } latest && _watch is { IsCompletedSuccessfully: true }) return latest;
            watching = _watch ??= watch();
        }
        try
        {
            if (await watching is not { } current) return null;
            lock (_gate)
            {
                // The first copy is every waiting viewer's answer to Subscribe: pushing it to them too would be a repeat.
                if (_latest is null)
                {
                    _latest = _sent = current;
                    return current;
                }
            }
            Offer(current);
            return Latest;
        }
        catch
        {
            // The next viewer tries again rather than inheriting this failure.
            lock (_gate)
            {
                if (_watch == watching) _watch = null;
            }
            throw;
        }
    }

    /// <summary>Takes a tally if it is newer than the copy and makes sure a fan-out will carry it. Never waits.</summary>
    public void Offer(TallySnapshot tally)
    {
        lock (_gate)
        {
            if (_latest is not null && !IsNewer(tally, _latest)) return;
            _latest = tally;
            if (_fanningOut) return;
            _fanningOut = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static subscription => subscription.FanOut(), this, preferLocal: false);
    }

    /// <summary>
    /// Newer numbers or evidence (Tally.IsNewerThan), or the same with its certificate changed (certifying changes no
    /// number).
    /// </summary>
    public static bool IsNewer(TallySnapshot tally, TallySnapshot than) =>
        tally.Tally.IsNewerThan(than.Tally)
        || (tally.Tally.Version == than.Tally.Version && tally.Tally.Revision == than.Tally.Revision && !Equals(tally.Certified, than.Certified));

    private void FanOut()
    {
        try
        {
            FanOutNewest();
        }
        catch (Exception e)
        {
            // Runs on the thread pool, where an exception would end the process; the next offer starts a fresh fan-out.
            lock (_gate) _fanningOut = false;
            logger.LogWarning(e, "Sending {Contest} {Region} to its viewers failed", Contest.Id, Region.Code);
        }
    }

    private void FanOutNewest()
    {
        while (true)
        {
            TallySnapshot tally;
            Viewer[] audience;
            lock (_gate)
            {
                if (_latest is null || ReferenceEquals(_latest, _sent))
                {
                    _fanningOut = false;
                    return;
                }
                tally = _sent = _latest;
                audience = _audience;
            }
            var message = new SerializedHubMessage(new InvocationMessage("tally", [TallyDto.From(tally, Region, Contest)]));
            foreach (var viewer in audience) viewer.Offer(Key, message);
        }
    }
}
