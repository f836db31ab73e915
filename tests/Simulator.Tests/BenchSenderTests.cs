using System.Text;
using System.Text.Json;
using KpuOrleans.Bench.Sender;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The benchmark's lean sender (bench/Sender) against the real embedded system with writers authenticating: it sends
/// the simulator's flood of Kota Batu, alone and in batches, every form is accepted and every tally down to the
/// villages equals the recount; refused forms fail the run, with the server's problem bodies printed.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class BenchSenderTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    private static Task<EmbeddedGateway> StartAuthenticatingAsync(string name) =>
        EmbeddedGateway.StartAsync(name, environment: new Dictionary<string, string?> { ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key });

    private async Task<(SenderOutcome Outcome, string Printed)> SendAsync(params string[] args)
    {
        var options = SenderOptions.Parse(args);
        Assert.NotNull(options);
        var printed = new StringWriter();
        var outcome = await SenderRun.RunAsync(options, printed, CancellationToken.None);
        log.WriteLine(printed.ToString());
        return (outcome, printed.ToString());
    }

    [Theory]
    [InlineData("1", "8", 604)]
    [InlineData("100", "4", 7)]
    public async Task Every_form_of_Kota_Batu_is_accepted_and_every_tally_checks_exact(string batch, string concurrency, int requests)
    {
        await using var gateway = await StartAuthenticatingAsync("sender-flood");
        var report = Path.Combine(Repository.TestResults, $"sender-{Guid.NewGuid():N}.json");

        var (outcome, printed) = await SendAsync("--target", gateway.Address.ToString(), "--regions", "35.79", "--batch", batch,
            "--concurrency", concurrency, "--token-key", Key, "--report-json", report);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("Result: PASSED", printed);
        Assert.Equal(604, outcome.Flood.Forms.Count);
        Assert.Equal(requests, outcome.Flood.Requests.Count);
        Assert.Equal(604, outcome.Verdicts.Accepted.Count);
        Assert.Equal(new Dictionary<string, long> { ["201"] = 604 }, outcome.Verdicts.FormAnswers);
        // The province, Kota Batu and every district and village of it, each for every race.
        Assert.True(outcome.Check!.Clean);
        Assert.Equal(57, outcome.Check.Checked);

        // The report carries what the benchmark runner reads, under the simulator's names.
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(report));
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(604, root.GetProperty("accepted").GetInt64());
        Assert.True(root.GetProperty("acceptedPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("sendingSeconds").GetDouble() > 0);
        Assert.Equal(requests, root.GetProperty("acceptanceLatencyMs").GetProperty("count").GetInt64());
        Assert.Equal(57, root.GetProperty("tallyCheck").GetProperty("checked").GetInt32());
        Assert.Equal(0, root.GetProperty("tallyCheck").GetProperty("mismatches").GetInt32());
    }

    [Fact]
    public async Task Forms_the_server_refuses_fail_the_run_and_their_problems_are_printed()
    {
        await using var gateway = await StartAuthenticatingAsync("sender-refused");

        // No token key: the gateway answers every form 401.
        var (outcome, printed) = await SendAsync("--target", gateway.Address.ToString(), "--regions", "35.79.01", "--concurrency", "4",
            "--check-down-to", "none");

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("Result: FAILED", printed);
        Assert.Empty(outcome.Verdicts.Accepted);
        Assert.Equal(outcome.Flood.Forms.Count, outcome.Verdicts.FormAnswers["401"]);
        Assert.Equal(outcome.Flood.Forms.Count, outcome.Verdicts.Errors["401"]);
        Assert.Contains("401 for 35.79.01.", outcome.Verdicts.ErrorSamples[0]);
        Assert.Contains("\"status\":401", outcome.Verdicts.ErrorSamples[0]);
    }

    [Fact]
    public async Task The_dump_for_wrk_holds_one_line_per_form_with_its_officers_token()
    {
        var path = Path.Combine(Repository.TestResults, $"sender-dump-{Guid.NewGuid():N}.tsv");
        var options = SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--regions", "35.79", "--token-key", Key, "--dump", path])!;
        var flood = FloodRequests.Build(options);

        await flood.DumpAsync(path);

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(604, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var (token, body) = (lines[i].Split('\t')[0], lines[i].Split('\t')[1]);
            Assert.Equal(flood.Requests[i].Token, token);
            using var form = JsonDocument.Parse(body);
            Assert.Equal(flood.Forms[i].Tps, form.RootElement.GetProperty("tps").GetString());
            Assert.Equal(flood.Forms[i].Contest, form.RootElement.GetProperty("contest").GetString());
        }
        Assert.Equal(604, lines.Select(l => l.Split('\t')[1]).Distinct().Count());
    }
}
