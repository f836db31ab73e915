using KpuOrleans.Regions;
using KpuOrleans.Tallies;

namespace KpuOrleans.Grains.Tests.Proofs;

/// <summary>A region opens the state behind each digest it handed out lately, and only those.</summary>
public class RecentStatesTests
{
    private const string Contest = "PGUB-35";

    [Fact]
    public void Each_kept_digest_opens_the_children_it_was_computed_from()
    {
        var recent = new RecentStates(keep: 3);
        var children = new Dictionary<string, TallySnapshot>(StringComparer.Ordinal);
        var states = new List<(string Digest, Dictionary<string, TallySnapshot> Children)>();
        for (var step = 1; step <= 5; step++)
        {
            // Each step a new child reports and an earlier one is replaced by its next version.
            Report(recent, children, $"c{step}", version: 1);
            if (step > 1) Report(recent, children, $"c{step - 1}", version: 2);
            var digest = $"d{step}";
            recent.HandedOut(Contest, digest);
            states.Add((digest, new Dictionary<string, TallySnapshot>(children)));
        }

        // The last three are kept; each opens exactly the children it had, the current one included.
        foreach (var (digest, expected) in states.TakeLast(3))
        {
            var opened = recent.ChildrenAt(Contest, digest, children);
            Assert.NotNull(opened);
            Assert.Equal(expected.OrderBy(c => c.Key), opened.OrderBy(c => c.Key));
        }
        Assert.Null(recent.ChildrenAt(Contest, "d2", children));
        Assert.Null(recent.ChildrenAt(Contest, "d0", children));
        Assert.Null(recent.ChildrenAt("PBUP-35.07", "d5", children));
    }

    [Fact]
    public void Changes_not_yet_handed_out_are_undone_and_a_rebuild_forgets_every_earlier_state()
    {
        var recent = new RecentStates(keep: 4);
        var children = new Dictionary<string, TallySnapshot>(StringComparer.Ordinal);
        Report(recent, children, "a", version: 1);
        recent.HandedOut(Contest, "d1");
        var before = new Dictionary<string, TallySnapshot>(children);
        Report(recent, children, "a", version: 2);
        Report(recent, children, "a", version: 3);
        Report(recent, children, "b", version: 1);

        Assert.Equal(before, recent.ChildrenAt(Contest, "d1", children));

        recent.Forget(Contest);
        Assert.Null(recent.ChildrenAt(Contest, "d1", children));
    }

    private static void Report(RecentStates recent, Dictionary<string, TallySnapshot> children, string child, long version)
    {
        var report = new TallySnapshot(Contest, child, Tally.Zero(3) with { Version = version }, null, $"{child}v{version}");
        recent.Replacing(Contest, child, children.GetValueOrDefault(child));
        children[child] = report;
    }
}
