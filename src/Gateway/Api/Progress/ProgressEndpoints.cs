using KpuOrleans.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KpuOrleans.Gateway.Api.Progress;

public static class ProgressEndpoints
{
    public static IServiceCollection AddProgress(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSingleton<ProgressBoard>();
    }

    public static RouteGroupBuilder MapProgress(this RouteGroupBuilder api)
    {
        api.MapGet("/progress/{code}", GetProgress)
            .Produces<ProgressDto>(200).Produces(304).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> GetProgress(string code, RegionRegistry registry, ProgressBoard board, HttpContext http)
    {
        if (registry.Find(code) is not { } region) return Problems.NotFound($"Region '{code}' is not in the registry.");
        if (region.Level == Level.Tps) return Problems.NotFound($"{code} is a TPS: its races' figures are its tallies (GET /api/v1/tally/{{contest}}/{code}).");
        return (await board.ViewOf(region)).Answer(http);
    }
}
