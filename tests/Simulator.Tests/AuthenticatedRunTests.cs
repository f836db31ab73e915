using System.Text;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The simulator against an embedded gateway whose writers authenticate: with the key, every officer signs their own
/// forms (single and batched, firsts and corrections) and the run ends clean; without it, nothing is accepted.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class AuthenticatedRunTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    private async Task<SimulationOutcome> RunAsync(params string[] args)
    {
        var parsed = OptionsParser.Parse(args);
        Assert.Null(parsed.Error);
        var printed = new StringWriter();
        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(2))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());
        return outcome;
    }

    [Theory]
    [InlineData("1")]
    [InlineData("25")]
    public async Task With_the_key_every_officer_signs_their_forms_and_the_run_ends_clean(string batch)
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-auth",
            environment: new Dictionary<string, string?> { ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key });

        var outcome = await RunAsync("flood", "--target", gateway.Address.ToString(), "--regions", "35.79.01", "--batch", batch,
            "--corrections", "20", "--retries", "10", "--plain", "--token-key", Key);

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(0, outcome.Stats.ErrorCount);
        Assert.True(outcome.Stats.Answers.GetValueOrDefault((SubmissionKind.Correction, 201)) > 0, "no correction was sent");
        Assert.True(outcome.Check.Clean);
    }

    [Fact]
    public async Task Without_the_key_every_form_is_refused_and_nothing_counts()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-noauth",
            environment: new Dictionary<string, string?> { ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key });

        var outcome = await RunAsync("flood", "--target", gateway.Address.ToString(), "--regions", "35.79.01.1001", "--plain",
            "--attempts", "1", "--settle", "1", "--check-down-to", "none");

        Assert.NotEqual(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(outcome.Stats.Answered, outcome.Stats.Answers.Where(a => a.Key.Item2 == 401).Sum(a => a.Value));
        Assert.Equal(0, outcome.Stats.TpsReported);
    }
}
