using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The simulator against the embedded system started on the national registry (<c>Registry__Path</c>), with writers
/// authenticating: a night of DKI Jakarta (governor only), DI Yogyakarta (regent/mayor only) and Kota Batu (both),
/// batched and signed by each province's officers, ends with every tally of every race exact; then certify takes
/// both whole provinces bottom up, up to each province and no further.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class NationalRunTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));
    private static RegionRegistry Country => Indonesia.Registry;

    [Fact]
    public async Task A_night_across_three_provinces_ends_exact_and_certify_goes_up_to_each_province()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-national", environment: new Dictionary<string, string?>
        {
            ["Registry__Path"] = Indonesia.Folder, ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key,
        });
        var parsed = OptionsParser.Parse(["night", "--speed", "40000", "--target", gateway.Address.ToString(), "--registry", Indonesia.Folder,
            "--regions", "31,34,35.79", "--batch", "25", "--concurrency", "8", "--token-key", Key, "--subscribers", "2", "--plain", "--settle", "120"]);
        Assert.Null(parsed.Error);
        var printed = new StringWriter();

        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Contains("regions 31,34,35.79", printed.ToString());
        string[] slice = ["31", "34", "35.79"];
        var stations = slice.SelectMany(Country.TpsUnder).ToList();
        Assert.Equal(stations.Count, outcome.Stats.TpsTotal);
        Assert.Equal(stations.Count, outcome.Stats.TpsReported);
        Assert.Equal(0, outcome.Stats.ErrorCount);
        // Jakarta's TPS one form (governor), Yogyakarta's one (their regency's), Kota Batu's two.
        Assert.Equal(stations.Sum(t => t.Contests.Count), outcome.Stats.Answers[(SubmissionKind.First, 201)]);
        Assert.Equal(Country.TpsUnder("31").Count() + Country.TpsUnder("34").Count() + 2 * Country.TpsUnder("35.79").Count(),
            outcome.Stats.Answers[(SubmissionKind.First, 201)]);
        Assert.True(outcome.Check.Clean, string.Join("\n", outcome.Check.Mismatches.Take(10)));
        Assert.Equal(TallyChecker.TargetsFor(Country, [.. slice.Select(Country.Get)], Level.Village).Count, outcome.Check.Checked);
        Assert.Equal(2, outcome.Viewers);
        Assert.Empty(outcome.ViewerProblems);

        var certified = new StringWriter();
        var exitCode = await SimulatorApp.RunAsync(["certify", "--target", gateway.Address.ToString(), "--registry", Indonesia.Folder,
            "--regions", "31,34", "--token-key", Key], certified, CancellationToken.None);
        log.WriteLine(certified.ToString());

        Assert.Equal(0, exitCode);
        // Every district and regency of both, in every race covering it, and Jakarta's province; Yogyakarta's has no race.
        var expected = new[] { "31", "34" }.Sum(p => Certifiable(Country.Get(p)));
        Assert.Contains($"Result: PASSED, {expected:N0} certificates in force", certified.ToString());
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var jakarta = await http.GetFromJsonAsync<JsonElement>("api/v1/tally/PGUB-31/31");
        Assert.Equal("provinsi-31", jakarta.GetProperty("certified").GetProperty("by").GetString());
        using var root = await http.GetAsync("api/v1/tally/PGUB-31/0");
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    private static int Certifiable(RegionInfo region) =>
        (region.Level <= Level.District ? region.Contests.Count : 0)
        + (region.Level < Level.District ? region.Children.Sum(c => Certifiable(Country.Get(c))) : 0);
}
