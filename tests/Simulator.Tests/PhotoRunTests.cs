using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Photos;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// A run with photos against a stand-in gateway: pages go up before their form unless late, late ones after it, each
/// once (a busy store's 503 waited out, not an error), with the bytes that hash to their names; every disputed race
/// gets its dispute, each from an address of its own; and the end check finds every cited page.
/// </summary>
public class PhotoRunTests(ITestOutputHelper log)
{
    private const string Village = "35.79.01.1001";

    [Theory]
    [InlineData("1")]
    [InlineData("10")]
    public async Task Pages_go_up_before_or_after_their_form_as_planned_and_disputes_are_filed(string batch)
    {
        await using var gateway = await EvidenceGateway.StartAsync();
        var parsed = OptionsParser.Parse(["flood", "--target", gateway.Address.ToString(), "--regions", Village, "--batch", batch, "--seed", "5",
            "--retries", "30", "--corrections", "30", "--invalid", "0", "--check-down-to", "none", "--plain",
            "--photos", "0.8", "--photo-pages", "2", "--photo-late", "0.4", "--dispute-share", "0.3"]);
        var options = parsed.Options!;
        var printed = new StringWriter();

        var outcome = await new SimulationRunner(options, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Empty(gateway.Refusals);
        var script = ElectionScript.Write(Jatim.Registry, Jatim.Registry.TpsUnder(Village), options.Seed, options.Mix, ArrivalCurve.Pilkada2024, () => { },
            options.PhotoPlan);
        var planned = script.Races.SelectMany(r => r.Steps).Where(s => s.Kind is SubmissionKind.First or SubmissionKind.Correction && s.Photos is not null)
            .ToDictionary(s => $"{s.Form.Tps}/{s.Form.Contest}/v{s.Form.Version}", s => s.Photos!);
        var firsts = gateway.Forms.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First());
        Assert.InRange(planned.Values.Count(p => p.Late), 1, planned.Count - 1);
        foreach (var (key, photos) in planned)
        {
            var form = firsts[key];
            Assert.Equal(photos.Names, form.Pages);
            Assert.True(form.StoredThen == (photos.Late ? 0 : 2), $"{key}: {form.StoredThen} of its pages stored when it came, late: {photos.Late}");
        }
        var cited = gateway.Forms.SelectMany(f => f.Pages).Distinct().ToList();
        Assert.All(cited, page => Assert.True(gateway.Photos.ContainsKey(page), $"{page} was never stored"));
        Assert.Equal(cited.Count, outcome.Stats.PhotosUploaded);
        Assert.Equal(cited.Count, outcome.Stats.PhotosHeldBack);
        Assert.Equal((cited.Count, 0), (outcome.Photos!.Cited, outcome.Photos.Missing.Count));

        var disputes = script.Races.SelectMany(r => r.Steps).Where(s => s.Kind == SubmissionKind.Dispute).ToList();
        Assert.NotEmpty(disputes);
        Assert.Equal(disputes.Select(d => (d.Form.Tps, d.Form.Contest, d.Dispute!.Field, d.Dispute.Note)).Order(),
            gateway.Disputes.Select(d => (d.Tps, d.Contest, d.Field, d.Note)).Order());
        Assert.Equal(gateway.Disputes.Count, gateway.Disputes.Select(d => d.ForwardedFor).Distinct().Count());
        Assert.All(gateway.Disputes, d => Assert.Equal(DisputeFiler.CitizenAddress(d.Tps, d.Contest), d.ForwardedFor));
        Assert.Equal(disputes.Count, outcome.Stats.DisputesFiled);
        Assert.Contains($"Photo check: every one of the {cited.Count:N0} pages the accepted forms cite is stored (HEAD 200)", printed.ToString());
    }
}
