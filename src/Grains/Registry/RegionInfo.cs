namespace KpuOrleans.Registry;

/// <summary>
/// One node of the region tree as the registry knows it: static facts that never change on election night.
/// A TPS is a region too (the leaf), with its DPT as <see cref="Registered"/>.
/// </summary>
public sealed class RegionInfo(string code, Level level, string name, string? parent)
{
    public string Code { get; } = code;
    public Level Level { get; } = level;
    public string Name { get; } = name;
    public string? Parent { get; internal set; } = parent;

    /// <summary>Child codes in code order (empty for a TPS).</summary>
    public IReadOnlyList<string> Children { get; internal set; } = [];

    /// <summary>Number of TPS at or below this region.</summary>
    public int TpsCount { get; internal set; }

    /// <summary>DPT (registered voters) of every TPS at or below this region.</summary>
    public long Registered { get; internal set; }

    /// <summary>The contests whose scope contains this region, governor first.</summary>
    public IReadOnlyList<Contest> Contests { get; internal set; } = [];

    public Contest? FindContest(string contestId)
    {
        foreach (var contest in Contests)
        {
            if (contest.Id == contestId) return contest;
        }
        return null;
    }
}
