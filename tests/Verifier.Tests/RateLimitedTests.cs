using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>A gateway that limits its readers (as a real cluster does) holds the download back, and it waits and goes on.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class RateLimitedTests(ITestOutputHelper log)
{
    [Fact]
    public async Task A_429_is_waited_out_and_the_download_completes()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("verifier-limited", environment: new Dictionary<string, string?>
        {
            ["RateLimits__Enabled"] = "true",
            ["RateLimits__ReaderRequestsPerSecond"] = "10",
            ["RateLimits__ReaderBurst"] = "10",
        });

        // Kota Batu's mayor race, nothing counted yet: about 30 children lists, more than the burst allows at once.
        var run = await VerifierRun.RunAsync("check", "--api", gateway.Address.ToString(), "--contests", "PWAL-35.79");
        log.WriteLine(run.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"PWAL-35\.79: 0 forms in the export, 330 published tallies, 0 certificates in force, 0 withdrawn \(told to wait \d+ times so far\)", run.Output);
        Assert.Equal("OK: every one of 330 published tallies and 0 forms of 1 contest matches the forms; 0 certificates in force, 0 withdrawn", run.Lines[^1]);
    }
}
