using KpuOrleans.Forms;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// A TPS learns its history lazily: its first form of a race is judged by inserting it (no ledger read), and only a
/// retry, a correction or a reader makes it read its rows.
/// </summary>
public class JudgeByInsertTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    private static readonly Random Random = new(17);

    [Fact]
    public async Task First_forms_are_judged_by_inserting_them_without_reading_the_ledger_and_still_count_exactly()
    {
        var village = "35.78.01.1001";
        var forms = Jatim.Registry.TpsUnder(village)
            .SelectMany(tps => tps.Contests.Select(contest => SampleForms.Valid(tps, contest, Random)))
            .ToList();

        var outcomes = await Task.WhenAll(forms.Select(f => cluster.Grains.GetGrain<ITpsGrain>(f.Tps).Submit(f, "kpps", SubmitterRights.Ordinary)));

        Assert.All(outcomes, o => Assert.Equal(SubmitStatus.Accepted, o.Status));
        Assert.All(forms, f => Assert.False(cluster.Probe.TpsReads.ContainsKey(f.Tps), $"{f.Tps} read the ledger"));
        var recount = new Recount(Jatim.Registry, outcomes.Select(o => o.Form!));
        await Exactness.ConvergesAsync([.. forms.Select(f => f.Contest).Distinct().Select(c => (c, village))], recount,
            async (contest, code) => (await cluster.Grains.GetGrain<IVillageGrain>(code).GetTally(contest))!, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_first_form_the_ledger_already_holds_is_judged_from_the_ledger_a_retry_200_and_other_content_409()
    {
        var tps = Jatim.Registry.Get("35.78.01.1002.001");
        var contest = tps.Contests[0];
        var form = SampleForms.Valid(tps, contest, Random);
        // Stored by an earlier attempt whose answer was lost; this activation has never seen it.
        await cluster.Probe.Ledger.AppendAsync(new AcceptedForm(form, DateTimeOffset.UtcNow, "first-attempt", []));
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);

        var retry = await grain.Submit(form, "second-attempt", SubmitterRights.Ordinary);
        var other = await grain.Submit(form with { PhotoSha256 = new string('b', 64) }, "someone", SubmitterRights.Ordinary);
        var correction = await grain.Submit(form with { Version = 2, Reason = "PPS recount" }, "pps", SubmitterRights.Ordinary);

        Assert.Equal(SubmitStatus.Retry, retry.Status);
        Assert.Equal("first-attempt", retry.Form!.SubmittedBy);
        Assert.Equal((SubmitStatus.Conflict, 1L), (other.Status, other.CurrentVersion));
        Assert.Equal(SubmitStatus.Accepted, correction.Status);
        Assert.Equal([1L, 2L], (await grain.GetHistory(contest.Id)).Select(h => h.Form.Version));
    }

    [Fact]
    public async Task Readers_of_a_TPS_that_has_judged_nothing_yet_see_what_the_ledger_holds()
    {
        var tps = Jatim.Registry.Get("35.78.01.1003.001");
        var contest = tps.Contests[0];
        var form = SampleForms.Valid(tps, contest, Random);
        await cluster.Probe.Ledger.AppendAsync(new AcceptedForm(form, DateTimeOffset.UtcNow, "kpps", []));
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);

        var tally = await grain.GetTally(contest.Id);
        var page = await grain.GetHistoryPage(contest.Id, 10, null);

        Assert.Equal((1L, form.Valid), (tally!.Tally.Version, tally.Tally.Valid));
        Assert.Equal(1L, page.Current!.Form.Version);
        Assert.True(await grain.Settle(contest.Id));
    }

    [Fact]
    public async Task A_form_judged_by_the_gateway_is_not_judged_again_but_one_its_tallies_cannot_take_is_still_refused()
    {
        var tps = Jatim.Registry.Get("35.78.01.1004.001");
        var contest = tps.Contests[0];
        var form = SampleForms.Valid(tps, contest, Random);
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);
        var strangerBallot = form with { Votes = form.Votes.ToDictionary(v => v.Key == contest.Candidates[0].Number ? "99" : v.Key, v => v.Value) };

        var refused = await grain.SubmitJudged(strangerBallot, "gateway", SubmitterRights.Ordinary);
        var accepted = await grain.SubmitJudged(form, "gateway", SubmitterRights.Ordinary);

        Assert.Equal(SubmitStatus.Invalid, refused.Status);
        Assert.Contains("votes", refused.Errors!.Keys);
        Assert.Equal(SubmitStatus.Accepted, accepted.Status);
        Assert.Equal([form.Valid], (await grain.GetHistory(contest.Id)).Select(h => h.Form.Valid));
    }
}
