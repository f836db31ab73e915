using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The verifier against the embedded system started on the national registry (the root 0 above 38 provinces, 545
/// races): forms counted in three provinces, a governor-only one (DKI Jakarta), one without a governor race (DI
/// Yogyakarta) and Jawa Timur, download and check clean race by race; a tally changed by hand is named.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class NationalExportTests(ITestOutputHelper log)
{
    private static RegionRegistry Country => Indonesia.Registry;

    [Fact]
    public async Task A_count_in_three_provinces_of_the_national_system_checks_clean_and_a_changed_tally_is_named()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("verifier-national",
            environment: new Dictionary<string, string?> { ["Registry__Path"] = Indonesia.Folder });
        using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromMinutes(2) };
        var jakarta = FirstBelow("31", Level.Village);
        var yogyakarta = FirstBelow("34.71", Level.District);
        const string batu = "35.79.01";
        var random = new Random(19);
        var forms = new[] { jakarta, yogyakarta, batu }.SelectMany(Country.TpsUnder)
            .SelectMany(tps => tps.Contests.Select(contest => SampleForms.Valid(tps, contest, random))).ToList();
        await CountedRegency.SubmitAsync(http, forms);
        string[] races = ["PGUB-31", "PWAL-34.71", "PWAL-35.79"];
        foreach (var race in races)
        {
            var scope = Country.FindContest(race)!.Scope;
            var expected = forms.Count(f => f.Contest == race);
            await Eventually.HoldsAsync(async () =>
            {
                var top = await http.GetFromJsonAsync<JsonElement>($"api/v1/tally/{race}/{scope}");
                return (top.GetProperty("tpsReported").GetInt32() == expected, top.ToString());
            }, TimeSpan.FromSeconds(60), $"{race} counts {expected} TPS at {scope}");
        }
        using (var certify = await http.PostAsync($"api/v1/certify/PWAL-34.71/{yogyakarta}", null))
            Assert.Equal(HttpStatusCode.Created, certify.StatusCode);

        var folder = Path.Combine(Repository.TestResults, $"national-{Guid.NewGuid():N}");
        var download = await RunAsync("download", "--api", gateway.Address.ToString(), "--out", folder, "--contests", string.Join(',', races));
        Assert.Equal(0, download.ExitCode);
        using (var listed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "contests.json"))))
            Assert.Equal(545, listed.RootElement.GetArrayLength());

        var check = await RunAsync("check", folder);

        Assert.Equal(0, check.ExitCode);
        var tallies = races.Sum(r => Nodes(Country.FindContest(r)!.Scope));
        // Kota Batu's governor forms (PGUB-35) were counted too, but not downloaded: a national check is per race.
        var checkedForms = forms.Count(f => races.Contains(f.Contest));
        Assert.Equal([$"OK: every one of {tallies} published tallies and {checkedForms} forms of 3 contests matches the forms; 1 certificate in force, 0 withdrawn"],
            check.Lines);

        // Yogyakarta's district, changed by hand: named, and nothing else.
        var file = Path.Combine(folder, "PWAL-34.71.tallies.json");
        var published = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsArray();
        var district = published.Single(t => t!["region"]!.GetValue<string>() == yogyakarta)!;
        var was = district["valid"]!.GetValue<long>();
        district["valid"] = was + 1;
        await File.WriteAllTextAsync(file, published.ToJsonString());

        var tampered = await RunAsync("check", folder);

        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"PWAL-34.71 {yogyakarta} (district): valid: published {was + 1}, recomputed {was}", tampered.Lines);
        Assert.StartsWith("FAILED: ", tampered.Lines[^1]);
        Assert.DoesNotContain(tampered.Lines, l => l.StartsWith("PGUB-31", StringComparison.Ordinal) || l.StartsWith("PWAL-35.79", StringComparison.Ordinal));
    }

    /// <summary>Every node a race publishes a tally for: its scope and every region and TPS below.</summary>
    private static int Nodes(string code) => 1 + Country.Get(code).Children.Sum(Nodes);

    private static string FirstBelow(string code, Level level)
    {
        var region = Country.Get(code);
        while (region.Level < level) region = Country.Get(region.Children[0]);
        return region.Code;
    }

    private async Task<VerifierRun> RunAsync(params string[] args)
    {
        var run = await VerifierRun.RunAsync(args);
        log.WriteLine(run.ToString());
        return run;
    }
}
