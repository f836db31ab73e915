using System.Collections.Concurrent;
using KpuOrleans.Certification;
using KpuOrleans.Live;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// A node's watchers on two real silos, heard through a real observer reference as a gateway hears them: they are told
/// at the node's flush, from the timer that reports to the parent.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)] // a two-silo test cluster
public class LiveWatchTests(HeldUpstreamCluster cluster) : IClassFixture<HeldUpstreamCluster>
{
    private const string Governor = "PGUB-35";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private static RegionRegistry Registry => Jatim.Registry;

    [Fact]
    public async Task A_watcher_of_a_tps_hears_its_form_while_the_report_to_the_village_is_still_unanswered()
    {
        var tps = Registry.TpsUnder("35.73.01").First();
        var viewer = new Viewer();
        var observer = cluster.Grains.CreateObjectReference<ILiveObserver>(viewer);
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);
        await grain.Watch(Governor, observer);

        using (HeldUpstream.Hold(tps.Code))
        {
            var form = SampleForms.Valid(tps, Registry.FindContest(Governor)!, new Random(16));
            Assert.Equal(SubmitStatus.Accepted, (await grain.Submit(form, "kpps", SubmitterRights.Ordinary)).Status);

            // A second timer for the watchers would wait behind the flush, which the held report keeps from finishing.
            await Eventually.HoldsAsync(() => Task.FromResult((viewer.Heard(tps.Code).Any(t => t.Tally.Version == 1), viewer.ToString())),
                Within, "the watcher hearing v1 while the village has not answered");
            Assert.Contains(HeldUpstream.Sent, s => s.Child == tps.Code && s.Report.Any(r => r.Tally.Version == 1));
        }

        var village = cluster.Grains.GetTallyGrain(Registry.Get(tps.Parent!));
        await Eventually.HoldsAsync(async () => ((await village.GetTally(Governor))!.Tally.Version == 1, "not yet"), Within, "the village applying v1");
    }

    [Fact]
    public async Task A_certificate_alone_reaches_the_watchers_of_its_region_and_sends_no_report_up()
    {
        var regency = Registry.Get("35.71");
        var viewer = new Viewer();
        var observer = cluster.Grains.CreateObjectReference<ILiveObserver>(viewer);
        var grain = cluster.Grains.GetRegionGrain(regency);
        await grain.Watch(Governor, observer);
        var seal = new CertificateSeal("kpu-35.71", DateTimeOffset.UtcNow, "test-digest");

        await grain.Certified(Governor, regency.Code, seal);

        await Eventually.HoldsAsync(() => Task.FromResult((viewer.Heard(regency.Code).Any(t => t.Certified == seal), viewer.ToString())),
            Within, "the watcher hearing the seal");
        // The report would have gone out in the very turn that told the watcher, before the watcher could hear it.
        Assert.DoesNotContain(HeldUpstream.Sent, s => s.Child == regency.Code);
    }

    [Fact]
    public async Task A_watcher_that_stopped_watching_hears_no_more_while_another_does()
    {
        var tps = Registry.TpsUnder("35.73.02").First();
        var (leaving, staying) = (new Viewer(), new Viewer());
        var grain = cluster.Grains.GetGrain<ITpsGrain>(tps.Code);
        var leavingObserver = cluster.Grains.CreateObjectReference<ILiveObserver>(leaving);
        await grain.Watch(Governor, leavingObserver);
        await grain.Watch(Governor, cluster.Grains.CreateObjectReference<ILiveObserver>(staying));
        await grain.Unwatch(Governor, leavingObserver);

        var form = SampleForms.Valid(tps, Registry.FindContest(Governor)!, new Random(17));
        Assert.Equal(SubmitStatus.Accepted, (await grain.Submit(form, "kpps", SubmitterRights.Ordinary)).Status);

        await Eventually.HoldsAsync(() => Task.FromResult((staying.Heard(tps.Code).Any(t => t.Tally.Version == 1), staying.ToString())),
            Within, "the staying watcher hearing v1");
        Assert.Empty(leaving.Heard(tps.Code));
    }

    private sealed class Viewer : ILiveObserver
    {
        private readonly ConcurrentQueue<TallySnapshot> _heard = new();

        public IReadOnlyList<TallySnapshot> Heard(string region) => [.. _heard.Where(t => t.Region == region)];

        public Task OnTally(TallySnapshot tally)
        {
            _heard.Enqueue(tally);
            return Task.CompletedTask;
        }

        public Task OnAnomalies(AnomalyEntry[] entries) => Task.CompletedTask;

        public Task OnWatchEnded(string contest, string region) => Task.CompletedTask;

        public override string ToString() => string.Join("; ", _heard.Select(t => $"{t.Region} v{t.Tally.Version} sealed={t.Certified is not null}"));
    }
}
