using Microsoft.Extensions.Logging;

namespace KpuOrleans.Tallies;

/// <summary>
/// Coalesces a node's changes: the first change after a quiet spell is flushed at once, later ones wait for the next
/// tick, so a node flushes at most once per interval. A flush first tells the node's watchers and then reports to the
/// parent, from the one timer, so that a viewer of the node waits at most one interval whatever the load. A failed
/// report keeps its contests pending for the next tick. The timer stops after two quiet ticks so that idle nodes cost
/// nothing.
/// </summary>
/// <remarks>
/// With <paramref name="atOnceWhenIdle"/> a change to an idle node (no timer, nothing pending, no report in flight,
/// none sent within the interval) is told and reported in the caller's turn, with no timer at all: a TPS takes about
/// one form per race, so its usual report costs no timer, and only a burst (a form and its correction within an
/// interval) falls back to the ticking.
/// </remarks>
/// <param name="startTicking">Starts a timer that calls its argument at once and then every interval; disposing it stops it.</param>
/// <param name="owner">Who flushes, for the log.</param>
/// <param name="flush">Reports the contests changed since the last flush (to the parent).</param>
/// <param name="tell">
/// Tells the watchers about every contest changed or marked to tell since the last flush. It runs before the report,
/// so that a slow parent never holds viewers back.
/// </param>
/// <param name="atOnceWhenIdle">The clock that tells an idle node from a busy one; null: every change waits for a tick.</param>
public sealed class FlushSchedule(
    Func<Func<CancellationToken, Task>, IDisposable> startTicking,
    string owner,
    TimeSpan interval,
    Func<IReadOnlyCollection<string>, Task> flush,
    ILogger logger,
    Action<IReadOnlyCollection<string>>? tell = null,
    TimeProvider? atOnceWhenIdle = null)
{
    /// <summary>Ticks on a grain timer, so that flushes run as the grain's own turns.</summary>
    public FlushSchedule(Grain grain, TimeSpan interval, Func<IReadOnlyCollection<string>, Task> flush, ILogger logger,
        Action<IReadOnlyCollection<string>>? tell = null, TimeProvider? atOnceWhenIdle = null)
        : this(tick => grain.RegisterGrainTimer(tick, TimeSpan.Zero, interval), grain.GetGrainId().ToString(), interval, flush, logger, tell,
            atOnceWhenIdle)
    {
    }

    private DateTimeOffset? _flushedAtOnce;
    private bool _reportInFlight;

    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    /// <summary>Apart from <see cref="_pending"/>: a report retried after a failure is not told again.</summary>
    private readonly HashSet<string> _untold = new(StringComparer.Ordinal);

    private IDisposable? _timer;
    private int _quietTicks;

    /// <summary>Whether a report to the parent is waiting.</summary>
    public bool HasPending => _pending.Count > 0;

    /// <summary>The contest changed: report it and tell its watchers at the next flush.</summary>
    public void MarkChanged(string contest)
    {
        if (IsIdle())
        {
            FlushAtOnce(contest);
            return;
        }
        _pending.Add(contest);
        MarkToTell(contest);
    }

    /// <summary>
    /// Only the watchers need to hear of the contest at the next flush (e.g. its certificate changed, which no report
    /// carries): the parent gets no repeat of a report it holds.
    /// </summary>
    public void MarkToTell(string contest)
    {
        _untold.Add(contest);
        _quietTicks = 0;
        _timer ??= startTicking(TickAsync);
    }

    /// <summary>Reports whatever is pending now, e.g. before the grain deactivates.</summary>
    public Task FlushNowAsync() => _pending.Count == 0 ? Task.CompletedTask : FlushPendingAsync();

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private bool IsIdle() =>
        atOnceWhenIdle is not null && _timer is null && _pending.Count == 0 && _untold.Count == 0 && !_reportInFlight
        && (_flushedAtOnce is not { } at || atOnceWhenIdle.GetUtcNow() - at >= interval);

    private void FlushAtOnce(string contest)
    {
        _flushedAtOnce = atOnceWhenIdle!.GetUtcNow();
        string[] contests = [contest];
        _untold.Add(contest);
        Tell();
        Task report;
        try
        {
            report = flush(contests);
        }
        catch (Exception e)
        {
            report = Task.FromException(e);
        }
        if (!report.IsCompletedSuccessfully) _ = RetryIfFailedAsync(report, contests);
    }

    /// <summary>A report sent at once that fails goes back to the ticking, as a failed tick's would.</summary>
    private async Task RetryIfFailedAsync(Task report, string[] contests)
    {
        _reportInFlight = true;
        try
        {
            await report;
        }
        catch (Exception e)
        {
            foreach (var contest in contests) _pending.Add(contest);
            logger.LogWarning(e, "Report of {Grain} failed; retrying in {Interval}", owner, interval);
            _quietTicks = 0;
            try
            {
                _timer ??= startTicking(TickAsync);
            }
            catch (Exception stopped)
            {
                // The node is going away; the reconciliation pass heals the parent (DESIGN.md invariant 4).
                logger.LogWarning(stopped, "{Grain} could not schedule the retry", owner);
            }
        }
        finally
        {
            _reportInFlight = false;
        }
    }

    private Task TickAsync(CancellationToken cancellationToken)
    {
        var telling = _untold.Count > 0;
        if (telling) Tell();
        if (_pending.Count > 0) return FlushPendingAsync();
        if (!telling && ++_quietTicks >= 2) Stop();
        return Task.CompletedTask;
    }

    private void Tell()
    {
        var contests = _untold.ToArray();
        _untold.Clear();
        try
        {
            tell?.Invoke(contests);
        }
        catch (Exception e)
        {
            // The parent must hear of the change whatever befell the viewers.
            logger.LogWarning(e, "Telling the watchers of {Grain} failed", owner);
        }
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
