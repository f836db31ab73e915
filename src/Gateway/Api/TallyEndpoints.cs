using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Net.Http.Headers;

namespace KpuOrleans.Gateway.Api;

public static class TallyEndpoints
{
    public static RouteGroupBuilder MapTallies(this RouteGroupBuilder api)
    {
        api.MapGet("/tally/{contest}/{code}", GetTally)
            .Produces<TallyDto>(200).Produces(304).ProducesProblem(404);
        api.MapGet("/tally/{contest}/{code}/children", GetChildren)
            .Produces<TallyDto[]>(200).Produces(304).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> GetTally(string contest, string code, HttpContext http, RegionRegistry registry, IGrainFactory grains)
    {
        if (Resolve(registry, contest, code) is not ({ } region, { } race)) return NotCovered(registry, contest, code);
        var snapshot = await grains.GetTallyGrain(region).GetTally(contest)
            ?? throw new InvalidOperationException($"{code} has no tally for {contest}");
        return WithETag(http, ETagOf(Identity(snapshot)), () => TallyDto.From(snapshot, region, race));
    }

    private static async Task<IResult> GetChildren(string contest, string code, HttpContext http, RegionRegistry registry, IGrainFactory grains)
    {
        if (Resolve(registry, contest, code) is not ({ } region, { } race)) return NotCovered(registry, contest, code);
        var children = await grains.GetTallyGrain(region).GetChildren(contest);
        // The children's versions together identify what this list shows.
        var hash = new HashCode();
        foreach (var child in children) hash.Add(Identity(child));
        return WithETag(http, ETagOf(hash.ToHashCode()),
            () => children.Select(c => TallyDto.From(c, registry.Get(c.Region), race)).ToArray());
    }

    private static (RegionInfo?, Contest?) Resolve(RegionRegistry registry, string contest, string code)
    {
        var region = registry.Find(code);
        return (region, region?.FindContest(contest));
    }

    private static IResult NotCovered(RegionRegistry registry, string contest, string code)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        if (registry.Find(code) is null) return Problems.NotFound($"Region '{code}' is not in the registry.");
        return Problems.NotFound($"Contest {contest} does not cover region {code}: its scope is {race.Scope}.");
    }

    private static string ETagOf(long version) => $"\"{version:x}\"";

    /// <summary>
    /// What identifies a tally as shown: its version, which grows with every change below, and its certificate and
    /// evidence (Tally.Revision), which change without one.
    /// </summary>
    private static long Identity(TallySnapshot snapshot) =>
        snapshot.Certified is null && snapshot.Tally.Revision == 0
            ? snapshot.Tally.Version
            : HashCode.Combine(snapshot.Tally.Version, snapshot.Tally.Revision, snapshot.Certified?.At);

    private static IResult WithETag<T>(HttpContext http, string etag, Func<T> body)
    {
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = CachePolicy.Tallies;
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag)) return TypedResults.StatusCode(304);
        return TypedResults.Ok(body());
    }
}
