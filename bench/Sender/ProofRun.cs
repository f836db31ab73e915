using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KpuOrleans.Bench.Sender;

/// <summary>
/// The proof mode's answers judged once the clock has stopped: each should be a 200 whose proof is of the TPS and race
/// asked, hashes bottom up (every level's text to its digest, each digest named by a <c>child</c> line of the level
/// above) and ends at the race's top or at a certificate. A 503 (more than <c>Proofs:MaxConcurrent</c> in flight, or
/// the path kept moving) is counted on its own; any other answer, or a proof that does not check, is an error.
/// </summary>
internal sealed class ProofVerdicts
{
    private const int MaxSamples = 5;

    public Dictionary<string, long> Answers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
    public List<string> ErrorSamples { get; } = [];
    public long Proved { get; private set; }
    public long Busy => Answers.GetValueOrDefault("503");
    public long LargestBytes { get; private set; }
    public string? LargestPath { get; private set; }
    public double MeanBytes { get; private set; }

    /// <summary>Round trips of the requests answered 200, in milliseconds, sorted.</summary>
    public double[] LatencyMs { get; private set; } = [];

    public long ErrorCount => Errors.Values.Sum();

    public static ProofVerdicts Judge(ProofRequests proofs, LoadResult load)
    {
        var verdicts = new ProofVerdicts();
        var latencies = new List<double>(load.Answers.Length);
        var checkedBodies = new Dictionary<string, string?>(StringComparer.Ordinal);
        long bytes = 0;
        for (var i = 0; i < load.Answers.Length; i++)
        {
            var (path, answer) = (proofs.Picks[i], load.Answers[i]);
            var label = answer.Status == 0 ? "no answer" : answer.Status.ToString(CultureInfo.InvariantCulture);
            verdicts.Answers[label] = verdicts.Answers.GetValueOrDefault(label) + 1;
            if (answer.Status == 503) continue;
            if (answer.Status != 200)
            {
                verdicts.Error(label, $"{label} for {path.Contest} {path.Tps}: {Shorten(answer.Body)}");
                continue;
            }
            latencies.Add(load.RoundTripTicks[i] * 1000.0 / Stopwatch.Frequency);
            // A proof is checked once per distinct body: asking the same path again mostly gets the same bytes.
            var key = $"{path.Contest} {path.Tps} {Convert.ToHexString(SHA256.HashData(answer.Body))}";
            if (!checkedBodies.TryGetValue(key, out var broken)) checkedBodies[key] = broken = Break(path, answer.Body);
            if (broken is not null)
            {
                verdicts.Error("proof does not check", $"200 for {path.Contest} {path.Tps} does not check: {broken}");
                continue;
            }
            verdicts.Proved++;
            bytes += answer.Body.Length;
            if (answer.Body.Length > verdicts.LargestBytes) (verdicts.LargestBytes, verdicts.LargestPath) = (answer.Body.Length, $"{path.Contest} {path.Tps}");
        }
        latencies.Sort();
        verdicts.LatencyMs = [.. latencies];
        verdicts.MeanBytes = verdicts.Proved == 0 ? 0 : (double)bytes / verdicts.Proved;
        return verdicts;
    }

    /// <returns>Null when the proof checks; otherwise where it breaks.</returns>
    internal static string? Break(ProofPath path, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.GetProperty("contest").GetString() != path.Contest || root.GetProperty("tps").GetString() != path.Tps) return "it names another TPS or race";
            var levels = root.GetProperty("levels").EnumerateArray().ToList();
            if (levels.Count == 0 || levels[0].GetProperty("region").GetString() != path.Tps) return "it does not start at the TPS";
            string? below = null, belowCode = null;
            foreach (var level in levels)
            {
                var code = level.GetProperty("region").GetString()!;
                var text = level.GetProperty("text").GetString()!;
                var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                if (digest != level.GetProperty("digest").GetString()) return $"{code}: its text does not hash to its digest";
                if (below is not null && !text.Contains($"\nchild {belowCode} {below}\n", StringComparison.Ordinal)) return $"{belowCode}: its parent does not name its digest";
                (below, belowCode) = (digest, code);
            }
            var live = root.GetProperty("against").GetString() == "live";
            return live && belowCode != path.Scope ? $"a live proof that ends at {belowCode}, not at the race's top {path.Scope}" : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"not a proof as API.md says ({e.Message})";
        }
    }

    private void Error(string label, string sample)
    {
        Errors[label] = Errors.GetValueOrDefault(label) + 1;
        if (ErrorSamples.Count < MaxSamples) ErrorSamples.Add(sample);
    }

    private static string Shorten(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        return body.Length > 400 ? text + "…" : text;
    }
}

