using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Sending;

namespace KpuOrleans.Simulator.Reporting;

/// <summary>A run's figures as JSON, for programs that compare runs (the benchmark suite): the final report's numbers, not its prose.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task WriteAsync(string path, SimulatorOptions options, string slice, SimulationOutcome outcome, CancellationToken cancellationToken)
    {
        var stats = outcome.Stats;
        var seconds = Math.Max(stats.SendingTime.TotalSeconds, 1e-9);
        var report = new
        {
            mode = options.Mode.ToString().ToLowerInvariant(),
            target = options.Target.ToString(),
            slice,
            seed = options.Seed,
            concurrency = options.Concurrency,
            batch = options.Batch,
            tps = stats.TpsTotal,
            races = stats.RacesTotal,
            sent = stats.Sent,
            answered = stats.Answered,
            accepted = stats.Accepted,
            sendingSeconds = Math.Round(stats.SendingTime.TotalSeconds, 3),
            answeredPerSecond = Math.Round(stats.Answered / seconds, 1),
            acceptedPerSecond = Math.Round(stats.Accepted / seconds, 1),
            acceptanceLatencyMs = Percentiles(stats.AcceptanceLatency),
            answers = stats.Answers
                .GroupBy(a => RunStats.StatusLabel(a.Key.Status))
                .ToDictionary(g => g.Key, g => g.Sum(a => a.Value)),
            errors = stats.Errors,
            // Requests answered 429 and sent again; a batch counts once. Not errors, but a row throttled is not a clean measurement.
            throttled = stats.Throttled,
            throttledBy = stats.Throttled == 0 ? null : stats.ThrottledBy.OrderBy(t => t.Key).ToDictionary(t => t.Key.ToString().ToLowerInvariant(), t => t.Value),
            photos = outcome.Photos is not { } photos ? null : new
            {
                cited = photos.Cited,
                missing = photos.Missing.Count,
                uploaded = stats.PhotosUploaded,
                uploadedBytes = stats.PhotoBytes,
                foundStored = stats.PhotosFound,
                heldBack = stats.PhotosHeldBack,
                disputesFiled = stats.DisputesFiled,
            },
            tallyCheck = options.CheckDownTo is null ? null : new { @checked = outcome.Check.Checked, mismatches = outcome.Check.Mismatches.Count },
            viewers = outcome.Viewers == 0 ? null : new
            {
                connections = outcome.Viewers,
                messages = outcome.ViewerMessages,
                problems = outcome.ViewerProblems.Count,
                stalled = outcome.Stalled?.Count,
                stalledDisconnected = outcome.Stalled?.Disconnected,
                readersDisconnected = outcome.Stalled?.ReadersDisconnected,
                clientCpuSeconds = outcome.ViewerClient?.CpuSeconds,
                clientPeakMemoryMiB = outcome.ViewerClient?.PeakMemoryMiB,
                seenMs = outcome.Delivery is { } d ? Percentiles(d.Seen.All) : null,
                caughtUpMs = outcome.Delivery is { } c ? Percentiles(c.CaughtUp.All) : null,
                caughtUpByLevelMs = outcome.Delivery?.CaughtUp.ByLevel.ToDictionary(l => l.Key.ToString().ToLowerInvariant(), l => Percentiles(l.Value)),
            },
            passed = outcome.ExitCode == SimulationOutcome.Passed,
            failures = outcome.Failures,
        };
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Json, cancellationToken);
    }

    private static LatencyFigures? Percentiles(HistogramBase histogram) =>
        histogram.TotalCount == 0
            ? null
            : new LatencyFigures(Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(90)),
                Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetMaxValue()), histogram.TotalCount);

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 2);
}

/// <summary>Percentiles in milliseconds, and how many samples they summarise.</summary>
internal sealed record LatencyFigures(double P50, double P90, double P99, double Max, long Count);
