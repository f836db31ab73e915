using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Live;

/// <summary>
/// Keeps the newest flagged forms in memory, refilled from the ledger on activation, and pushes new ones to watchers
/// in batches at most four times a second.
/// </summary>
public sealed class AnomalyLogGrain(ILedger ledger, ILogger<AnomalyLogGrain> logger) : Grain, IAnomalyLogGrain
{
    public const int Kept = 500;

    private readonly LinkedList<AnomalyEntry> _newestFirst = new();
    private readonly List<AnomalyEntry> _unsent = [];
    private readonly Dictionary<ILiveObserver, DateTime> _watchers = [];
    private FlushSchedule _push = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _push = new FlushSchedule(this, TallyWatchers.Throttle, _ => PushAsync(), logger);
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
        if (_watchers.Count == 0) return Task.CompletedTask;
        _unsent.Add(entry);
        _push.MarkChanged("anomalies");
        return Task.CompletedTask;
    }

    public Task<AnomalyEntry[]> Recent(int limit) => Task.FromResult(_newestFirst.Take(Math.Clamp(limit, 0, Kept)).ToArray());

    public Task<AnomalyEntry[]> Watch(ILiveObserver observer)
    {
        _watchers[observer] = DateTime.UtcNow + TallyWatchers.Lapse;
        return Recent(100);
    }

    public Task Unwatch(ILiveObserver observer)
    {
        _watchers.Remove(observer);
        return Task.CompletedTask;
    }

    private Task PushAsync()
    {
        var batch = _unsent.ToArray();
        _unsent.Clear();
        var now = DateTime.UtcNow;
        foreach (var (observer, lapses) in _watchers.ToList())
        {
            if (lapses < now) _watchers.Remove(observer);
            else _ = observer.OnAnomalies(batch);
        }
        return Task.CompletedTask;
    }
}