/// <summary>What a proof run found; it passes when no answer was an error (503s are counted, not failures).</summary>
internal sealed record ProofRunOutcome(ProofRequests Proofs, LoadResult Load, ProofVerdicts Verdicts, TimeSpan SendingCpu)
{
    public bool Passed => Verdicts.ErrorCount == 0 && Verdicts.Proved > 0;

    public int ExitCode => Passed ? 0 : 1;
}

/// <summary>The proof mode (<c>--proofs N</c>): build the requests, send them, judge the answers, report.</summary>
internal static class ProofRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<ProofRunOutcome> RunAsync(SenderOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var proofs = ProofRequests.Build(options);
        output.WriteLine($"Prepared {proofs.Requests.Count:N0} proof requests over {proofs.Paths.Count:N0} paths ({proofs.SliceName}{(options.Contest is { } c ? $", {c}" : "")}); sending, {options.Concurrency} in flight");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var load = await Load.SendAsync(options.Target, proofs.Requests, options.Concurrency, options.Timeout);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var outcome = new ProofRunOutcome(proofs, load, ProofVerdicts.Judge(proofs, load), cpu);
        Write(output, options, outcome);
        if (options.ReportJson is { } path)
        {
            await using var file = File.Create(path);
            await JsonSerializer.SerializeAsync(file, Report(options, outcome), Json, cancellationToken);
        }
        return outcome;
    }

    private static void Write(TextWriter output, SenderOptions options, ProofRunOutcome outcome)
    {
        var (verdicts, seconds) = (outcome.Verdicts, Math.Max(outcome.Load.Sending.TotalSeconds, 1e-9));
        output.WriteLine();
        output.WriteLine($"KpuOrleans sender: proofs, seed {options.Seed}, target {options.Target}, {outcome.Proofs.Requests.Count:N0} requests in {seconds:N1} s: " +
                         $"{verdicts.Proved / seconds:N0} proofs/s answered 200 and checked, {options.Concurrency} in flight");
        output.WriteLine($"  answers  {string.Join(", ", verdicts.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value:N0}"))}");
        output.WriteLine(Latency(verdicts) is { } l
            ? $"Latency (round trip of each proof answered 200): p50 {l.P50:N1} ms, p90 {l.P90:N1} ms, p99 {l.P99:N1} ms, max {l.Max:N1} ms (n={l.Count:N0})"
            : "Latency: no proof answered 200");
        output.WriteLine($"Proof bytes (body, as sent): mean {verdicts.MeanBytes:N0}, largest {verdicts.LargestBytes:N0} ({verdicts.LargestPath})");
        output.WriteLine($"Sender CPU while sending: {outcome.SendingCpu.TotalSeconds:N2} s");
        output.WriteLine(verdicts.ErrorCount == 0 ? "Errors: none" : $"Errors: {string.Join(", ", verdicts.Errors.Select(e => $"{e.Key}: {e.Value:N0}"))}");
        foreach (var sample in verdicts.ErrorSamples) output.WriteLine($"  {sample}");
        output.WriteLine(outcome.Passed ? "Result: PASSED" : "Result: FAILED");
    }

    private static object Report(SenderOptions options, ProofRunOutcome outcome)
    {
        var (verdicts, seconds) = (outcome.Verdicts, Math.Max(outcome.Load.Sending.TotalSeconds, 1e-9));
        return new
        {
            client = "bench/Sender",
            mode = "proofs",
            target = options.Target.ToString(),
            slice = outcome.Proofs.SliceName,
            contest = options.Contest,
            seed = options.Seed,
            concurrency = options.Concurrency,
            paths = outcome.Proofs.Paths.Count,
            requests = outcome.Proofs.Requests.Count,
            proved = verdicts.Proved,
            busy = verdicts.Busy,
            sendingSeconds = Math.Round(seconds, 3),
            senderCpuSeconds = Math.Round(outcome.SendingCpu.TotalSeconds, 3),
            provedPerSecond = Math.Round(verdicts.Proved / seconds, 1),
            latencyMs = Latency(verdicts),
            meanBytes = Math.Round(verdicts.MeanBytes, 1),
            largestBytes = verdicts.LargestBytes,
            largestPath = verdicts.LargestPath,
            answers = verdicts.Answers,
            errors = verdicts.Errors,
            errorSamples = verdicts.ErrorSamples,
            passed = outcome.Passed,
        };
    }

    private static RequestLatency? Latency(ProofVerdicts verdicts)
    {
        var sorted = verdicts.LatencyMs;
        if (sorted.Length == 0) return null;
        double At(double percentile) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
        return new RequestLatency(At(50), At(90), At(99), Math.Round(sorted[^1], 2), sorted.Length);
    }
}
