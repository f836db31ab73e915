using System.Text.Json;
using KpuOrleans.TestKit;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The simulator against the real embedded system (the gateway as a process): a short flood of Kota Batu with every
/// kind of submission and a few viewers ends with a clean check; the same run again on the same system is not clean.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class EmbeddedSystemRunTests(ITestOutputHelper log)
{
    private static readonly string[] Mix = ["--regions", "35.79", "--retries", "10", "--corrections", "10", "--invalid", "10", "--plain", "--settle", "60"];

    private async Task<(SimulationOutcome Outcome, string Printed)> RunAsync(params string[] args)
    {
        var parsed = OptionsParser.Parse(args);
        Assert.Null(parsed.Error);
        var printed = new StringWriter();
        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(2)))
            .RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());
        return (outcome, printed.ToString());
    }

    [Fact]
    public async Task A_flood_of_a_regency_with_retries_corrections_invalid_forms_and_viewers_ends_clean()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-flood");
        string[] flood = ["flood", "--target", gateway.Address.ToString(), "--batch", "25", "--concurrency", "8", "--subscribers", "3", .. Mix];

        var (outcome, printed) = await RunAsync(flood);

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Contains("Result: PASSED", printed);
        var stats = outcome.Stats;
        Assert.Equal(302, stats.TpsTotal);
        Assert.Equal(302, stats.TpsReported);
        Assert.Equal(0, stats.ErrorCount);
        Assert.Equal(stats.SubmissionsTotal, stats.Answered);
        // Every kind was sent and got its own answer: 201 first forms and corrections, 200 retries, 422 invalid forms.
        Assert.Equal(604, stats.Answers[(SubmissionKind.First, 201)]);
        Assert.True(stats.Answers.GetValueOrDefault((SubmissionKind.Retry, 200)) > 0);
        Assert.True(stats.Answers.GetValueOrDefault((SubmissionKind.Correction, 201)) > 0);
        Assert.True(stats.Answers.GetValueOrDefault((SubmissionKind.Invalid, 422)) > 0);
        Assert.Equal(stats.Answered, stats.Answers.Values.Sum());
        // The province, Kota Batu and every district and village of it, each for every race.
        Assert.True(outcome.Check.Clean);
        Assert.Equal(57, outcome.Check.Checked);
        // The viewers saw the forms come in and ended on the recount.
        Assert.Equal(3, outcome.Viewers);
        Assert.Empty(outcome.ViewerProblems);
        Assert.NotNull(outcome.Delivery);
        Assert.True(outcome.Delivery!.Seen.All.TotalCount > 0);
        Assert.Equal(0, outcome.Delivery.Unproven);

        // The same night again on the same system: every first form is now a retry (200), which the simulator must
        // count as unexpected, and the exit code says so.
        var (again, printedAgain) = await RunAsync(flood);
        Assert.Equal(SimulationOutcome.Failed, again.ExitCode);
        Assert.Equal(604, again.Stats.Answers[(SubmissionKind.First, 200)]);
        Assert.Equal(604 + again.Stats.Answers.GetValueOrDefault((SubmissionKind.Correction, 200)), again.Stats.Errors["200"]);
        Assert.Contains("Result: FAILED", printedAgain);
        // What the server said it holds is still what it shows: only the answers were wrong.
        Assert.True(again.Check.Clean, printedAgain);
    }

    [Fact]
    public async Task A_night_replayed_fast_one_form_per_request_ends_clean()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-night");

        var reportPath = Path.Combine(Repository.TestResults, $"night-{Guid.NewGuid():N}.json");

        var (outcome, _) = await RunAsync(["night", "--speed", "20000", "--target", gateway.Address.ToString(), "--subscribers", "1",
            "--report-json", reportPath, .. Mix]);

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(302, outcome.Stats.TpsReported);
        Assert.True(outcome.Check.Clean);
        // The figures for the benchmark suite are the run's own.
        using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(reportPath));
        var root = report.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(outcome.Stats.Accepted, root.GetProperty("accepted").GetInt64());
        Assert.Equal(outcome.Stats.AcceptanceLatency.TotalCount, root.GetProperty("acceptanceLatencyMs").GetProperty("count").GetInt64());
        Assert.Equal(outcome.Check.Checked, root.GetProperty("tallyCheck").GetProperty("checked").GetInt32());
        Assert.Equal(1, root.GetProperty("viewers").GetProperty("connections").GetInt32());
    }
}
