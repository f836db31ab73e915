namespace KpuOrleans.Simulator.Display;

/// <summary>One line every interval: for logs, CI, and output that is not a terminal.</summary>
internal sealed class PlainProgress(TextWriter output, TimeSpan interval) : IProgressDisplay
{
    public async Task RunAsync(Func<ProgressSnapshot> read, CancellationToken stop)
    {
        var rate = new RateMeter();
        rate.Next(read());
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) Write(read(), rate);
        }
        catch (OperationCanceledException)
        {
        }
        Write(read(), rate);
    }

    private void Write(ProgressSnapshot s, RateMeter rate)
    {
        var night = s.NightClock is null ? "" : $" | night {s.NightClock}{(s.Behind > TimeSpan.FromMinutes(1) ? $" ({s.Behind.TotalMinutes:N0} min behind)" : "")}";
        var latency = s.LatencyP50Ms is null ? "" : $" | 201 latency p50 {s.LatencyP50Ms:N1} ms p99 {s.LatencyP99Ms:N1} ms";
        var viewers = s.Viewers == 0 ? "" : $" | {s.Viewers} viewers, {s.ViewerMessages:N0} messages";
        var throttled = s.Throttled == 0 ? "" : $" | throttled (429) {s.Throttled:N0}";
        lock (output)
        {
            output.WriteLine(
                $"[{s.Elapsed:hh\\:mm\\:ss}] {s.Phase}: sent {s.Sent:N0}/{s.SubmissionsTotal:N0}, answered {s.Answered:N0} ({rate.Next(s):N0}/s), " +
                $"accepted {s.Accepted:N0}, TPS reported {s.TpsShare:P1} ({s.TpsReported:N0}/{s.TpsTotal:N0}), errors: {s.ErrorsText}{throttled}{latency}{night}{viewers}");
        }
    }
}
