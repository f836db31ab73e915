using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.TestKit;

/// <summary>Compares what the system shows at every node of a slice of the tree with a <see cref="Recount"/>.</summary>
public static class Exactness
{
    /// <summary>
    /// Every node at or below the given regions, plus all their ancestors, for every contest covering each.
    /// </summary>
    public static IReadOnlyList<(string Contest, string Region)> Nodes(RegionRegistry registry, IEnumerable<string> slice)
    {
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var top in slice)
        {
            for (var up = registry.Get(top).Parent; up is not null; up = registry.Get(up).Parent) codes.Add(up);
            var stack = new Stack<string>([top]);
            while (stack.TryPop(out var code))
            {
                codes.Add(code);
                foreach (var child in registry.Get(code).Children) stack.Push(child);
            }
        }
        return [.. codes.SelectMany(code => registry.Get(code).Contests.Select(c => (c.Id, code)))];
    }

    /// <returns>One line per node whose tally differs from the recount (empty when all are exact).</returns>
    public static async Task<List<string>> MismatchesAsync(
        IReadOnlyList<(string Contest, string Region)> nodes, Recount expected, Func<string, string, Task<TallySnapshot>> read, int parallelism = 16)
    {
        var mismatches = new List<string>();
        await Parallel.ForEachAsync(nodes, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (node, _) =>
        {
            var wanted = expected.Expected(node.Contest, node.Region);
            string? mismatch;
            try
            {
                var actual = await read(node.Contest, node.Region);
                var digest = expected.ExpectedDigest(node.Contest, node.Region);
                // Revision only orders reports and is not shown over HTTP: the counts are what must agree.
                mismatch = !actual.Tally.SameCounts(wanted with { Revision = actual.Tally.Revision }) ? $"{node.Contest} {node.Region}: is {actual.Tally}, should be {wanted}"
                    : actual.Digest != digest ? $"{node.Contest} {node.Region}: digest is {actual.Digest ?? "null"}, should be {digest ?? "null"}"
                    : null;
            }
            catch (HttpRequestException e)
            {
                // Right after a crash a node may answer 503 for a moment: not exact yet, so look again.
                mismatch = $"{node.Contest} {node.Region}: unreadable ({e.Message})";
            }
            if (mismatch is not null)
            {
                lock (mismatches) mismatches.Add(mismatch);
            }
        });
        return mismatches;
    }

    /// <summary>Waits until every node is exact; fails listing the first mismatches if that does not happen in time.</summary>
    public static Task ConvergesAsync(
        IReadOnlyList<(string Contest, string Region)> nodes, Recount expected, Func<string, string, Task<TallySnapshot>> read, TimeSpan within) =>
        Eventually.HoldsAsync(async () =>
        {
            var mismatches = await MismatchesAsync(nodes, expected, read);
            return (mismatches.Count == 0, $"{mismatches.Count} of {nodes.Count} nodes differ, e.g. {string.Join(" | ", mismatches.Take(3))}");
        }, within, "every tally equals the recount");
}
