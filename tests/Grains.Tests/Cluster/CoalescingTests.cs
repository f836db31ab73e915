using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>DESIGN.md invariant 5: however many forms arrive, a parent hears from a child at most once per flush interval.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class CoalescingTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    [Fact]
    public async Task A_burst_under_one_regency_reaches_the_province_as_a_few_reports()
    {
        var registry = Jatim.Registry;
        var random = new Random(35);
        var forms = registry.TpsUnder("35.78")
            .SelectMany(tps => tps.Contests.Select(contest => SampleForms.Valid(tps, contest, random)))
            .ToList();

        var started = DateTime.UtcNow;
        var accepted = new List<AcceptedForm>();
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (form, _) =>
        {
            var outcome = await cluster.Grains.GetGrain<ITpsGrain>(form.Tps).Submit(form, "burst", SubmitterRights.Ordinary);
            Assert.Equal(SubmitStatus.Accepted, outcome.Status);
            lock (accepted) accepted.Add(outcome.Form!);
        });
        var recount = new Recount(registry, accepted);
        await Exactness.ConvergesAsync([("PGUB-35", "35")], recount,
            async (contest, code) => (await cluster.Grains.GetGrain<Regions.IProvinceGrain>(code).GetTally(contest))!,
            TimeSpan.FromSeconds(60));
        var elapsed = DateTime.UtcNow - started;

        // One child (Surabaya) reports to the province: at most once per interval, plus the immediate first report.
        var reports = cluster.Probe.ProvinceReports.Count;
        var bound = (int)(elapsed / TreeCluster.FlushInterval) + 2;
        Assert.True(reports <= bound, $"{reports} reports reached the province in {elapsed.TotalMilliseconds:N0} ms (bound {bound})");
        Assert.True(reports * 50 < forms.Count, $"{reports} province reports for {forms.Count} forms: not coalesced");
    }
}
