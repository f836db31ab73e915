using Microsoft.Extensions.Logging;

namespace KpuOrleans.Tallies;

/// <summary>
/// Coalesces a node's changes: the first change after a quiet spell is flushed at once, later ones wait for the next
/// tick, so a node flushes at most once per interval. A failed flush keeps its contests pending for the next tick.
/// The timer stops after two quiet ticks so that idle nodes cost nothing.
/// </summary>
/// <param name="startTicking">Starts a timer that calls its argument at once and then every interval; disposing it stops it.</param>
/// <param name="owner">Who flushes, for the log.</param>
public sealed class FlushSchedule(
    Func<Func<CancellationToken, Task>, IDisposable> startTicking,
    string owner,
    TimeSpan interval,
    Func<IReadOnlyCollection<string>, Task> flush,
    ILogger logger)
{
    /// <summary>Ticks on a grain timer, so that flushes run as the grain's own turns.</summary>
    public FlushSchedule(Grain grain, TimeSpan interval, Func<IReadOnlyCollection<string>, Task> flush, ILogger logger)
        : this(tick => grain.RegisterGrainTimer(tick, TimeSpan.Zero, interval), grain.GetGrainId().ToString(), interval, flush, logger)
    {
    }

    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private IDisposable? _timer;
    private int _quietTicks;

    public bool HasPending => _pending.Count > 0;

    public void MarkChanged(string contest)
    {
        _pending.Add(contest);
        _quietTicks = 0;
        _timer ??= startTicking(TickAsync);
    }

    /// <summary>Flushes whatever is pending now, e.g. before the grain deactivates.</summary>
    public Task FlushNowAsync() => _pending.Count == 0 ? Task.CompletedTask : FlushPendingAsync();

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private Task TickAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count > 0) return FlushPendingAsync();
        if (++_quietTicks >= 2) Stop();
        return Task.CompletedTask;
    }

    private async Task FlushPendingAsync()
    {
        var contests = _pending.ToArray();
        _pending.Clear();
        try
        {
            await flush(contests);
        }
        catch (Exception e)
        {
            // Reports are idempotent and carry full contributions, so the next tick simply tries again.
            foreach (var contest in contests) _pending.Add(contest);
            logger.LogWarning(e, "Flush of {Grain} failed; retrying in {Interval}", owner, interval);
        }
    }
}
