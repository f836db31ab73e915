using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace KpuOrleans.Bench.Alternative;

/// <summary><c>GET /api/v1/tally/{contest}/{code}</c> from the running totals, in the gateway's shape and with its ETag.</summary>
public static class TallyEndpoint
{
    public static RouteGroupBuilder MapTally(this RouteGroupBuilder api)
    {
        api.MapGet("/tally/{contest}/{code}", GetTally);
        return api;
    }

    private static async Task<Results<Ok<TallyDto>, StatusCodeHttpResult, ProblemHttpResult>> GetTally(
        string contest, string code, HttpContext http, RegionRegistry registry, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (registry.Find(code) is not { } region || region.FindContest(contest) is not { } race)
            return NotCovered(registry, contest, code);
        var snapshot = await RunningTotals.ReadAsync(database, race, region, cancellationToken);
        var etag = $"\"{snapshot.Tally.Version:x}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(TallyDto.From(snapshot, region, race));
    }

    private static ProblemHttpResult NotCovered(RegionRegistry registry, string contest, string code)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        if (registry.Find(code) is null) return Problems.NotFound($"Region '{code}' is not in the registry.");
        return Problems.NotFound($"Contest {contest} does not cover region {code}: its scope is {race.Scope}.");
    }
}
