namespace KpuOrleans.Tallies;

/// <summary>What every node of the tree, TPS to province, answers to readers.</summary>
public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>This node's tally of <paramref name="contest"/>, or null when the contest does not cover it.</summary>
    [AlwaysInterleave]
    Task<TallySnapshot?> GetTally(string contest);

    /// <summary>This node's tally of every contest that covers it.</summary>
    [AlwaysInterleave]
    Task<TallySnapshot[]> GetTallies();

    /// <summary>The tally of every child in code order, as this node last applied it (empty for a TPS).</summary>
    [AlwaysInterleave]
    Task<TallySnapshot[]> GetChildren(string contest);
}
