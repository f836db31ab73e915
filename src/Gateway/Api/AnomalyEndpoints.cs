using System.Runtime.Serialization;
using KpuOrleans.Live;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api;

public static class AnomalyEndpoints
{
    public static RouteGroupBuilder MapAnomalies(this RouteGroupBuilder api)
    {
        api.MapGet("/anomalies", GetRecent).Produces<AnomalyDto[]>(200).ProducesProblem(400);
        return api;
    }

    /// <summary>The newest flagged forms, newest first.</summary>
    private static async Task<IResult> GetRecent(RegionRegistry registry, IGrainFactory grains, int? limit)
    {
        if (limit is < 1 or > AnomalyLogGrain.Kept)
        {
            return Problems.Result(Problems.Create(400, "Bad limit", $"limit must be from 1 to {AnomalyLogGrain.Kept}.",
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be from 1 to {AnomalyLogGrain.Kept}"] }));
        }
        var recent = await grains.GetGrain<IAnomalyLogGrain>(registry.Root.Code).Recent(limit ?? 100);
        return TypedResults.Ok(recent.Select(AnomalyDto.From).ToArray());
    }
}

/// <summary>A flagged form in the operators' list: which TPS, which rules, which village.</summary>
[DataContract]
public sealed record AnomalyDto(
    [property: DataMember(Name = "tps")] string Tps,
    [property: DataMember(Name = "contest")] string Contest,
    [property: DataMember(Name = "version")] long Version,
    [property: DataMember(Name = "region")] string Region,
    [property: DataMember(Name = "anomalies")] IReadOnlyList<string> Anomalies,
    [property: DataMember(Name = "acceptedAt")] DateTime AcceptedAt)
{
    public static AnomalyDto From(AnomalyEntry entry) =>
        new(entry.Tps, entry.Contest, entry.Version, entry.Region, entry.Anomalies, entry.AcceptedAt.UtcDateTime);
}
