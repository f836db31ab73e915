using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>
/// A node's live audience for its tallies, one topic per contest: a watcher starts from the current tally, hears the
/// latest whenever the node flushes (<see cref="FlushSchedule"/>: at most once per flush interval, at once when the
/// node was idle), and is told when the node goes away.
/// </summary>
/// <param name="clock">What leases are measured against; the system clock unless a test moves it.</param>
public sealed class TallyWatchers(Func<string, TallySnapshot> snapshot, ILogger logger, TimeProvider? clock = null)
{
    private readonly LiveAudience<TallySnapshot> _audience = new(clock ?? TimeProvider.System, snapshot, (observer, tally) => observer.OnTally(tally), logger);

    /// <summary>
    /// The node's one flush schedule, telling these watchers at each flush: a node keeps no second timer for them.
    /// </summary>
    /// <param name="atOnceWhenIdle">See <see cref="FlushSchedule"/>: a change to an idle node is flushed without a timer.</param>
    public FlushSchedule Schedule(Grain grain, TimeSpan interval, Func<IReadOnlyCollection<string>, Task> flush, TimeProvider? atOnceWhenIdle = null) =>
        new(grain, interval, flush, logger, Tell, atOnceWhenIdle);

    /// <summary>Adds or renews a watch; returns the current tally for the watcher to start from.</summary>
    public TallySnapshot Watch(string contest, ILiveObserver observer)
    {
        _audience.Watch(contest, observer);
        return snapshot(contest);
    }

    public void Unwatch(string contest, ILiveObserver observer) => _audience.Unwatch(contest, observer);

    public bool IsWatched(string contest) => _audience.IsWatched(contest);

    /// <summary>Tells every watcher that this node is going away, so that each watches it again at once.</summary>
    public void Ending(string region) => _audience.Ending((observer, contest) => observer.OnWatchEnded(contest, region));

    /// <summary>Pushes the current tally of each of <paramref name="contests"/> to its watchers.</summary>
    public void Tell(IReadOnlyCollection<string> contests) => _audience.Tell(contests);
}
