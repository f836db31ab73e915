using HdrHistogram;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Reporting;

/// <summary>The summary printed at the end of a run: throughput, latency percentiles, errors, the check, delivery.</summary>
internal static class FinalReport
{
    private const int MaxListed = 30;

    public static void Write(TextWriter output, SimulatorOptions options, string slice, SimulationOutcome outcome)
    {
        var stats = outcome.Stats;
        var seconds = Math.Max(stats.SendingTime.TotalSeconds, 1e-9);
        output.WriteLine();
        output.WriteLine($"KpuOrleans simulator: {options.Mode.ToString().ToLowerInvariant()}, seed {options.Seed}, target {options.Target}, " +
                         $"{slice} ({stats.TpsTotal:N0} TPS, {stats.RacesTotal:N0} TPS×race forms)");
        output.WriteLine($"Sent {stats.Sent:N0} forms in {stats.SendingTime.TotalSeconds:N1} s: {stats.Answered / seconds:N0} forms/s answered, " +
                         $"{stats.Accepted / seconds:N0}/s accepted (201){(options.Batch > 1 ? $", batches of up to {options.Batch}" : "")}, concurrency {options.Concurrency}");
        foreach (var kind in Enum.GetValues<SubmissionKind>())
        {
            var answers = stats.Answers.Where(a => a.Key.Kind == kind).OrderBy(a => a.Key.Status).ToList();
            if (answers.Count == 0) continue;
            output.WriteLine($"  {kind.ToString().ToLowerInvariant(),-10} {answers.Sum(a => a.Value),9:N0}  " +
                             string.Join(", ", answers.Select(a => $"{Sending.RunStats.StatusLabel(a.Key.Status)}: {a.Value:N0}")));
        }
        output.WriteLine($"Acceptance latency (request round trip of each 201): {Percentiles(stats.AcceptanceLatency)}");

        if (stats.Errors.Count == 0) output.WriteLine("Errors: none");
        else
        {
            output.WriteLine($"Errors: {string.Join(", ", stats.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value:N0}"))}");
            foreach (var sample in stats.ErrorSamples) output.WriteLine($"  {sample}");
        }
        output.WriteLine(stats.Throttled == 0
            ? "Throttled (429): none"
            : $"Throttled (429, waited out as Retry-After said and sent again, not errors): {stats.Throttled:N0} requests " +
              $"({string.Join(", ", stats.ThrottledBy.OrderBy(t => t.Key).Select(t => $"{t.Key.ToString().ToLowerInvariant()}: {t.Value:N0}"))})");
        if (outcome.UnresolvedForms > 0)
            output.WriteLine($"Forms never answered after {options.Attempts} attempts (their fate is unknown; the recount leaves them out): {outcome.UnresolvedForms:N0}");

        if (outcome.Photos is { } photos) WritePhotos(output, options, stats, photos);

        var check = outcome.Check;
        output.WriteLine(options.CheckDownTo is null
            ? "Tally check: skipped (--check-down-to none)"
            : check.Clean
            ? $"Tally check: all {check.Checked:N0} tallies equal the recount of the accepted forms (read {check.Rounds} time(s))"
            : $"Tally check: {check.Mismatches.Count:N0} of {check.Checked:N0} tallies differ from the recount after {options.Settle.TotalSeconds:N0} s:");
        foreach (var mismatch in check.Mismatches.Take(MaxListed)) output.WriteLine($"  {mismatch}");
        if (check.Mismatches.Count > MaxListed) output.WriteLine($"  ... and {check.Mismatches.Count - MaxListed:N0} more");

        if (outcome.Viewers > 0) WriteViewers(output, outcome);
        output.WriteLine(outcome.ExitCode == SimulationOutcome.Passed
            ? "Result: PASSED"
            : $"Result: FAILED ({string.Join("; ", outcome.Failures)})");
    }

    private static void WritePhotos(TextWriter output, SimulatorOptions options, Sending.RunStats stats, Checking.PhotoPresence photos)
    {
        output.WriteLine($"Photos: {stats.PhotosUploaded:N0} pages uploaded ({stats.PhotoBytes / 1048576.0:N1} MiB, {stats.PhotosUploaded / Math.Max(stats.SendingTime.TotalSeconds, 1e-9):N1}/s " +
                         $"over the run), {stats.PhotosFound:N0} found already stored (HEAD 200, not sent again), {stats.PhotosHeldBack:N0} held back by a 503 and " +
                         $"sent again; share {options.PhotosShare:0.###}, {options.PhotoPages} page(s) a form, late share {options.PhotoLateShare:0.###}");
        output.WriteLine(photos.Clean
            ? $"Photo check: every one of the {photos.Cited:N0} pages the accepted forms cite is stored (HEAD 200)"
            : $"Photo check: {photos.Missing.Count:N0} of the {photos.Cited:N0} cited pages are not stored:");
        foreach (var missing in photos.Missing.Take(MaxListed)) output.WriteLine($"  {missing}");
        if (options.DisputeShare > 0) output.WriteLine($"Disputes filed (numbers differ from the photo): {stats.DisputesFiled:N0}");
    }

    private static void WriteViewers(TextWriter output, SimulationOutcome outcome)
    {
        output.WriteLine($"Viewers: {outcome.Viewers:N0} SignalR connections, {outcome.ViewerMessages:N0} tally messages; " +
                         (outcome.ViewerProblems.Count == 0 ? "every subscription ended on the recount" : $"{outcome.ViewerProblems.Count} did not:"));
        foreach (var problem in outcome.ViewerProblems.Take(MaxListed)) output.WriteLine($"  {problem}");
        if (outcome.Stalled is { Count: > 0 } stalled)
            output.WriteLine($"Stalled viewers (stopped reading a third into the night; left out of the figures): {stalled.Count:N0}, " +
                             $"{stalled.Disconnected:N0} of them disconnected by the gateway");
        if (outcome.Stalled is { ReadersDisconnected: > 0 } dropped)
            output.WriteLine($"Reading viewers whose connection ended before the run did: {dropped.ReadersDisconnected:N0}");
        if (outcome.ViewerClient is { } client)
            output.WriteLine($"Viewer client (its own process): {client.CpuSeconds:N1} CPU seconds, peak memory {client.PeakMemoryMiB:N0} MiB");
        if (outcome.Delivery is not { } delivery) return;
        output.WriteLine("Delivery to viewers, by level of the subscribed region (from acceptedAt to a message's arrival):");
        output.WriteLine("  seen: the first message that provably includes the form (exact where traffic pauses; busy regions under a flood prove little until it stops)");
        WriteDelays(output, delivery.Seen);
        output.WriteLine("  caught up: the first message whose version reached the region's version right after the form (display lag)");
        WriteDelays(output, delivery.CaughtUp);
        if (delivery.Unproven > 0) output.WriteLine($"  {delivery.Unproven:N0} accepted forms were never provably seen by their viewers");
        foreach (var problem in delivery.Problems.Take(MaxListed)) output.WriteLine($"  {problem}");
    }

    private static void WriteDelays(TextWriter output, Live.DelayHistograms delays)
    {
        foreach (var (level, histogram) in delays.ByLevel)
            output.WriteLine($"    {level.ToString().ToLowerInvariant(),-9} {Percentiles(histogram)}");
        output.WriteLine($"    {"all",-9} {Percentiles(delays.All)}");
    }

    public static string Percentiles(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0) return "no samples";
        static string Ms(long micros) => $"{micros / 1000.0:N1} ms";
        return $"p50 {Ms(histogram.GetValueAtPercentile(50))}, p90 {Ms(histogram.GetValueAtPercentile(90))}, " +
               $"p99 {Ms(histogram.GetValueAtPercentile(99))}, max {Ms(histogram.GetMaxValue())} (n={histogram.TotalCount:N0})";
    }
}
