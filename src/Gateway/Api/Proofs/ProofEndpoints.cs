using System.Globalization;
using KpuOrleans.Hosting;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api.Proofs;

public static class ProofEndpoints
{
    /// <summary>Problem type of a TPS with nothing counted where its proof would end. Stable: clients branch on it.</summary>
    public const string NotCountedType = "https://kpu-orleans.id/problems/not-counted";

    public static IServiceCollection AddProofs(this IServiceCollection services, IConfiguration configuration)
    {
        var key = $"{ProofOptions.Section}:{nameof(ProofOptions.MaxConcurrent)}";
        var options = new ProofOptions();
        if (configuration[key] is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1))
            throw new SettingsRefusedException($"{key.Replace(":", "__")} is '{text}': give a whole number of proofs, at least 1 (default {options.MaxConcurrent})");
        services.AddOptions<ProofOptions>().Bind(configuration.GetSection(ProofOptions.Section));
        return services.AddSingleton<ProofReader>();
    }

    public static RouteGroupBuilder MapProofs(this RouteGroupBuilder api)
    {
        api.MapGet("/proof/{contest}/{tps}", GetProof)
            .Produces<ProofDto>(200).Produces(304).ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        return api;
    }

    private static async Task<IResult> GetProof(string contest, string tps, string? certificate, HttpContext http,
        RegionRegistry registry, ProofReader reader)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        if (registry.Find(tps) is not { Level: Level.Tps } station) return Problems.NotFound($"'{tps}' is not a TPS of the registry.");
        if (station.FindContest(contest) is null) return Problems.NotFound($"Contest {contest} does not cover TPS {tps}: its scope is {race.Scope}.");
        var path = ProofReader.PathOf(station, race, registry);
        var (target, error, unknown) = ProofTarget.Read(certificate, path);
        if (target is null)
            return CertificateProblem(unknown ? 404 : 400, unknown ? "Not found" : "Bad request", error!);

        switch (await reader.ReadAsync(race, path, target, http.RequestAborted))
        {
            case ProofOutcome.Proved proved:
                return TaggedJson.Of(ProofDto.From(proved.Proof)).Answer(http);
            case ProofOutcome.NotCounted missing:
                if (missing.LatestVersion > 0) http.Response.Headers.RetryAfter = "1";
                var problem = Problems.Create(404, "Not counted", missing.LatestVersion > 0
                    ? $"TPS {tps} has version {missing.LatestVersion} of {contest} accepted, but it has not reached the top of the race yet. Retry in a second."
                    : $"TPS {tps} has no accepted form of {contest}: nothing of it is counted.",
                    extensions: [new("latestVersion", missing.LatestVersion)]);
                problem.Type = NotCountedType;
                return Problems.Result(problem);
            case ProofOutcome.NoCertificate none:
                return CertificateProblem(404, "Not found", none.Detail);
            case ProofOutcome.Unavailable busy:
                return Problems.Result(Problems.Create(503, "Service unavailable", busy.Detail));
            default:
                throw new InvalidOperationException("unknown proof outcome");
        }
    }

    private static IResult CertificateProblem(int status, string title, string detail) =>
        Problems.Result(Problems.Create(status, title, detail, new Dictionary<string, string[]> { [ProofTarget.Parameter] = [detail] }));
}
