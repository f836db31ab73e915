namespace KpuOrleans.Tallies;

/// <summary>A node's tally of one contest as readers see it: the totals plus when they last changed.</summary>
[GenerateSerializer, Immutable, Alias("kpu.TallySnapshot")]
public sealed record TallySnapshot(
    [property: Id(0)] string Contest,
    [property: Id(1)] string Region,
    [property: Id(2)] Tally Tally,
    [property: Id(3)] DateTimeOffset? UpdatedAt);
