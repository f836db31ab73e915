using KpuOrleans.Evidence;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// The <see cref="IDisputeDesk"/> on two real silos sharing one register: a report is about the TPS's latest accepted
/// version, one per reporter whichever silo's worker takes it, and a correction settles it only with a version accepted since.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster
public class DisputeDeskTests(TreeCluster cluster) : IClassFixture<TreeCluster>
{
    private const string Governor = "PGUB-35";

    private IDisputeDesk Desk => cluster.Grains.GetGrain<IDisputeDesk>(0);

    [Fact]
    public async Task Reports_need_an_accepted_form_are_about_its_latest_version_and_one_reporter_storm_opens_one()
    {
        var tps = Jatim.Registry.TpsUnder("35.71.01").First();
        var report = new DisputeReport(tps.Code, Governor, "valid", "photo: 298");
        Assert.Equal(new DisputeOpening(DisputeOpeningStatus.NothingAccepted, null), await Desk.Open(report, "reporter-1"));

        await SubmitAsync(tps, version: 1);
        await SubmitAsync(tps, version: 2);
        // Many at once, through the stateless workers of both silos.
        var openings = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Desk.Open(report, "reporter-1")));
        var opened = Assert.Single(openings, o => o.Status == DisputeOpeningStatus.Opened);
        Assert.All(openings, o => Assert.Equal(opened.Dispute!.Id, o.Dispute!.Id));
        Assert.Equal(2, opened.Dispute!.Version);
        Assert.Equal(opened.Dispute, await Desk.Get(opened.Dispute.Id));
    }

    [Fact]
    public async Task A_correction_settles_a_report_only_once_a_version_above_it_is_accepted()
    {
        var tps = Jatim.Registry.TpsUnder("35.71.02").First();
        await SubmitAsync(tps, version: 1);
        var dispute = (await Desk.Open(new DisputeReport(tps.Code, Governor, "votes.1", "photo: 40"), "reporter-2")).Dispute!;
        var corrected = new DisputeResolution("corrected", null, 2, "ppk-35.71.02", default);

        var early = await Desk.Resolve(dispute.Id, corrected);
        Assert.Equal(DisputeResolvingStatus.NoSuchCorrection, early.Status);
        Assert.Contains("version 1", early.Detail);
        Assert.True((await Desk.Get(dispute.Id))!.IsOpen);

        await SubmitAsync(tps, version: 2);
        var settled = await Desk.Resolve(dispute.Id, corrected);
        Assert.Equal(DisputeResolvingStatus.Resolved, settled.Status);
        Assert.Equal((2L, "ppk-35.71.02"), (settled.Dispute!.Resolution!.Version!.Value, settled.Dispute.Resolution.By));
        Assert.Equal(DisputeResolvingStatus.Repeated, (await Desk.Resolve(dispute.Id, corrected with { By = "kabkota-35.71" })).Status);
        Assert.Equal(DisputeResolvingStatus.Conflict, (await Desk.Resolve(dispute.Id, new DisputeResolution("dismissed", "r", null, "x", default))).Status);
        Assert.Equal(DisputeResolvingStatus.NotFound, (await Desk.Resolve(987_654, corrected)).Status);
    }

    private async Task SubmitAsync(Registry.RegionInfo tps, long version)
    {
        var form = SampleForms.Valid(tps, Jatim.Registry.FindContest(Governor)!, new Random(version.GetHashCode()), version);
        var outcome = await cluster.Grains.GetGrain<ITpsGrain>(tps.Code).Submit(form, "officer", SubmitterRights.Ordinary);
        Assert.Equal(SubmitStatus.Accepted, outcome.Status);
    }
}
