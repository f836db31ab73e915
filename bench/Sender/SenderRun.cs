using System.Diagnostics;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Bench.Sender;

/// <summary>What a run found: the answers, the tally check (null when skipped), why it failed if it did.</summary>
/// <param name="SendingCpu">The sender's own CPU time while it sent (user and system), what it took from the target's cores.</param>
internal sealed record SenderOutcome(FloodRequests Flood, LoadResult Load, Verdicts Verdicts, CheckReport? Check, TimeSpan Preparing, TimeSpan SendingCpu)
{
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            if (Verdicts.ErrorCount > 0) failures.Add($"{Verdicts.ErrorCount:N0} forms not accepted as they should be");
            if (Check is { Clean: false } check) failures.Add($"{check.Mismatches.Count:N0} tallies differ from the recount");
            return failures;
        }
    }

    public bool Passed => Failures.Count == 0;

    public int ExitCode => Passed ? 0 : 1;
}

/// <summary>One run: build every request, send them, judge the answers, check every tally against the recount.</summary>
internal static class SenderRun
{
    private static readonly TimeSpan CheckPause = TimeSpan.FromMilliseconds(250);

    public static async Task<SenderOutcome> RunAsync(SenderOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var preparing = Stopwatch.StartNew();
        var flood = FloodRequests.Build(options);
        preparing.Stop();
        output.WriteLine($"Prepared {flood.Requests.Count:N0} requests ({flood.Forms.Count:N0} forms, {flood.SliceName}) in {preparing.Elapsed.TotalSeconds:N1} s; sending, {options.Concurrency} in flight");

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var load = await Load.SendAsync(options.Target, flood.Requests, options.Concurrency, options.Timeout);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var verdicts = Verdicts.Judge(flood, load);

        CheckReport? check = null;
        if (options.CheckDownTo is { } deepest)
        {
            using var http = new HttpClient { BaseAddress = options.Target, Timeout = TimeSpan.FromSeconds(30) };
            var reader = new ApiTallyReader(http, new Throttle(new RunStats()));
            check = await new TallyChecker(reader, options.Settle, CheckPause)
                .CheckAsync(TallyChecker.TargetsFor(flood.Registry, flood.Slice, deepest), new Recount(flood.Registry, verdicts.Accepted), cancellationToken);
        }
        var outcome = new SenderOutcome(flood, load, verdicts, check, preparing.Elapsed, cpu);
        SenderReport.Write(output, options, outcome);
        if (options.ReportJson is { } path) await SenderReport.WriteJsonAsync(path, options, outcome, cancellationToken);
        return outcome;
    }
}
