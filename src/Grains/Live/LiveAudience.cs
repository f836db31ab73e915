using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>The pace every grain's live audience keeps.</summary>
public static class LiveAudience
{
    /// <summary>At most one push per topic per interval: four a second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a watch lasts unless renewed, so that a gateway that died leaves nothing behind.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The gateways watching one grain's live output, per topic (a contest for tallies, one topic for the anomaly log),
/// and the pace at which they are told. A watch is a lease: it lapses at <see cref="LiveAudience.Lapse"/> unless renewed.
/// A change only marks its topic; the push goes out at most once per <see cref="LiveAudience.Interval"/> and carries
/// what <c>latest</c> says when it goes out, so however many changes a topic had in between, its watchers hear one
/// push of the newest state and nothing stale is ever queued.
/// </summary>
/// <remarks>Not thread-safe: it lives inside a grain and is only touched in the grain's turns.</remarks>
public sealed class LiveAudience<T>
{
    private readonly Dictionary<string, Dictionary<ILiveObserver, DateTimeOffset>> _byTopic = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Func<string, T> _latest;
    private readonly Func<ILiveObserver, T, Task> _tell;
    private readonly ILogger _logger;
    private readonly FlushSchedule _push;

    /// <summary>An audience paced by a grain timer, so that pushes run as the grain's own turns.</summary>
    public LiveAudience(Grain grain, Func<string, T> latest, Func<ILiveObserver, T, Task> tell, ILogger logger)
        : this(tick => grain.RegisterGrainTimer(tick, TimeSpan.Zero, LiveAudience.Interval), grain.GetGrainId().ToString(), TimeProvider.System,
            latest, tell, logger)
    {
    }

    /// <param name="startTicking">Starts a timer that calls its argument at once and then every interval.</param>
    /// <param name="owner">Whose audience this is, for the log.</param>
    /// <param name="clock">What leases are measured against.</param>
    /// <param name="latest">The newest state of a topic, asked once per push.</param>
    /// <param name="tell">Sends it to one watcher; a one-way call, never awaited.</param>
    /// <param name="logger">Where failed pushes are told.</param>
    public LiveAudience(Func<Func<CancellationToken, Task>, IDisposable> startTicking, string owner, TimeProvider clock,
        Func<string, T> latest, Func<ILiveObserver, T, Task> tell, ILogger logger)
    {
        _clock = clock;
        _latest = latest;
        _tell = tell;
        _logger = logger;
        _push = new FlushSchedule(startTicking, owner, LiveAudience.Interval, PushAsync, logger);
    }

    public bool IsWatched(string topic) => _byTopic.ContainsKey(topic);

    /// <summary>Adds or renews a watch.</summary>
    public void Watch(string topic, ILiveObserver observer)
    {
        if (!_byTopic.TryGetValue(topic, out var observers)) _byTopic[topic] = observers = [];
        observers[observer] = _clock.GetUtcNow() + LiveAudience.Lapse;
    }

    public void Unwatch(string topic, ILiveObserver observer)
    {
        if (_byTopic.TryGetValue(topic, out var observers) && observers.Remove(observer) && observers.Count == 0)
            _byTopic.Remove(topic);
    }

    /// <summary>Asks for a push of the topic's newest state, if anyone watches it.</summary>
    public void Changed(string topic)
    {
        if (_byTopic.ContainsKey(topic)) _push.MarkChanged(topic);
    }

    /// <summary>Gives every watcher <paramref name="notice"/> (e.g. that the grain is going away) and forgets them all.</summary>
    public void Ending(Func<ILiveObserver, string, Task> notice)
    {
        foreach (var (topic, observers) in _byTopic)
            foreach (var observer in observers.Keys) Tell(observer, topic, o => notice(o, topic));
        _byTopic.Clear();
    }

    private Task PushAsync(IReadOnlyCollection<string> topics)
    {
        var now = _clock.GetUtcNow();
        foreach (var topic in topics)
        {
            if (!_byTopic.TryGetValue(topic, out var observers)) continue;
            // Asked before the lapsed are dropped, as a drained batch must be drained even when nobody is left to hear it.
            var state = _latest(topic);
            foreach (var (observer, lapses) in observers.ToList())
            {
                if (lapses < now) observers.Remove(observer);
                else Tell(observer, topic, o => _tell(o, state));
            }
            if (observers.Count == 0) _byTopic.Remove(topic);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// One-way calls report no failure; one that throws at once must not keep the other watchers from hearing. Its
    /// watch stays: it lapses unless its gateway renews it.
    /// </summary>
    private void Tell(ILiveObserver observer, string topic, Func<ILiveObserver, Task> call)
    {
        try
        {
            _ = call(observer);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Telling a watcher of {Topic} failed; its watch lapses unless renewed", topic);
        }
    }
}
