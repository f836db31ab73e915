using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>
/// The observers watching a node's tallies, per contest. Changes are pushed at most once per
/// <see cref="Throttle"/> and the last push always carries the latest state. A watch lapses unless renewed, so a
/// gateway that died leaves nothing behind.
/// </summary>
public sealed class TallyWatchers
{
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Dictionary<ILiveObserver, DateTime>> _byContest = new(StringComparer.Ordinal);
    private readonly Func<string, TallySnapshot> _snapshot;
    private readonly FlushSchedule _push;

    public TallyWatchers(Grain grain, Func<string, TallySnapshot> snapshot, ILogger logger)
    {
        _snapshot = snapshot;
        _push = new FlushSchedule(grain, Throttle, PushAsync, logger);
    }

    /// <summary>Adds or renews a watch; returns the current tally for the watcher to start from.</summary>
    public TallySnapshot Watch(string contest, ILiveObserver observer)
    {
        if (!_byContest.TryGetValue(contest, out var observers)) _byContest[contest] = observers = [];
        observers[observer] = DateTime.UtcNow + Lapse;
        return _snapshot(contest);
    }

    public void Unwatch(string contest, ILiveObserver observer)
    {
        if (_byContest.TryGetValue(contest, out var observers) && observers.Remove(observer) && observers.Count == 0)
            _byContest.Remove(contest);
    }

    /// <summary>Tells every watcher that this node is going away, so that each watches it again at once.</summary>
    public void Ending(string region)
    {
        foreach (var (contest, observers) in _byContest)
            foreach (var observer in observers.Keys) _ = observer.OnWatchEnded(contest, region);
        _byContest.Clear();
    }

    public void Changed(string contest)
    {
        if (_byContest.ContainsKey(contest)) _push.MarkChanged(contest);
    }

    private Task PushAsync(IReadOnlyCollection<string> contests)
    {
        var now = DateTime.UtcNow;
        foreach (var contest in contests)
        {
            if (!_byContest.TryGetValue(contest, out var observers)) continue;
            var tally = _snapshot(contest);
            foreach (var (observer, lapses) in observers.ToList())
            {
                if (lapses < now) observers.Remove(observer);
                else _ = observer.OnTally(tally);
            }
        }
        return Task.CompletedTask;
    }
}
