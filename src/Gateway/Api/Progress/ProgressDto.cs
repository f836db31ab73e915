using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Gateway.Api.Progress;

// The shapes of API.md, "The whole country": GET /api/v1/progress/{code}.

/// <summary>One race's progress where it was read: at the child region, or at the race's own scope inside it.</summary>
public sealed record RaceProgressDto(
    string Contest, string Kind, string Scope, string Name, string Region, int TpsReported, int TpsExpected, int Anomalies,
    int PhotoMissing, int DisputesOpen, long Version, DateTime? UpdatedAt, string? Digest, CertifiedDto? Certified)
{
    public static RaceProgressDto From(Contest contest, RegionInfo region, TallySnapshot snapshot)
    {
        var tally = snapshot.Tally;
        return new(contest.Id, contest.Kind, contest.Scope, contest.Name, region.Code, tally.TpsReported, region.TpsCount,
            tally.Anomalies, tally.PhotoMissing, tally.DisputesOpen, tally.Version, snapshot.UpdatedAt?.UtcDateTime, snapshot.Digest,
            snapshot.Certified is { } seal ? new CertifiedDto(seal.By, seal.At.UtcDateTime, seal.Digest) : null);
    }
}

public sealed record RegionProgressDto(string Code, string Level, string Name, int TpsCount, IReadOnlyList<RaceProgressDto> Races);

public sealed record ProgressDto(string Code, string Level, string Name, IReadOnlyList<RegionProgressDto> Regions);
