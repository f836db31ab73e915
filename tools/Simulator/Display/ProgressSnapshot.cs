namespace KpuOrleans.Simulator.Display;

/// <summary>The run as it stands, for the progress display.</summary>
internal sealed record ProgressSnapshot(
    string Phase,
    TimeSpan Elapsed,
    string? NightClock,
    TimeSpan Behind,
    long Sent,
    long Answered,
    long Accepted,
    int SubmissionsTotal,
    int TpsReported,
    int TpsTotal,
    double? LatencyP50Ms,
    double? LatencyP99Ms,
    IReadOnlyDictionary<string, long> Errors,
    long Throttled,
    int Viewers,
    long ViewerMessages)
{
    public double TpsShare => TpsTotal == 0 ? 0 : (double)TpsReported / TpsTotal;

    public string ErrorsText => Errors.Count == 0
        ? "none"
        : string.Join(", ", Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value:N0}"));
}

/// <summary>Shows progress while the run goes on, until <c>stop</c> is cancelled.</summary>
internal interface IProgressDisplay
{
    Task RunAsync(Func<ProgressSnapshot> read, CancellationToken stop);
}

/// <summary>Answers per second between two readings.</summary>
internal sealed class RateMeter
{
    private (TimeSpan At, long Answered)? _last;

    public double Next(ProgressSnapshot snapshot)
    {
        var rate = _last is { } last && snapshot.Elapsed > last.At
            ? (snapshot.Answered - last.Answered) / (snapshot.Elapsed - last.At).TotalSeconds
            : 0;
        _last = (snapshot.Elapsed, snapshot.Answered);
        return rate;
    }
}
