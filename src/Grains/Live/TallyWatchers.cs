using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>
/// A node's live audience for its tallies, one topic per contest: a watcher starts from the current tally, hears the
/// latest at most once per <see cref="LiveAudience.Interval"/>, and is told when the node goes away.
/// </summary>
public sealed class TallyWatchers(Grain grain, Func<string, TallySnapshot> snapshot, ILogger logger)
{
    private readonly LiveAudience<TallySnapshot> _audience = new(grain, snapshot, (observer, tally) => observer.OnTally(tally), logger);

    /// <summary>Adds or renews a watch; returns the current tally for the watcher to start from.</summary>
    public TallySnapshot Watch(string contest, ILiveObserver observer)
    {
        _audience.Watch(contest, observer);
        return snapshot(contest);
    }

    public void Unwatch(string contest, ILiveObserver observer) => _audience.Unwatch(contest, observer);

    /// <summary>Tells every watcher that this node is going away, so that each watches it again at once.</summary>
    public void Ending(string region) => _audience.Ending((observer, contest) => observer.OnWatchEnded(contest, region));

    public void Changed(string contest) => _audience.Changed(contest);
}
