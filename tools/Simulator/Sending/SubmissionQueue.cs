using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>
/// Hands ready submissions to the sender's workers: every race's first step, then each next step once the previous
/// one was answered. The flood hands them out at once; the night when the arrival curve says so.
/// </summary>
internal abstract class SubmissionQueue
{
    private int _open;

    protected SubmissionQueue(IReadOnlyCollection<TpsRace> races) => _open = races.Count;

    /// <summary>Races not finished yet.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Fills <paramref name="into"/> with up to <paramref name="max"/> due submissions; false once every race is done.</summary>
    public abstract ValueTask<bool> TakeAsync(List<PendingSubmission> into, int max, CancellationToken cancellationToken);

    /// <summary>The current step was answered as it should be: schedule the race's next step, or finish it.</summary>
    public void Advance(TpsRace race)
    {
        if (race.Advance() is { } next) Schedule(new PendingSubmission(race, next), next.After);
        else Finish(race);
    }

    /// <summary>Sends the same submission again after <paramref name="backoff"/> (real time).</summary>
    public abstract void Again(PendingSubmission pending, TimeSpan backoff);

    /// <summary>The race is over (done, or abandoned because a step it depends on was not accepted).</summary>
    public void Finish(TpsRace race)
    {
        race.Abandon();
        if (Interlocked.Decrement(ref _open) == 0) OnAllFinished();
    }

    /// <param name="after">Election-night time after the previous answer; the flood ignores it.</param>
    protected abstract void Schedule(PendingSubmission pending, TimeSpan after);

    protected abstract void OnAllFinished();
}
