namespace KpuOrleans.Forms;

[GenerateSerializer, Immutable, Alias("kpu.VotedCounts")]
public sealed record VotedCounts(
    [property: Id(0)] long Dpt,
    [property: Id(1)] long Dptb,
    [property: Id(2)] long Dpk)
{
    public long Total => Dpt + Dptb + Dpk;
}

[GenerateSerializer, Immutable, Alias("kpu.BallotCounts")]
public sealed record BallotCounts(
    [property: Id(0)] long Received,
    [property: Id(1)] long Used,
    [property: Id(2)] long Spoiled,
    [property: Id(3)] long Unused);

/// <summary>One TPS's tally form (C.Hasil) for one contest, as submitted; see API.md for the rules it must keep.</summary>
[GenerateSerializer, Immutable, Alias("kpu.ResultForm")]
public sealed record ResultForm(
    [property: Id(0)] string Tps,
    [property: Id(1)] string Contest,
    [property: Id(2)] long Version,
    [property: Id(3)] long Registered,
    [property: Id(4)] VotedCounts Voted,
    [property: Id(5)] BallotCounts Ballots,
    [property: Id(6)] IReadOnlyDictionary<string, long> Votes,
    [property: Id(7)] long Valid,
    [property: Id(8)] long Invalid,
    [property: Id(9)] string? Reason,
    [property: Id(10)] string? PhotoSha256,
    [property: Id(11)] IReadOnlyList<string>? Photos = null)
{
    /// <summary>The pages the form cites: <see cref="Photos"/>, or the one page of <see cref="PhotoSha256"/> (API.md, "Photos").</summary>
    public IReadOnlyList<string> Pages => Photos ?? (PhotoSha256 is null ? [] : [PhotoSha256]);

    /// <summary>Whether a resubmission carries exactly what was accepted, which makes it a retry rather than a conflict.</summary>
    public bool SameContent(ResultForm other) =>
        Tps == other.Tps && Contest == other.Contest && Version == other.Version && Registered == other.Registered
        && Voted == other.Voted && Ballots == other.Ballots && Valid == other.Valid && Invalid == other.Invalid
        && Reason == other.Reason
        && string.Equals(PhotoSha256, other.PhotoSha256, StringComparison.OrdinalIgnoreCase)
        && Pages.SequenceEqual(other.Pages, StringComparer.OrdinalIgnoreCase)
        && Votes.Count == other.Votes.Count
        && Votes.All(v => other.Votes.TryGetValue(v.Key, out var n) && n == v.Value);
}

/// <summary>A form as the ledger holds it: accepted, durable, with who sent it, when, and what looked odd.</summary>
[GenerateSerializer, Immutable, Alias("kpu.AcceptedForm")]
public sealed record AcceptedForm(
    [property: Id(0)] ResultForm Form,
    [property: Id(1)] DateTimeOffset AcceptedAt,
    [property: Id(2)] string SubmittedBy,
    [property: Id(3)] IReadOnlyList<string> Anomalies);
