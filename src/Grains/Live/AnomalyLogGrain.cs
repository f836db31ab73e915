using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Live;

/// <summary>
/// Keeps the newest flagged forms in memory, refilled from the ledger on activation, and pushes new ones to watchers
/// in batches at most once per flush interval (<see cref="TallyOptions.FlushInterval"/>, the pace of the tallies' pushes).
/// It has no parent to report to: its schedule's flush is the push itself.
/// </summary>
public sealed class AnomalyLogGrain(ILedger ledger, IOptions<TallyOptions> options, ILogger<AnomalyLogGrain> logger) : Grain, IAnomalyLogGrain
{
    public const int Kept = 500;

    /// <summary>The log's one topic: every watcher hears every new entry.</summary>
    private const string Topic = "anomalies";

    private readonly LinkedList<AnomalyEntry> _newestFirst = new();
    private readonly List<AnomalyEntry> _unsent = [];
    private LiveAudience<AnomalyEntry[]> _watchers = null!;
    private FlushSchedule _push = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _watchers = new LiveAudience<AnomalyEntry[]>(TimeProvider.System, _ => TakeUnsent(), (observer, batch) => observer.OnAnomalies(batch), logger);
        _push = new FlushSchedule(this, options.Value.FlushInterval, topics =>
        {
            _watchers.Tell(topics);
            return Task.CompletedTask;
        }, logger);
        foreach (var form in await ledger.ReadRecentAnomaliesAsync(this.GetPrimaryKeyString(), Kept, cancellationToken))
            _newestFirst.AddLast(Of(form));
    }

    public static AnomalyEntry Of(Forms.AcceptedForm accepted) => new(
        accepted.Form.Tps, accepted.Form.Contest, accepted.Form.Version,
        RegionCode.Parse(accepted.Form.Tps).AncestorAt(Level.Village).Value, accepted.Anomalies, accepted.AcceptedAt);

    public Task Record(AnomalyEntry entry)
    {
        _newestFirst.AddFirst(entry);
        while (_newestFirst.Count > Kept) _newestFirst.RemoveLast();
        if (!_watchers.IsWatched(Topic)) return Task.CompletedTask;
        // Bounded like the list itself: a watcher that missed more than that many reads the rest from Recent.
        if (_unsent.Count == Kept) _unsent.RemoveAt(0);
        _unsent.Add(entry);
        _push.MarkChanged(Topic);
        return Task.CompletedTask;
    }

    public Task<AnomalyEntry[]> Recent(int limit) => Task.FromResult(_newestFirst.Take(Math.Clamp(limit, 0, Kept)).ToArray());

    public Task<AnomalyEntry[]> Watch(ILiveObserver observer)
    {
        _watchers.Watch(Topic, observer);
        return Recent(100);
    }

    public Task Unwatch(ILiveObserver observer)
    {
        _watchers.Unwatch(Topic, observer);
        // Nobody is left to hear them, and the next watcher starts from Recent, which holds them already.
        if (!_watchers.IsWatched(Topic)) _unsent.Clear();
        return Task.CompletedTask;
    }

    private AnomalyEntry[] TakeUnsent()
    {
        var batch = _unsent.ToArray();
        _unsent.Clear();
        return batch;
    }
}
