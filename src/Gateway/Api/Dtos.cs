using System.Runtime.Serialization;
using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Ingest;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Gateway.Api;

// The JSON shapes of API.md. Property order follows the contract's examples.

/// <param name="Digest">The form's TPS digest (API.md, "Digests"): its receipt, where its inclusion proof starts.</param>
public sealed record AcceptanceDto(string Tps, string Contest, long Version, DateTime AcceptedAt, IReadOnlyList<string> Anomalies, string Digest)
{
    public static AcceptanceDto From(AcceptedForm accepted, Contest contest) => new(accepted.Form.Tps, accepted.Form.Contest,
        accepted.Form.Version, accepted.AcceptedAt.UtcDateTime, accepted.Anomalies, TallyDigest.OfForm(accepted.Form, contest));

    /// <summary>From the receipt of an accepted (or repeated) form: its TPS holds the same version of the same content.</summary>
    public static AcceptanceDto From(ResultForm form, Receipt receipt, Contest contest) => new(
        form.Tps, form.Contest, form.Version, receipt.AcceptedAt.UtcDateTime, receipt.Anomalies ?? [], TallyDigest.OfForm(form, contest));
}

public sealed record VotedDto(long Dpt, long Dptb, long Dpk);

public sealed record BallotsDto(long Received, long Used, long Spoiled, long Unused);

public sealed record FormDto(
    string Tps, string Contest, long Version, long Registered, VotedDto Voted, BallotsDto Ballots,
    IReadOnlyDictionary<string, long> Votes, long Valid, long Invalid, string? Reason, string? PhotoSha256,
    DateTime AcceptedAt, string SubmittedBy, IReadOnlyList<string> Anomalies, IReadOnlyList<string> Photos,
    IReadOnlyList<string>? PhotosMissing, string Digest)
{
    /// <param name="stored">Which pages are stored now; null when that is not known (then <c>photosMissing</c> is null).</param>
    public static FormDto From(AcceptedForm accepted, Contest contest, IReadOnlySet<string>? stored)
    {
        var form = accepted.Form;
        var votes = contest.Candidates.ToDictionary(c => c.Number, c => form.Votes[c.Number]);
        return new FormDto(form.Tps, form.Contest, form.Version, form.Registered,
            new VotedDto(form.Voted.Dpt, form.Voted.Dptb, form.Voted.Dpk),
            new BallotsDto(form.Ballots.Received, form.Ballots.Used, form.Ballots.Spoiled, form.Ballots.Unused),
            votes, form.Valid, form.Invalid, form.Reason, form.PhotoSha256,
            accepted.AcceptedAt.UtcDateTime, accepted.SubmittedBy, accepted.Anomalies, form.Pages,
            stored is null ? null : [.. form.Pages.Where(page => !stored.Contains(page))], TallyDigest.OfForm(form, contest));
    }
}

/// <param name="Truncated">Older versions exist than <paramref name="History"/> holds.</param>
/// <param name="Next">Where the page of the next older versions is; null when there are none.</param>
public sealed record TpsResultsDto(FormDto Current, IReadOnlyList<FormDto> History, bool Truncated, string? Next);

// The hub's payloads also travel as MessagePack, whose keys come from DataMember names: the same camelCase as JSON.
[DataContract]
public sealed record TallyDto(
    [property: DataMember(Name = "contest")] string Contest,
    [property: DataMember(Name = "region")] string Region,
    [property: DataMember(Name = "level")] string Level,
    [property: DataMember(Name = "name")] string Name,
    [property: DataMember(Name = "votes")] IReadOnlyDictionary<string, long> Votes,
    [property: DataMember(Name = "valid")] long Valid,
    [property: DataMember(Name = "invalid")] long Invalid,
    [property: DataMember(Name = "voted")] long Voted,
    [property: DataMember(Name = "registered")] long Registered,
    [property: DataMember(Name = "registeredReported")] long RegisteredReported,
    [property: DataMember(Name = "tpsReported")] int TpsReported,
    [property: DataMember(Name = "tpsExpected")] int TpsExpected,
    [property: DataMember(Name = "anomalies")] int Anomalies,
    [property: DataMember(Name = "version")] long Version,
    [property: DataMember(Name = "updatedAt")] DateTime? UpdatedAt,
    [property: DataMember(Name = "digest")] string? Digest,
    [property: DataMember(Name = "certified")] CertifiedDto? Certified,
    [property: DataMember(Name = "photoMissing")] int PhotoMissing,
    [property: DataMember(Name = "disputesOpen")] int DisputesOpen)
{
    public static TallyDto From(TallySnapshot snapshot, RegionInfo region, Contest contest)
    {
        var tally = snapshot.Tally;
        var votes = new Dictionary<string, long>(contest.Candidates.Count);
        for (var i = 0; i < contest.Candidates.Count; i++) votes[contest.Candidates[i].Number] = tally.Votes[i];
        return new TallyDto(contest.Id, region.Code, region.Level.ToApiName(), region.Name, votes,
            tally.Valid, tally.Invalid, tally.Voted, region.Registered, tally.RegisteredReported,
            tally.TpsReported, region.TpsCount, tally.Anomalies, tally.Version, snapshot.UpdatedAt?.UtcDateTime, snapshot.Digest,
            snapshot.Certified is { } seal ? new CertifiedDto(seal.By, seal.At.UtcDateTime, seal.Digest) : null,
            tally.PhotoMissing, tally.DisputesOpen);
    }
}

/// <summary>A tally's certificate in force: who certified it, when, and the digest they certified.</summary>
[DataContract]
public sealed record CertifiedDto(
    [property: DataMember(Name = "by")] string By,
    [property: DataMember(Name = "at")] DateTime At,
    [property: DataMember(Name = "digest")] string Digest);

public sealed record RegionRefDto(string Code, string Name);

public sealed record RegionDto(
    string Code, string Level, string Name, string? Parent, IReadOnlyList<RegionRefDto> Children,
    int TpsCount, long Registered, IReadOnlyList<string> Contests);

public sealed record CandidateDto(string Number, string Names, bool EmptyColumn);

public sealed record ContestDto(string Id, string Kind, string Scope, string Name, IReadOnlyList<CandidateDto> Candidates);

public sealed record WithdrawalDto(string By, DateTime At, string Reason);

/// <summary>A certificate as published: the tally it signed (with that tally's digest), who signed it, when, and any withdrawal.</summary>
public sealed record CertificateDto(
    string Contest, string Region, string Level, string Name, string Digest, string CertifiedBy, DateTime CertifiedAt, TallyDto Tally,
    WithdrawalDto? Withdrawn)
{
    public static CertificateDto From(Certificate certificate, RegionRegistry registry)
    {
        var region = registry.Get(certificate.Region);
        var tally = TallyDto.From(certificate.Tally, region, registry.FindContest(certificate.Contest)!);
        return new CertificateDto(certificate.Contest, region.Code, region.Level.ToApiName(), region.Name, certificate.Tally.Digest!,
            certificate.CertifiedBy, certificate.CertifiedAt.UtcDateTime, tally,
            certificate.Withdrawn is { } w ? new WithdrawalDto(w.By, w.At.UtcDateTime, w.Reason) : null);
    }
}
