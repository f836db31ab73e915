using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api;

public static class RegionEndpoints
{
    public static RouteGroupBuilder MapRegions(this RouteGroupBuilder api)
    {
        api.MapGet("/contests", (RegionRegistry registry, HttpContext http) =>
            {
                http.Response.Headers.CacheControl = CachePolicy.Registry;
                return TypedResults.Ok(registry.Contests.Select(ToDto).ToArray());
            })
            .Produces<ContestDto[]>(200);
        api.MapGet("/regions/{code}", GetRegion)
            .Produces<RegionDto>(200).ProducesProblem(404);
        return api;
    }

    private static IResult GetRegion(string code, RegionRegistry registry, HttpContext http)
    {
        if (registry.Find(code) is not { } region) return Problems.NotFound($"Region '{code}' is not in the registry.");
        http.Response.Headers.CacheControl = CachePolicy.Registry;
        var children = region.Children.Select(c => new RegionRefDto(c, registry.Get(c).Name)).ToArray();
        return TypedResults.Ok(new RegionDto(region.Code, region.Level.ToApiName(), region.Name, region.Parent, children,
            region.TpsCount, region.Registered, [.. region.Contests.Select(c => c.Id)]));
    }

    private static ContestDto ToDto(Contest contest) => new(contest.Id, contest.Kind, contest.Scope, contest.Name,
        [.. contest.Candidates.Select(c => new CandidateDto(c.Number, c.Names, c.EmptyColumn))]);
}
