using System.Text.Json;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The simulator's photos through the real embedded system: a night of a district where most forms cite two pages,
/// some uploaded late and some disputed, ends with every cited page stored, no TPS photo-missing, every tally exact
/// (photoMissing and disputesOpen included) and the disputes open for the operators.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class EmbeddedPhotoRunTests(ITestOutputHelper log)
{
    private const string District = "35.79.01";

    [Fact]
    public async Task A_night_with_late_and_disputed_photos_ends_with_every_photo_stored_none_missing_and_the_disputes_open()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-photos");
        var parsed = OptionsParser.Parse(["night", "--speed", "20000", "--target", gateway.Address.ToString(), "--regions", District,
            "--retries", "10", "--corrections", "10", "--invalid", "5", "--check-down-to", "tps", "--settle", "60", "--plain",
            "--photos", "0.7", "--photo-pages", "2", "--photo-late", "0.4", "--dispute-share", "0.2"]);
        Assert.Null(parsed.Error);
        var printed = new StringWriter();

        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(0, outcome.Stats.ErrorCount);
        Assert.True(outcome.Check.Clean);
        Assert.True(outcome.Stats.PhotosUploaded > 0);
        Assert.True(outcome.Photos is { Clean: true, Cited: > 0 }, printed.ToString());
        Assert.True(outcome.Stats.DisputesFiled > 0);

        // The gateway says so itself, not only by agreeing with the recount: no TPS is photo-missing, and the disputes are open.
        var script = ElectionScript.Write(Jatim.Registry, Jatim.Registry.TpsUnder(District), parsed.Options!.Seed, parsed.Options.Mix,
            ArrivalCurve.Pilkada2024, () => { }, parsed.Options.PhotoPlan);
        var disputed = script.Races.Where(r => r.Steps.Any(s => s.Kind == SubmissionKind.Dispute)).ToList();
        Assert.Equal(disputed.Count, outcome.Stats.DisputesFiled);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        foreach (var contest in Jatim.Registry.Get(District).Contests)
        {
            using var tally = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{contest.Id}/{District}"));
            Assert.Equal(0, tally.RootElement.GetProperty("photoMissing").GetInt32());
            Assert.Equal(disputed.Count(r => r.Contest.Id == contest.Id), tally.RootElement.GetProperty("disputesOpen").GetInt32());
        }
        using var open = JsonDocument.Parse(await http.GetStringAsync($"api/v1/disputes?region={District}&status=open&limit=500"));
        Assert.Equal(
            disputed.Select(r => (r.Tps.Code, r.Contest.Id, r.Steps[^1].Dispute!.Field)).Order(),
            open.RootElement.EnumerateArray().Select(d => (d.GetProperty("tps").GetString()!, d.GetProperty("contest").GetString()!, d.GetProperty("field").GetString()!)).Order());
    }
}
