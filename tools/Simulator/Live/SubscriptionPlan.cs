using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Forms;

namespace KpuOrleans.Simulator.Live;

/// <summary>
/// Which tallies each viewer follows: one random region of the slice at every level from the slice's top down to a
/// single TPS, each for a random race that covers it, so that delivery is measured at every level of the recap.
/// </summary>
internal static class SubscriptionPlan
{
    public static IReadOnlyList<IReadOnlyList<TallyTarget>> Draw(RegionRegistry registry, IReadOnlyList<RegionInfo> slice, int connections, long seed)
    {
        var byLevel = new SortedDictionary<Level, List<RegionInfo>>();
        void Down(RegionInfo region)
        {
            // No race covers the nation (root 0) or DI Yogyakarta's province: no tally to follow there, only below.
            if (region.Contests.Count == 0)
            {
                foreach (var child in region.Children) Down(registry.Get(child));
                return;
            }
            if (!byLevel.TryGetValue(region.Level, out var list)) byLevel[region.Level] = list = [];
            list.Add(region);
            foreach (var child in region.Children) Down(registry.Get(child));
        }
        foreach (var root in slice) Down(root);

        var plan = new List<IReadOnlyList<TallyTarget>>(connections);
        for (var i = 0; i < connections; i++)
        {
            var random = SeededRandom.For(seed, "subscriber", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            plan.Add([.. byLevel.Values.Select(regions =>
            {
                var region = random.Pick(regions);
                return new TallyTarget(random.Pick(region.Contests), region);
            })]);
        }
        return plan;
    }
}
