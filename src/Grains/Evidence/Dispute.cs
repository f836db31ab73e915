namespace KpuOrleans.Evidence;

/// <summary>
/// Someone's report that a TPS's numbers differ from its photographed C.Hasil form. Anonymous: the reporter is kept only
/// as a keyed hash of their address (for deduplication), never the address itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.Dispute")]
public sealed record Dispute(
    [property: Id(0)] long Id,
    [property: Id(1)] string Tps,
    [property: Id(2)] string Contest,
    [property: Id(3)] long Version,
    [property: Id(4)] string Field,
    [property: Id(5)] string Note,
    [property: Id(6)] DateTimeOffset OpenedAt,
    [property: Id(7)] DisputeResolution? Resolution)
{
    public bool IsOpen => Resolution is null;
}

/// <param name="Outcome"><c>dismissed</c> (with <paramref name="Reason"/>) or <c>corrected</c> (with <paramref name="Version"/>).</param>
[GenerateSerializer, Immutable, Alias("kpu.DisputeResolution")]
public sealed record DisputeResolution(
    [property: Id(0)] string Outcome,
    [property: Id(1)] string? Reason,
    [property: Id(2)] long? Version,
    [property: Id(3)] string By,
    [property: Id(4)] DateTimeOffset At);

/// <summary>
/// What a TPS's disputes add to its tally. <see cref="Events"/> counts every report opened and every resolution, so it
/// only grows: with the stored photos it orders a TPS's changes that keep its form version (see <c>Tally.Revision</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("kpu.DisputeCounts")]
public sealed record DisputeCounts(
    [property: Id(0)] int Open,
    [property: Id(1)] long Events)
{
    public static readonly DisputeCounts None = new(0, 0);
}
