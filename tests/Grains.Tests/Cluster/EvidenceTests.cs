using System.Security.Cryptography;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Regions;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// A form's evidence (its pages stored or not, its open disputes) travels up the tree like its numbers and stays exact:
/// set when a form cites a page not stored, cleared when the page arrives, and the same when rebuilt from the store.
/// </summary>
public class EvidenceTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    private static readonly Random Random = new(18);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static string Page(string seed) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));

    private static PhotoRecord Photo(string sha256) => new(sha256, "image/png", 1000, 100, 140, DateTimeOffset.UtcNow);

    /// <summary>The oracle: every node recounted from the ledger, with each form's evidence read from the catalogue and register.</summary>
    private async Task ExactAsync(string slice)
    {
        var nodes = Exactness.Nodes(Jatim.Registry, [slice]);
        await Eventually.HoldsAsync(async () =>
        {
            // The whole province's, as the slice's ancestors count the other tests' forms too.
            var root = Jatim.Registry.Root.Code;
            var forms = await cluster.Probe.Ledger.ReadLatestUnderAsync(root);
            var stored = await cluster.Probe.Ledger.StoredAsync([.. forms.SelectMany(f => f.Form.Pages)]);
            var disputes = await cluster.Probe.Disputes.CountsUnderAsync(root);
            var recount = new Recount(Jatim.Registry, forms,
                form => FormEvidence.Of(form, stored, disputes.GetValueOrDefault(new FormKey(form.Tps, form.Contest), DisputeCounts.None)));
            var mismatches = await Exactness.MismatchesAsync(nodes, recount,
                async (contest, code) => (await cluster.Grains.GetTallyGrain(Jatim.Registry.Get(code)).GetTally(contest))!);
            return (mismatches.Count == 0, $"{mismatches.Count} nodes differ, e.g. {string.Join(" | ", mismatches.Take(3))}");
        }, Within, "every tally, evidence included, equals the recount");
    }

    private async Task<int> PhotoMissingAt(string contest, string code) =>
        (await cluster.Grains.GetTallyGrain(Jatim.Registry.Get(code)).GetTally(contest))!.Tally.PhotoMissing;

    [Fact]
    public async Task A_page_not_stored_flags_its_TPS_up_to_the_province_and_its_arrival_clears_the_flag()
    {
        var village = Jatim.Registry.Get("35.78.02.1001");
        var stations = Jatim.Registry.TpsUnder(village.Code).Take(4).ToList();
        var contest = stations[0].Contests[0];
        var province = Jatim.Registry.Root.Code;
        var provinceBefore = await PhotoMissingAt(contest.Id, province);
        // The first TPS's page is stored before its form; the others' arrive after.
        var pages = stations.Select(s => Page("page of " + s.Code)).ToList();
        await cluster.Grains.GetGrain<IPhotoGrain>(pages[0]).Stored(Photo(pages[0]));

        var outcomes = await Task.WhenAll(stations.Select((tps, i) => cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(
            SampleForms.Valid(tps, contest, Random) with { Photos = [pages[i]] }, "kpps", SubmitterRights.Ordinary)));

        Assert.All(outcomes, o => Assert.Equal(SubmitStatus.Accepted, o.Status));
        Assert.DoesNotContain(FormEvidence.PhotoMissingFlag, outcomes[0].Form!.Anomalies);
        Assert.All(outcomes.Skip(1), o => Assert.Contains(FormEvidence.PhotoMissingFlag, o.Form!.Anomalies));
        // The ledger keeps the flags of the numbers only: the evidence's may clear.
        Assert.All((await cluster.Probe.Ledger.ReadLatestUnderAsync(village.Code)), row => Assert.DoesNotContain(FormEvidence.PhotoMissingFlag, row.Anomalies));
        await ExactAsync(village.Code);
        await Eventually.HoldsAsync(async () => await PhotoMissingAt(contest.Id, province) is var n && n == provinceBefore + 3 ? (true, "") : (false, $"{n}"),
            Within, "three more TPS photo-missing at the province");

        foreach (var page in pages.Skip(1)) await cluster.Grains.GetGrain<IPhotoGrain>(page).Stored(Photo(page));

        // The upload's call answers once the village holds the change.
        Assert.Equal(0, await PhotoMissingAt(contest.Id, village.Code));
        await ExactAsync(village.Code);
        await Eventually.HoldsAsync(async () => await PhotoMissingAt(contest.Id, province) is var n && n == provinceBefore ? (true, "") : (false, $"{n}"),
            Within, "the flags cleared at the province");
    }

    [Fact]
    public async Task A_correction_is_judged_by_its_own_pages_and_a_rebuilt_village_agrees()
    {
        var tps = Jatim.Registry.TpsUnder("35.78.03.1001").First();
        var contest = tps.Contests[0];
        var first = Page("first " + tps.Code);
        var second = Page("second " + tps.Code);
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);
        await cluster.Grains.GetGrain<IPhotoGrain>(first).Stored(Photo(first));
        var form = SampleForms.Valid(tps, contest, Random) with { Photos = [first] };
        Assert.Equal(SubmitStatus.Accepted, (await grain.Submit(form, "kpps", SubmitterRights.Ordinary)).Status);
        Assert.Equal(0, (await grain.GetTally(contest.Id))!.Tally.PhotoMissing);

        var correction = await grain.Submit(form with { Version = 2, Reason = "recount", Photos = [first, second] }, "pps", SubmitterRights.Ordinary);

        Assert.Contains(FormEvidence.PhotoMissingFlag, correction.Form!.Anomalies);
        Assert.Equal(1, (await grain.GetTally(contest.Id))!.Tally.PhotoMissing);
        var village = cluster.Grains.GetRegionGrain(Jatim.Registry.Get(tps.Parent!));
        await village.Rebuild();
        await ExactAsync(tps.Parent!);

        // The old version's page is stored already and counts for nothing now; the new one clears it.
        await cluster.Grains.GetGrain<IPhotoGrain>(second).Stored(Photo(second));
        Assert.Equal(0, (await village.GetTally(contest.Id))!.Tally.PhotoMissing);
        await village.Rebuild();
        await ExactAsync(tps.Parent!);
    }

    [Fact]
    public async Task Open_disputes_are_counted_up_the_tree_until_resolved()
    {
        var tps = Jatim.Registry.TpsUnder("35.78.04.1001").First();
        var contest = tps.Contests[0];
        var district = tps.Code[..8];
        await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(SampleForms.Valid(tps, contest, Random), "kpps", SubmitterRights.Ordinary);
        var desk = cluster.Grains.GetGrain<IDisputeDesk>(0);

        var opened = await desk.Open(new DisputeReport(tps.Code, contest.Id, "valid", "the photo shows 301"), "reporter-a");
        var second = await desk.Open(new DisputeReport(tps.Code, contest.Id, "votes.1", "the photo shows 12"), "reporter-b");

        Assert.Equal(DisputeOpeningStatus.Opened, opened.Status);
        Assert.Equal(DisputeOpeningStatus.Opened, second.Status);
        var village = await cluster.Grains.GetRegionGrain(Jatim.Registry.Get(tps.Parent!)).GetTally(contest.Id);
        Assert.Equal((2, 1), (village!.Tally.DisputesOpen, village.Tally.Anomalies));
        await ExactAsync(district);

        await desk.Resolve(opened.Dispute!.Id, new DisputeResolution("dismissed", "the photo shows 300 on a second look", null, "ppk-1", DateTimeOffset.UtcNow));

        Assert.Equal(1, (await cluster.Grains.GetRegionGrain(Jatim.Registry.Get(tps.Parent!)).GetTally(contest.Id))!.Tally.DisputesOpen);
        await ExactAsync(district);
    }
}
