using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>What every grain's live audience shares.</summary>
public static class LiveAudience
{
    /// <summary>How long a watch lasts unless renewed, so that a gateway that died leaves nothing behind.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The gateways watching one grain's live output, per topic (a contest for tallies, one topic for the anomaly log).
/// A watch is a lease: it lapses at <see cref="LiveAudience.Lapse"/> unless renewed. The audience keeps no pace of its
/// own: its grain's <see cref="FlushSchedule"/> tells it which topics changed, at most once per flush interval, and
/// each push carries what <c>latest</c> says when it goes out, so however many changes a topic had in between, its
/// watchers hear one push of the newest state and nothing stale is ever queued.
/// </summary>
/// <remarks>Not thread-safe: it lives inside a grain and is only touched in the grain's turns.</remarks>
/// <param name="clock">What leases are measured against.</param>
/// <param name="latest">The newest state of a topic, asked once per push.</param>
/// <param name="tell">Sends it to one watcher; a one-way call, never awaited.</param>
/// <param name="logger">Where failed pushes are told.</param>
public sealed class LiveAudience<T>(TimeProvider clock, Func<string, T> latest, Func<ILiveObserver, T, Task> tell, ILogger logger)
{
    private readonly Dictionary<string, Dictionary<ILiveObserver, DateTimeOffset>> _byTopic = new(StringComparer.Ordinal);

    public bool IsWatched(string topic) => _byTopic.ContainsKey(topic);

    /// <summary>Adds or renews a watch.</summary>
    public void Watch(string topic, ILiveObserver observer)
    {
        if (!_byTopic.TryGetValue(topic, out var observers)) _byTopic[topic] = observers = [];
        observers[observer] = clock.GetUtcNow() + LiveAudience.Lapse;
    }

    public void Unwatch(string topic, ILiveObserver observer)
    {
        if (_byTopic.TryGetValue(topic, out var observers) && observers.Remove(observer) && observers.Count == 0)
            _byTopic.Remove(topic);
    }

    /// <summary>Gives every watcher <paramref name="notice"/> (e.g. that the grain is going away) and forgets them all.</summary>
    public void Ending(Func<ILiveObserver, string, Task> notice)
    {
        foreach (var (topic, observers) in _byTopic)
            foreach (var observer in observers.Keys) TellOne(observer, topic, o => notice(o, topic));
        _byTopic.Clear();
    }

    /// <summary>Pushes the newest state of each of <paramref name="topics"/> to its watchers; unwatched topics are skipped.</summary>
    public void Tell(IReadOnlyCollection<string> topics)
    {
        var now = clock.GetUtcNow();
        foreach (var topic in topics)
        {
            if (!_byTopic.TryGetValue(topic, out var observers)) continue;
            // Asked before the lapsed are dropped, as a drained batch must be drained even when nobody is left to hear it.
            var state = latest(topic);
            foreach (var (observer, lapses) in observers.ToList())
            {
                if (lapses < now) observers.Remove(observer);
                else TellOne(observer, topic, o => tell(o, state));
            }
            if (observers.Count == 0) _byTopic.Remove(topic);
        }
    }

    /// <summary>
    /// One-way calls report no failure; one that throws at once must not keep the other watchers from hearing. Its
    /// watch stays: it lapses unless its gateway renews it.
    /// </summary>
    private void TellOne(ILiveObserver observer, string topic, Func<ILiveObserver, Task> call)
    {
        try
        {
            _ = call(observer);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Telling a watcher of {Topic} failed; its watch lapses unless renewed", topic);
        }
    }
}
