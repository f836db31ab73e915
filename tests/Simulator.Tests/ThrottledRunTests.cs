using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Throttling;
using KpuOrleans.Simulator.Viewers;
using KpuOrleans.TestKit;
using Xunit.Abstractions;
using Recount = KpuOrleans.Simulator.Checking.Recount;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// A gateway over its rate limit answers 429 with Retry-After: the simulator waits, sends the same request again, and
/// counts it, whether it was a form, a batch, a tally read, the contest list or a viewer connecting. A 429 is neither
/// an answer to the form nor one of its attempts.
/// </summary>
public class ThrottledRunTests(ITestOutputHelper log)
{
    private const string Village = "35.79.01.1001";

    [Theory]
    [InlineData("1")]
    [InlineData("25")]
    public async Task Every_form_refused_once_with_429_is_sent_again_and_accepted_exactly_once(string batch)
    {
        await using var gateway = await ThrottlingGateway.StartAsync();
        var report = Path.Combine(Repository.TestResults, $"throttled-{Guid.NewGuid():N}.json");
        var forms = Jatim.Registry.TpsUnder(Village).Sum(t => t.Contests.Count);

        // One attempt per form: a 429 that spent one would leave the form unresolved.
        var parsed = OptionsParser.Parse(["flood", "--target", gateway.Address.ToString(), "--regions", Village, "--batch", batch,
            "--retries", "0", "--corrections", "0", "--invalid", "0", "--attempts", "1", "--check-down-to", "none", "--plain", "--report-json", report]);
        var printed = new StringWriter();
        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(0, outcome.Stats.ErrorCount);
        Assert.Equal(0, outcome.UnresolvedForms);
        Assert.Equal(forms, gateway.Accepted.Count);
        Assert.All(gateway.Accepted.Values, times => Assert.Equal(1, times));
        Assert.Equal(forms, outcome.Stats.Sent);
        Assert.Equal(forms, outcome.Stats.Answers[(SubmissionKind.First, 201)]);
        Assert.Equal(forms, outcome.Stats.Answers.Values.Sum());
        // Every 429 the gateway sent was counted: one per request of forms, and the contest list's.
        Assert.Equal(gateway.Refused, outcome.Stats.Throttled);
        Assert.Equal(1, outcome.Stats.ThrottledBy[ThrottledArea.Reads]);
        Assert.Equal(batch == "1" ? forms : gateway.Refused - 1, outcome.Stats.ThrottledBy[ThrottledArea.Writes]);
        Assert.Contains($"Throttled (429, waited out as Retry-After said and sent again, not errors): {gateway.Refused:N0} requests", printed.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(report));
        Assert.Equal(gateway.Refused, json.RootElement.GetProperty("throttled").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("throttledBy").GetProperty("reads").GetInt64());
    }

    [Fact]
    [Trait(Lanes.Category, Lanes.Slow)]
    public async Task Against_the_gateway_with_tight_rate_limits_the_run_is_throttled_and_still_ends_clean()
    {
        const string key = "YSB0ZXN0IGtleSBvZiB0aGlydHktdHdvIGJ5dGVzISE=";
        // One write a second per officer and three reads a second for this address, bursts of one: each KPPS sends
        // two forms at once, and the end-of-run check reads seven tallies at once.
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-throttled", environment: new Dictionary<string, string?>
        {
            ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = key, ["RateLimits__Enabled"] = "true",
            ["RateLimits__WriterRequestsPerSecond"] = "1", ["RateLimits__WriterBurst"] = "1",
            ["RateLimits__ReaderRequestsPerSecond"] = "3", ["RateLimits__ReaderBurst"] = "1",
        });
        var parsed = OptionsParser.Parse(["flood", "--target", gateway.Address.ToString(), "--regions", Village, "--corrections", "20",
            "--attempts", "1", "--plain", "--token-key", key]);
        var printed = new StringWriter();
        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(0, outcome.Stats.ErrorCount);
        Assert.True(outcome.Check.Clean);
        Assert.True(outcome.Stats.ThrottledBy.GetValueOrDefault(ThrottledArea.Writes) > 0, "no write was throttled");
        Assert.True(outcome.Stats.ThrottledBy.GetValueOrDefault(ThrottledArea.Reads) > 0, "no read was throttled");
    }

    [Fact]
    public async Task A_tally_read_refused_with_429_is_read_again_and_checked()
    {
        await using var gateway = await ThrottlingGateway.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var stats = new RunStats();
        var targets = TallyChecker.TargetsFor(Jatim.Registry, [Jatim.Registry.Get(Village)], Level.Tps);

        // Nothing accepted: every tally is zero, as the stand-in shows them once it answers at all.
        var report = await new TallyChecker(new ApiTallyReader(http, new Throttle(stats)), settle: TimeSpan.Zero, pause: TimeSpan.Zero)
            .CheckAsync(targets, new Recount(Jatim.Registry, []), CancellationToken.None);

        Assert.True(report.Clean, string.Join("\n", report.Mismatches));
        Assert.Equal(1, report.Rounds);
        Assert.Equal(targets.Count, gateway.Refused);
        Assert.Equal(targets.Count, stats.ThrottledBy[ThrottledArea.Reads]);
    }

    [Fact]
    public async Task A_viewer_refused_with_429_connects_again_and_subscribes()
    {
        await using var gateway = await ThrottlingGateway.StartAsync();
        var region = Jatim.Registry.Get(Village);

        await using var viewers = new LeanViewers([new ViewerPlan([(region.Contests[0].Id, region.Code)], Stalls: false)]);
        await viewers.ConnectAsync(gateway.Address, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(1, viewers.Connected);
        Assert.Equal(0, Assert.Single(Assert.Single(Assert.Single(viewers.Viewers).Tallies).Arrivals).Version);
        Assert.Equal(1, gateway.Refused);
        Assert.Equal(1, viewers.Throttled);
    }

    [Fact]
    public async Task A_request_still_refused_after_the_patience_takes_the_429_as_its_answer()
    {
        await using var gateway = await ThrottlingGateway.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var stats = new RunStats();
        using var first = await new Throttle(stats, patience: TimeSpan.Zero)
            .SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, "api/v1/contests"), ThrottledArea.Reads, CancellationToken.None);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(0, stats.Throttled);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date_and_kept_within_bounds()
    {
        var now = new DateTimeOffset(2024, 11, 27, 13, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(2), Throttle.WaitFor(new RetryConditionHeaderValue(TimeSpan.FromSeconds(2)), now));
        Assert.Equal(TimeSpan.FromSeconds(5), Throttle.WaitFor(new RetryConditionHeaderValue(now.AddSeconds(5)), now));
        Assert.Equal(Throttle.DefaultWait, Throttle.WaitFor(null, now));
        Assert.Equal(Throttle.LongestWait, Throttle.WaitFor(new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)), now));
        Assert.Equal(TimeSpan.Zero, Throttle.WaitFor(new RetryConditionHeaderValue(now.AddSeconds(-5)), now));
    }
}
