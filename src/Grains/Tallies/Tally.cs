namespace KpuOrleans.Tallies;

/// <summary>
/// The running totals of one contest at one node of the tree: the same type at every level, from a single TPS
/// (its latest accepted form) up to the province (the sum of its regencies).
/// </summary>
/// <remarks>
/// Every field is additive, <see cref="Version"/> included: a region's version is the sum of its children's,
/// and a TPS's is its form version. Each child's version only grows, so a region's version grows with every
/// change below it and can always be recomputed from the children, even after the region's own state is lost.
/// <see cref="Votes"/> is indexed in ballot order and is never mutated after construction.
/// <para>
/// <see cref="PhotoMissing"/> and <see cref="DisputesOpen"/> are the evidence's marks (API.md, "Photos of the form"):
/// they change while the numbers and <see cref="Version"/> stay, when a photo arrives or a dispute is opened or
/// resolved. <see cref="Revision"/> orders those changes: a TPS's counts its stored pages of its latest form and its
/// disputes' events, both of which only grow while the form's version stays, and a region's is the sum of its
/// children's. So a report is newer than another when its version is higher, or its version equal and its revision
/// higher, at every level.
/// </para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("kpu.Tally")]
public sealed record Tally(
    [property: Id(0)] long Version,
    [property: Id(1)] long[] Votes,
    [property: Id(2)] long Valid,
    [property: Id(3)] long Invalid,
    [property: Id(4)] long Voted,
    [property: Id(5)] long RegisteredReported,
    [property: Id(6)] int TpsReported,
    [property: Id(7)] int Anomalies,
    [property: Id(8)] int PhotoMissing = 0,
    [property: Id(9)] int DisputesOpen = 0,
    [property: Id(10)] long Revision = 0)
{
    public static Tally Zero(int candidates) => new(0, new long[candidates], 0, 0, 0, 0, 0, 0);

    public Tally Plus(Tally other) => Combine(other, +1);

    public Tally Minus(Tally other) => Combine(other, -1);

    public bool SameCounts(Tally other) =>
        Version == other.Version && Valid == other.Valid && Invalid == other.Invalid && Voted == other.Voted
        && RegisteredReported == other.RegisteredReported && TpsReported == other.TpsReported
        && Anomalies == other.Anomalies && PhotoMissing == other.PhotoMissing && DisputesOpen == other.DisputesOpen
        && Revision == other.Revision && Votes.AsSpan().SequenceEqual(other.Votes);

    /// <summary>Whether this report of a child supersedes <paramref name="held"/> (see the remarks).</summary>
    public bool IsNewerThan(Tally held) => Version > held.Version || (Version == held.Version && Revision > held.Revision);

    public override string ToString() =>
        $"v{Version} votes=[{string.Join(',', Votes)}] valid={Valid} invalid={Invalid} voted={Voted} " +
        $"registeredReported={RegisteredReported} tps={TpsReported} anomalies={Anomalies} " +
        $"photoMissing={PhotoMissing} disputesOpen={DisputesOpen} revision={Revision}";

    private Tally Combine(Tally other, int sign)
    {
        if (other.Votes.Length != Votes.Length)
            throw new ArgumentException($"tallies of {Votes.Length} and {other.Votes.Length} candidates do not combine");
        var votes = new long[Votes.Length];
        for (var i = 0; i < votes.Length; i++) votes[i] = Votes[i] + sign * other.Votes[i];
        return new Tally(
            Version + sign * other.Version,
            votes,
            Valid + sign * other.Valid,
            Invalid + sign * other.Invalid,
            Voted + sign * other.Voted,
            RegisteredReported + sign * other.RegisteredReported,
            TpsReported + sign * other.TpsReported,
            Anomalies + sign * other.Anomalies,
            PhotoMissing + sign * other.PhotoMissing,
            DisputesOpen + sign * other.DisputesOpen,
            Revision + sign * other.Revision);
    }
}
