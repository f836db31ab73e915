using System.Text.Json;
using System.Text.Json.Serialization;

namespace KpuOrleans.Bench.Sender;

/// <summary>
/// The summary printed at the end, and the JSON report with the field names of the simulator's (<c>acceptedPerSecond</c>,
/// <c>sendingSeconds</c>, <c>acceptanceLatencyMs</c>, <c>answers</c>, <c>tallyCheck</c>, <c>passed</c>, …), so that
/// the benchmark runner reads either. Latency is per request (a batch's round trip once, not once per form).
/// </summary>
internal static class SenderReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write(TextWriter output, SenderOptions options, SenderOutcome outcome)
    {
        var (flood, verdicts) = (outcome.Flood, outcome.Verdicts);
        var seconds = Math.Max(outcome.Load.Sending.TotalSeconds, 1e-9);
        output.WriteLine();
        output.WriteLine($"KpuOrleans sender: flood, seed {options.Seed}, target {options.Target}, {flood.SliceName} ({flood.TpsCount:N0} TPS, {flood.Forms.Count:N0} TPS×race forms)");
        output.WriteLine($"Sent {flood.Forms.Count:N0} forms in {flood.Requests.Count:N0} requests in {seconds:N1} s: {verdicts.Accepted.Count / seconds:N0}/s accepted (201)" +
                         $"{(options.Batch > 1 ? $", batches of up to {options.Batch}" : "")}, {options.Concurrency} in flight");
        output.WriteLine($"  forms    {string.Join(", ", verdicts.FormAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value:N0}"))}");
        output.WriteLine($"  requests {string.Join(", ", verdicts.RequestAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value:N0}"))}");
        output.WriteLine(Latency(verdicts) is { } l
            ? $"Latency (round trip of each request answered 2xx): p50 {l.P50:N1} ms, p90 {l.P90:N1} ms, p99 {l.P99:N1} ms, max {l.Max:N1} ms (n={l.Count:N0})"
            : "Latency: no request answered 2xx");
        output.WriteLine($"Sender CPU while sending: {outcome.SendingCpu.TotalSeconds:N2} s ({outcome.SendingCpu.TotalMicroseconds / Math.Max(1, flood.Forms.Count):N1} µs per form)");
        output.WriteLine(verdicts.ErrorCount == 0 ? "Errors: none" : $"Errors: {string.Join(", ", verdicts.Errors.Select(e => $"{e.Key}: {e.Value:N0}"))}");
        foreach (var sample in verdicts.ErrorSamples) output.WriteLine($"  {sample}");
        output.WriteLine(outcome.Check switch
        {
            null => "Tally check: skipped (--check-down-to none)",
            { Clean: true } c => $"Tally check: all {c.Checked:N0} tallies equal the recount of the accepted forms (read {c.Rounds} time(s))",
            var c => $"Tally check: {c.Mismatches.Count:N0} of {c.Checked:N0} tallies differ from the recount after {options.Settle.TotalSeconds:N0} s:",
        });
        foreach (var mismatch in outcome.Check?.Mismatches.Take(30) ?? []) output.WriteLine($"  {mismatch}");
        output.WriteLine(outcome.Passed ? "Result: PASSED" : $"Result: FAILED ({string.Join("; ", outcome.Failures)})");
    }

    public static async Task WriteJsonAsync(string path, SenderOptions options, SenderOutcome outcome, CancellationToken cancellationToken)
    {
        var (flood, verdicts) = (outcome.Flood, outcome.Verdicts);
        var seconds = Math.Max(outcome.Load.Sending.TotalSeconds, 1e-9);
        var answered = verdicts.FormAnswers.Where(a => a.Key != "no answer").Sum(a => a.Value);
        var report = new
        {
            client = "bench/Sender",
            mode = "flood",
            target = options.Target.ToString(),
            slice = flood.SliceName,
            seed = options.Seed,
            concurrency = options.Concurrency,
            batch = options.Batch,
            tps = flood.TpsCount,
            races = flood.Forms.Count,
            requests = flood.Requests.Count,
            sent = flood.Forms.Count,
            answered,
            accepted = verdicts.Accepted.Count,
            preparingSeconds = Math.Round(outcome.Preparing.TotalSeconds, 3),
            sendingSeconds = Math.Round(seconds, 3),
            // The client's own CPU while it sent: on a machine it shares with the target, what the target did not get.
            senderCpuSeconds = Math.Round(outcome.SendingCpu.TotalSeconds, 3),
            answeredPerSecond = Math.Round(answered / seconds, 1),
            acceptedPerSecond = Math.Round(verdicts.Accepted.Count / seconds, 1),
            latencyPer = "request",
            acceptanceLatencyMs = Latency(verdicts),
            answers = verdicts.FormAnswers,
            requestAnswers = verdicts.RequestAnswers,
            errors = verdicts.Errors,
            errorSamples = verdicts.ErrorSamples,
            throttled = 0,
            tallyCheck = outcome.Check is { } check ? new { @checked = check.Checked, mismatches = check.Mismatches.Count } : null,
            passed = outcome.Passed,
            failures = outcome.Failures,
        };
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Json, cancellationToken);
    }

    /// <summary>Nearest-rank percentiles of the sorted round trips.</summary>
    private static RequestLatency? Latency(Verdicts verdicts)
    {
        var sorted = verdicts.LatencyMs;
        if (sorted.Length == 0) return null;
        double At(double percentile) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
        return new RequestLatency(At(50), At(90), At(99), Math.Round(sorted[^1], 2), sorted.Length);
    }
}

/// <summary>Percentiles in milliseconds, and how many requests they summarise.</summary>
internal sealed record RequestLatency(double P50, double P90, double P99, double Max, long Count);
